/**
 * A minimal `fetch` over `node:http` with a keep-alive agent, enough for Tracium's HTTP exporter
 * (POST a string body, read status, a few headers and the text). Used by the benchmark only to
 * show what the suggested transport change (bench/README.md, "Suggested fixes") would save.
 */
import http from "node:http";

export function createHttpFetch({ maxSockets = 4 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const httpFetch = (url, init = {}) =>
    new Promise((resolve, reject) => {
      const body = typeof init.body === "string" ? Buffer.from(init.body) : init.body;
      const headers = { ...init.headers, ...(body ? { "content-length": body.length } : {}) };
      const req = http.request(url, { method: init.method ?? "GET", headers, agent, signal: init.signal }, (res) => {
        const chunks = [];
        res.on("data", (d) => chunks.push(d));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode,
            ok: res.statusCode >= 200 && res.statusCode < 300,
            headers: { get: (name) => res.headers[name.toLowerCase()] ?? null },
            body: null,
            text: async () => text,
          });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  httpFetch.close = () => agent.destroy();
  return httpFetch;
}
