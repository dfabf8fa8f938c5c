/**
 * The page's JSON API over the {@link TraceStore}: the trace list filtered, searched, sorted and cut
 * to a page on the server (so a file of 100,000 traces costs the page one screenful), and one trace
 * in full.
 */
import { open } from "node:fs/promises";
import { MAX_LINE_BYTES } from "../lines.js";
import type { Answer } from "./collector.js";
import type { ListAnswer, TraceAnswer, TraceRow } from "./api-types.js";
import type { TraceStore } from "./store.js";

const SORTS: Record<string, (r: TraceRow) => number> = {
  time: (r) => (r.started_at ? Date.parse(r.started_at) : 0) || r.seq,
  duration: (r) => r.duration_ms ?? -1,
  tokens: (r) => r.total_tokens,
  cost: (r) => r.cost_usd ?? -1,
};

/** The distinct values the page offers as filters. */
function facets(rows: TraceRow[]): ListAnswer["facets"] {
  const agents = new Set<string>();
  const models = new Set<string>();
  const tags = new Set<string>();
  const statuses = new Set<string>();
  for (const r of rows) {
    agents.add(r.agent_name);
    statuses.add(r.status);
    for (const m of r.models) models.add(m);
    for (const t of r.tags) tags.add(t);
  }
  const sorted = (s: Set<string>): string[] => [...s].sort().slice(0, 500);
  return { agents: sorted(agents), models: sorted(models), tags: sorted(tags), statuses: sorted(statuses) };
}

const PIECE = 64 * 1024;

/** Trace ids whose lines contain `needle` (case-insensitive), by one streamed pass over the file. */
function topLevelTraceId(line: string): string | undefined {
  try {
    const rec: unknown = JSON.parse(line);
    const id = rec !== null && typeof rec === "object" ? (rec as { trace_id?: unknown }).trace_id : undefined;
    return typeof id === "string" && id ? id : undefined;
  } catch {
    return undefined;
  }
}

async function fullText(store: TraceStore, needle: string): Promise<Set<string>> {
  const found = new Set<string>();
  // Searched as it appears inside JSON strings.
  const want = JSON.stringify(needle.toLowerCase()).slice(1, -1);
  let fh;
  try {
    fh = await open(store.file, "r");
  } catch {
    return found;
  }
  try {
    // One buffer, a cut line read again from its start, and text decoded in pieces of about 64 KB
    // (small strings are collected young): memory stays flat however big the file.
    let buf = Buffer.allocUnsafe(1 << 20);
    let at = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, at);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      const end = chunk.lastIndexOf(0x0a) + 1;
      if (end === 0) {
        // No newline in a whole buffer: a long line (a bigger buffer, up to the longest line the
        // index keeps), or the unfinished last line.
        if (bytesRead < buf.length) break;
        if (buf.length * 2 <= MAX_LINE_BYTES) buf = Buffer.allocUnsafe(buf.length * 2);
        else at += bytesRead;
        continue;
      }
      for (let from = 0; from < end; ) {
        let to = from + PIECE >= end ? end : chunk.lastIndexOf(0x0a, from + PIECE) + 1;
        if (to <= from) to = chunk.indexOf(0x0a, from) + 1;
        for (const line of chunk.toString("utf8", from, to).split("\n")) {
          if (!line.toLowerCase().includes(want)) continue;
          // The record's own trace id (a nested "trace_id", in a tool's output say, is not it).
          const id = topLevelTraceId(line);
          if (id) found.add(id);
        }
        from = to;
      }
      at += end;
    }
  } finally {
    await fh.close();
  }
  return found;
}

let searchCache: { key: string; ids: Set<string> } | undefined;

async function listTraces(store: TraceStore, q: URLSearchParams): Promise<Answer> {
  const since = Number(q.get("since") ?? "-1");
  if (since === store.version) return { status: 200, body: { version: store.version, unchanged: true } };
  const all = store.rows();
  const agent = q.get("agent") ?? "";
  const status = q.get("status") ?? "";
  const tag = q.get("tag") ?? "";
  const model = q.get("model") ?? "";
  const text = (q.get("q") ?? "").trim();
  // `within`: only traces started in the last so many seconds.
  const within = Number(q.get("within") ?? "0");
  const cutoff = Number.isFinite(within) && within > 0 ? Date.now() - within * 1000 : 0;
  // `from` / `to`: a start-time range in epoch ms (`to` excluded); either may be absent.
  const from = Number(q.get("from") || "NaN");
  const to = Number(q.get("to") || "NaN");
  const inRange = (r: TraceRow): boolean => {
    if (Number.isNaN(from) && Number.isNaN(to)) return true;
    const t = r.started_at ? Date.parse(r.started_at) : NaN;
    return Number.isFinite(t) && !(t < from) && !(t >= to);
  };
  let ids: Set<string> | undefined;
  if (text) {
    const key = `${store.version}\u0000${text}`;
    if (searchCache?.key !== key) searchCache = { key, ids: await fullText(store, text) };
    ids = searchCache.ids;
  }
  const lower = text.toLowerCase();
  const rows = all.filter(
    (r) =>
      (!agent || r.agent_name === agent) &&
      (!status || r.status === status) &&
      (!tag || r.tags.includes(tag)) &&
      (!model || r.models.includes(model)) &&
      (!cutoff || (r.started_at !== null && Date.parse(r.started_at) >= cutoff)) &&
      inRange(r) &&
      (!text || ids?.has(r.trace_id) || r.trace_id.toLowerCase().includes(lower)),
  );
  const key = SORTS[q.get("sort") ?? "time"] ?? SORTS.time!;
  const asc = q.get("order") === "asc";
  rows.sort((a, b) => (asc ? key(a) - key(b) : key(b) - key(a)) || (asc ? a.seq - b.seq : b.seq - a.seq));
  const offset = Math.max(0, Number(q.get("offset") ?? "0") || 0);
  const limit = Math.min(1000, Math.max(1, Number(q.get("limit") ?? "200") || 200));
  const body: ListAnswer = { version: store.version, total: all.length, matching: rows.length, rows: rows.slice(offset, offset + limit), facets: facets(all), file: store.file };
  return { status: 200, body };
}

/** `GET /api/...`. */
export async function apiRequest(store: TraceStore, path: string, q: URLSearchParams): Promise<Answer> {
  await store.refresh();
  if (path === "/api/traces") return listTraces(store, q);
  const m = /^\/api\/traces\/([^/]+)$/.exec(path);
  if (m) {
    let id: string;
    try {
      id = decodeURIComponent(m[1] as string);
    } catch {
      return { status: 400, body: { detail: "bad trace id" } };
    }
    const row = store.row(id);
    if (!row) return { status: 404, body: { detail: "trace not found" } };
    // `since`: the version the page shows; unchanged since then, the trace is not read again.
    if (Number(q.get("since") ?? "-1") === row.version) return { status: 200, body: { version: row.version, unchanged: true } };
    const trace = await store.trace(id);
    if (!trace) return { status: 404, body: { detail: "trace not found" } };
    const body: TraceAnswer = { version: row.version, trace };
    return { status: 200, body };
  }
  return { status: 404, body: { detail: "not found" } };
}
