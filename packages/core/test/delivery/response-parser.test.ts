/**
 * The HTTP/1.1 response parser of the default transport: generated streams of pipelined responses
 * (Content-Length, chunked with extensions and trailers, no body, interim 1xx, a body to the
 * close), cut at random points, parse to exactly what was sent; anything malformed throws rather
 * than being read as something else.
 */
import { describe, expect, it } from "vitest";
import { MAX_RESPONSE_CHARS } from "../../src/export/delivery/http.js";
import { ResponseParser, type ParsedResponse } from "../../src/export/delivery/http1/response-parser.js";
import { rng } from "../helpers.js";

const CHARS = ["a", "{", '"', "\\", "é", "✓", "𝄞", "\r", "\n", " ", "0"];

function body(r: () => number): string {
  const n = r() < 0.1 ? 0 : Math.floor(r() * (r() < 0.1 ? 5_000 : 60));
  let out = "";
  for (let i = 0; i < n; i++) out += CHARS[Math.floor(r() * CHARS.length)]!;
  return out;
}

/** One response on the wire and what the parser should give for it. */
function response(r: () => number, last: boolean): { wire: string; expected: ParsedResponse } {
  const status = r() < 0.1 ? 204 : [200, 201, 400, 404, 413, 429, 500, 503][Math.floor(r() * 8)]!;
  const text = status === 204 ? "" : body(r);
  const bytes = Buffer.from(text, "utf8");
  const retryAfter = r() < 0.3 ? String(Math.floor(r() * 100)) : undefined;
  const location = r() < 0.2 ? "http://example.test/x" : undefined;
  let head = `HTTP/1.1 ${status} Whatever Reason\r\n`;
  if (r() < 0.2) head = `HTTP/1.1 100 Continue\r\n\r\n${head}`;
  head += r() < 0.5 ? "Content-Type: application/json\r\n" : "x-odd-case:  spaced value \r\n";
  if (retryAfter !== undefined) head += `Retry-After: ${retryAfter}\r\n`;
  if (location !== undefined) head += `LOCATION: ${location}\r\n`;
  const framing = status === 204 ? "none" : last && r() < 0.3 ? "close" : r() < 0.5 ? "chunked" : "length";
  let wire: string;
  if (framing === "chunked") {
    head += "Transfer-Encoding: chunked\r\n\r\n";
    let chunks = "";
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + Math.floor(r() * 40);
      const piece = bytes.subarray(at, at + n);
      chunks += `${piece.length.toString(16)}${r() < 0.2 ? ";ext=1" : ""}\r\n${piece.toString("latin1")}\r\n`;
      at += n;
    }
    wire = head + chunks + (r() < 0.3 ? "0\r\nX-Trailer: yes\r\n\r\n" : "0\r\n\r\n");
  } else if (framing === "length") {
    wire = `${head}Content-Length: ${bytes.length}\r\n\r\n${bytes.toString("latin1")}`;
  } else if (framing === "close") {
    wire = `${head}\r\n${bytes.toString("latin1")}`;
  } else {
    wire = `${head}\r\n`;
  }
  const close = framing === "close";
  return { wire, expected: { status, retryAfter, location, body: text.slice(0, MAX_RESPONSE_CHARS), close } };
}

/** Feeds `wire` (latin1 text of the bytes) cut at random points; returns every response. */
function parseInPieces(r: () => number, wire: string, endAfter: boolean): ParsedResponse[] {
  const bytes = Buffer.from(wire, "latin1");
  const parser = new ResponseParser();
  const out: ParsedResponse[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = r() < 0.3 ? 1 + Math.floor(r() * 3) : 1 + Math.floor(r() * 400);
    out.push(...parser.feed(bytes.subarray(at, at + n)));
    at += n;
  }
  if (endAfter) {
    const last = parser.end();
    if (last) out.push(last);
  }
  return out;
}

describe("HTTP/1.1 response parser", () => {
  it("parses 300 generated streams of pipelined responses, cut at random points, to what was sent", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const count = 1 + Math.floor(r() * 6);
      const responses = Array.from({ length: count }, (_, i) => response(r, i === count - 1));
      const wire = responses.map((x) => x.wire).join("");
      expect(parseInPieces(r, wire, true), `seed ${seed}`).toEqual(responses.map((x) => x.expected));
    }
  });

  it("keeps the first MAX_RESPONSE_CHARS characters of a large body and still finds the next response", () => {
    const big = "✓".repeat(MAX_RESPONSE_CHARS + 10);
    const bytes = Buffer.byteLength(big);
    const wire = `HTTP/1.1 500 X\r\nContent-Length: ${bytes}\r\n\r\n${Buffer.from(big).toString("latin1")}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}`;
    const out = parseInPieces(rng(7), wire, false);
    expect(out.map((x) => x.status)).toEqual([500, 200]);
    expect(out[0]!.body).toBe("✓".repeat(MAX_RESPONSE_CHARS));
    expect(out[1]!.body).toBe("{}");
  });

  it("reads the close announced by Connection or by HTTP/1.0", () => {
    const parse = (wire: string) => new ResponseParser().feed(Buffer.from(wire, "latin1"))[0]!.close;
    expect(parse("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 0\r\n\r\n")).toBe(true);
    expect(parse("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")).toBe(false);
    expect(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).toBe(true);
    expect(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")).toBe(false);
  });

  it("throws on what it cannot frame safely, instead of reading it as something else", () => {
    const bad = [
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 2OO OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n123456789\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\n{}\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a\nb\r\n{}\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n",
      "HTTP/1.1 101 Switching Protocols\r\n\r\n",
      `HTTP/1.1 200 OK\r\nX: ${"a".repeat(70 * 1024)}`,
    ];
    for (const wire of bad) expect(() => new ResponseParser().feed(Buffer.from(wire, "latin1")), wire.slice(0, 60)).toThrow();
  });

  it("reads chunk sizes in any case, with spaces and extensions, up to 8 hex digits", () => {
    const wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000001 \t;ext=1;b\r\n{\r\nA\r\n\"aaaaaaa\"}\r\n0\r\n\r\n";
    expect(new ResponseParser().feed(Buffer.from(wire, "latin1"))).toEqual([{ status: 200, retryAfter: undefined, location: undefined, body: '{"aaaaaaa"}', close: false }]);
  });

  it("holds on to no chunk it was fed: the caller may reuse its buffer once feed returns", () => {
    const text = "é✓".repeat(40);
    const bytes = Buffer.from(text, "utf8");
    const head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    const wire = Buffer.concat([Buffer.from(`${head}${(60).toString(16)}\r\n`, "latin1"), bytes.subarray(0, 60), Buffer.from(`\r\n${(bytes.length - 60).toString(16)}\r\n`, "latin1"), bytes.subarray(60), Buffer.from("\r\n0\r\n\r\n", "latin1")]);
    for (const cut of [head.length + 10, head.length + 40, head.length + 70, wire.length - 40]) {
      const parser = new ResponseParser();
      const reused = Buffer.alloc(wire.length);
      wire.copy(reused, 0, 0, cut);
      expect(parser.feed(reused.subarray(0, cut))).toEqual([]);
      reused.fill(0x78);
      wire.copy(reused, 0, cut);
      expect(parser.feed(reused.subarray(0, wire.length - cut)).map((r) => r.body), `cut at ${cut}`).toEqual([text]);
    }
  });

  it("throws when the connection ends in the middle of a response, and not between responses", () => {
    const cut = new ResponseParser();
    cut.feed(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", "latin1"));
    expect(() => cut.end()).toThrow(/middle of a response/);
    const between = new ResponseParser();
    expect(between.feed(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", "latin1"))).toHaveLength(1);
    expect(between.end()).toBeUndefined();
  });
});
