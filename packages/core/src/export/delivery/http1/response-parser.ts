/**
 * An incremental HTTP/1.1 response parser: bytes from a socket in, whole responses out, in order
 * (several per chunk when requests were pipelined, one response across many chunks when it is
 * large). It keeps what the exporters read of a response (status, `Retry-After`, `Location`, the
 * first {@link MAX_RESPONSE_CHARS} of the body) and whether the connection may be reused.
 *
 * Bodies are framed by `Content-Length`, by `chunked` transfer coding, or by the end of the
 * connection (RFC 9112 §6.3). 1xx interim responses are skipped. Anything malformed throws: the
 * caller then drops the connection, whose framing can no longer be trusted.
 */
import { MAX_RESPONSE_CHARS } from "../http.js";

/** One response, as much of it as delivery uses. */
export interface ParsedResponse {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly location: string | undefined;
  /** The body's first {@link MAX_RESPONSE_CHARS} characters (UTF-8). */
  readonly body: string;
  /** The server will close the connection after this response (`Connection: close`, HTTP/1.0, body to the end). */
  readonly close: boolean;
}

/** Status line and headers together may not exceed this (Node's own default limit is 16 KB). */
const MAX_HEAD_BYTES = 64 * 1024;
/** Body bytes kept: enough for {@link MAX_RESPONSE_CHARS} characters of any UTF-8 text. */
const MAX_BODY_BYTES = MAX_RESPONSE_CHARS * 3;
const CRLF = Buffer.from("\r\n", "latin1");
const HEAD_END = Buffer.from("\r\n\r\n", "latin1");
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;

type State = "head" | "length" | "chunk-size" | "chunk-data" | "chunk-end" | "trailer" | "to-close";

interface Head {
  status: number;
  retryAfter: string | undefined;
  location: string | undefined;
  close: boolean;
}

/** Parses the responses of one connection, in order. */
export class ResponseParser {
  private state: State = "head";
  /** Bytes received and not yet consumed. */
  private pending: Buffer | undefined;
  private head: Head | undefined;
  /** Body bytes still expected (length framing) or of the current chunk. */
  private remaining = 0;
  private parts: Buffer[] = [];
  private kept = 0;

  /** Consumes `chunk`; returns the responses it completes, in order. Throws on malformed input. */
  feed(chunk: Buffer): ParsedResponse[] {
    let buf = this.pending && this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    const out: ParsedResponse[] = [];
    let at = 0;
    while (at < buf.length) {
      const used = this.step(buf, at, out);
      if (used < 0) break; // needs more bytes
      at = used;
    }
    if (at < buf.length) {
      buf = buf.subarray(at);
      if (this.state === "head" && buf.length > MAX_HEAD_BYTES) throw new Error("HTTP response head too large");
      // A copy, so that a small remainder does not keep the socket's whole read buffer alive.
      this.pending = Buffer.from(buf);
    }
    return out;
  }

  /** The connection ended: completes a body framed by the close, or throws if a response was cut. */
  end(): ParsedResponse | undefined {
    if (this.state === "to-close") return this.finish();
    // A response has begun and not ended: the close cut it.
    if (this.state !== "head" || (this.pending?.length ?? 0) > 0) throw new Error("connection closed in the middle of a response");
    return undefined;
  }

  /** Parses from `at`; returns where the next step starts, or -1 when more bytes are needed. */
  private step(buf: Buffer, at: number, out: ParsedResponse[]): number {
    switch (this.state) {
      case "head": {
        const end = buf.indexOf(HEAD_END, at);
        if (end < 0) {
          if (buf.length - at > MAX_HEAD_BYTES) throw new Error("HTTP response head too large");
          return -1;
        }
        this.begin(buf.toString("latin1", at, end), out);
        return end + 4;
      }
      case "length": {
        const n = Math.min(this.remaining, buf.length - at);
        this.keep(buf, at, at + n);
        this.remaining -= n;
        if (this.remaining === 0) out.push(this.finish());
        return at + n;
      }
      case "chunk-size": {
        const end = buf.indexOf(CRLF, at);
        if (end < 0) {
          if (buf.length - at > 1024) throw new Error("HTTP chunk size line too long");
          return -1;
        }
        const line = buf.toString("latin1", at, end);
        const hex = /^([0-9a-fA-F]{1,8})[ \t]*(?:;.*)?$/.exec(line);
        if (!hex) throw new Error("bad HTTP chunk size");
        this.remaining = parseInt(hex[1]!, 16);
        this.state = this.remaining === 0 ? "trailer" : "chunk-data";
        return end + 2;
      }
      case "chunk-data": {
        const n = Math.min(this.remaining, buf.length - at);
        this.keep(buf, at, at + n);
        this.remaining -= n;
        if (this.remaining === 0) this.state = "chunk-end";
        return at + n;
      }
      case "chunk-end": {
        if (buf.length - at < 2) return -1;
        if (buf[at] !== 0x0d || buf[at + 1] !== 0x0a) throw new Error("bad HTTP chunk ending");
        this.state = "chunk-size";
        return at + 2;
      }
      case "trailer": {
        // Trailer fields, if any, then an empty line; none of them matters here.
        const end = buf.indexOf(CRLF, at);
        if (end < 0) {
          if (buf.length - at > MAX_HEAD_BYTES) throw new Error("HTTP trailer too large");
          return -1;
        }
        if (end === at) out.push(this.finish());
        return end + 2;
      }
      case "to-close":
        this.keep(buf, at, buf.length);
        return buf.length;
    }
  }

  /** Reads a status line and headers and sets up how the body is framed. */
  private begin(text: string, out: ParsedResponse[]): void {
    const lines = text.split("\r\n");
    const statusLine = STATUS_LINE.exec(lines[0] ?? "");
    if (!statusLine) throw new Error("bad HTTP status line");
    const status = Number(statusLine[2]);
    let length: string | undefined;
    let chunked = false;
    let connection = "";
    const head: Head = { status, retryAfter: undefined, location: undefined, close: false };
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      if (colon <= 0) throw new Error("bad HTTP header line");
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") {
        if (length !== undefined && length !== value) throw new Error("conflicting HTTP Content-Length");
        length = value;
      } else if (name === "transfer-encoding") chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      else if (name === "connection") connection += `,${value.toLowerCase()}`;
      else if (name === "retry-after") head.retryAfter ??= value;
      else if (name === "location") head.location ??= value;
    }
    if (status < 200) {
      // 101 would switch protocols: nothing here asked for that.
      if (status === 101) throw new Error("unexpected HTTP 101 Switching Protocols");
      return; // interim response: the final one follows
    }
    const http10 = statusLine[1] === "0";
    head.close = /(?:^|,)\s*close\s*(?:,|$)/.test(connection) || (http10 && !/(?:^|,)\s*keep-alive\s*(?:,|$)/.test(connection));
    this.head = head;
    if (status === 204 || status === 304) {
      out.push(this.finish());
    } else if (chunked) {
      this.state = "chunk-size";
    } else if (length !== undefined) {
      if (!/^\d{1,15}$/.test(length)) throw new Error("bad HTTP Content-Length");
      this.remaining = Number(length);
      if (this.remaining === 0) out.push(this.finish());
      else this.state = "length";
    } else {
      head.close = true;
      this.state = "to-close";
    }
  }

  /** Keeps body bytes up to {@link MAX_BODY_BYTES}; the rest is only counted past. */
  private keep(buf: Buffer, from: number, to: number): void {
    const room = MAX_BODY_BYTES - this.kept;
    if (room <= 0 || to <= from) return;
    const end = Math.min(to, from + room);
    // A copy: a view would keep the whole socket buffer alive.
    this.parts.push(Buffer.from(buf.subarray(from, end)));
    this.kept += end - from;
  }

  private finish(): ParsedResponse {
    const head = this.head!;
    const body = this.parts.length === 0 ? "" : (this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)).toString("utf8");
    this.parts = [];
    this.kept = 0;
    this.head = undefined;
    this.state = "head";
    return { ...head, body: body.length > MAX_RESPONSE_CHARS ? body.slice(0, MAX_RESPONSE_CHARS) : body };
  }
}
