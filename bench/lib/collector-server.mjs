/**
 * The local collector, run in its own process (so the ingestion work is not billed to the process
 * being measured). Accepts the Tracium ingestion API (create / spans / complete / fail) and OTLP/HTTP
 * JSON (`/v1/traces`, Langfuse's `/api/public/otel/v1/traces`), counts what arrives, and answers
 * `GET /__stats` and `POST /__reset`.
 */
import { createServer } from "node:http";

let stats;
let completedIds;
function reset() {
  completedIds = new Set();
  stats = { requests: 0, bytes: 0, traciumTraces: 0, traciumTraceEnds: 0, traciumSpanRecords: 0, traciumSpansCompleted: 0, otlpSpans: 0, otlpRequests: 0, badBodies: 0 };
}
reset();

function countOtlp(body) {
  let n = 0;
  for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  return n;
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (d) => chunks.push(d));
  req.on("end", () => {
    const raw = Buffer.concat(chunks);
    const url = req.url ?? "";
    if (url === "/__stats") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
    if (url === "/__reset") {
      reset();
      return void res.writeHead(200).end("{}");
    }
    stats.requests++;
    stats.bytes += raw.length;
    let body;
    try {
      body = raw.length ? JSON.parse(raw.toString("utf8")) : {};
    } catch {
      stats.badBodies++;
      return void res.writeHead(400, { "content-type": "application/json" }).end('{"error":"bad json"}');
    }
    const json = (status, value) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (url === "/v1/traces" || url.endsWith("/otel/v1/traces")) {
      stats.otlpRequests++;
      stats.otlpSpans += countOtlp(body);
      return json(200, {});
    }
    if (url === "/agents/traces") {
      stats.traciumTraces++;
      return json(200, { id: body.trace_id, trace_id: body.trace_id });
    }
    if (/^\/agents\/traces\/[^/]+\/spans$/.test(url)) {
      for (const s of body.spans ?? []) {
        stats.traciumSpanRecords++;
        if ((s.status === "completed" || s.status === "failed") && !completedIds.has(s.id)) {
          completedIds.add(s.id);
          stats.traciumSpansCompleted++;
        }
      }
      return json(200, { ok: true });
    }
    if (/^\/agents\/traces\/[^/]+\/(complete|fail)$/.test(url)) {
      stats.traciumTraceEnds++;
      return json(200, { ok: true });
    }
    json(404, { error: "not found" });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: server.address().port });
});
process.on("disconnect", () => process.exit(0));
