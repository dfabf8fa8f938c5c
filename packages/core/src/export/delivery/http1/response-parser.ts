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
const HEAD_END = Buffer.from("\r\n\r\n", "latin1");

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
  /** Body bytes kept so far: views into the chunk being fed, copies once the feed returns. */
  private parts: Buffer[] = [];
  /** How many of the last {@link parts} are views into the chunk being fed. */
  private views = 0;
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
    // A body still open keeps copies, not views: a view would keep the socket's read buffer alive.
    for (let i = this.parts.length - this.views; i < this.parts.length; i++) this.parts[i] = Buffer.from(this.parts[i]!);
    this.views = 0;
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
        this.begin(buf, at, end, out);
        return end + 4;
      }
      case "length": {
        const n = Math.min(this.remaining, buf.length - at);
        if (n === this.remaining && this.parts.length === 0) {
          // The whole body is in this chunk (the usual case): decoded in place, no copy.
          out.push(this.finish(buf.toString("utf8", at, at + Math.min(n, MAX_BODY_BYTES))));
          return at + n;
        }
        this.keep(buf, at, at + n);
        this.remaining -= n;
        if (this.remaining === 0) out.push(this.finish());
        return at + n;
      }
      case "chunk-size": {
        const end = lineEndAt(buf, at, buf.length);
        if (end === buf.length) {
          if (buf.length - at > 1024) throw new Error("HTTP chunk size line too long");
          return -1;
        }
        this.remaining = chunkSize(buf, at, end);
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
        const end = lineEndAt(buf, at, buf.length);
        if (end === buf.length) {
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

  /**
   * Reads a status line and the header fields in `buf[start, end)` and sets up how the body is
   * framed. It reads bytes in place: only the values of the few fields it uses become strings.
   */
  private begin(buf: Buffer, start: number, end: number, out: ParsedResponse[]): void {
    let lineEnd = lineEndAt(buf, start, end);
    if (!isStatusLine(buf, start, lineEnd)) throw new Error("bad HTTP status line");
    const status = (buf[start + 9]! - 48) * 100 + (buf[start + 10]! - 48) * 10 + (buf[start + 11]! - 48);
    const http10 = buf[start + 7] === 0x30;
    let length: string | undefined;
    let chunked = false;
    let connection = "";
    const head: Head = { status, retryAfter: undefined, location: undefined, close: false };
    for (let line = lineEnd + 2; line < end; line = lineEnd + 2) {
      lineEnd = lineEndAt(buf, line, end);
      let colon = line;
      while (colon < lineEnd && buf[colon] !== 0x3a) colon++;
      if (colon === line || colon === lineEnd) throw new Error("bad HTTP header line");
      const field = fieldOf(buf, line, colon);
      if (field === undefined) continue;
      const value = buf.toString("latin1", colon + 1, lineEnd).trim();
      if (field === "content-length") {
        if (length !== undefined && length !== value) throw new Error("conflicting HTTP Content-Length");
        length = value;
      } else if (field === "transfer-encoding") chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      else if (field === "connection") connection += `,${value.toLowerCase()}`;
      else if (field === "retry-after") head.retryAfter ??= value;
      else head.location ??= value;
    }
    if (status < 200) {
      // 101 would switch protocols: nothing here asked for that.
      if (status === 101) throw new Error("unexpected HTTP 101 Switching Protocols");
      return; // interim response: the final one follows
    }
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
    // A view for now: copied when the feed returns with the body still open (see feed()).
    this.parts.push(buf.subarray(from, end));
    this.views++;
    this.kept += end - from;
  }

  /** Completes the response, with the body kept so far unless `text` is given. */
  private finish(text?: string): ParsedResponse {
    const head = this.head!;
    const body = text ?? (this.parts.length === 0 ? "" : (this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)).toString("utf8"));
    if (this.parts.length > 0) this.parts = [];
    this.views = 0;
    this.kept = 0;
    this.head = undefined;
    this.state = "head";
    return {
      status: head.status,
      retryAfter: head.retryAfter,
      location: head.location,
      body: body.length > MAX_RESPONSE_CHARS ? body.slice(0, MAX_RESPONSE_CHARS) : body,
      close: head.close,
    };
  }
}

/**
 * The size on a chunk-size line, `buf[from, end)`: 1 to 8 hex digits, then optional spaces or
 * tabs, then optional `;extensions`. Throws on anything else.
 */
function chunkSize(buf: Buffer, from: number, end: number): number {
  let size = 0;
  let at = from;
  for (; at < end && at - from < 9; at++) {
    const digit = hexValue(buf[at]!);
    if (digit < 0) break;
    size = size * 16 + digit;
  }
  const digits = at - from;
  while (at < end && (buf[at] === 0x20 || buf[at] === 0x09)) at++;
  if (digits < 1 || digits > 8 || (at < end && buf[at] !== 0x3b)) throw new Error("bad HTTP chunk size");
  for (; at < end; at++) if (buf[at] === 0x0d || buf[at] === 0x0a) throw new Error("bad HTTP chunk size");
  return size;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** Where the line starting at `from` ends (its CR), or `end`. */
function lineEndAt(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === 0x0d && buf[i + 1] === 0x0a) return i;
  return end;
}

const STATUS_PREFIX = Buffer.from("HTTP/1.", "latin1");

/** `HTTP/1.0` or `HTTP/1.1`, a space, three digits, then a space or the end of the line. */
function isStatusLine(buf: Buffer, start: number, lineEnd: number): boolean {
  if (lineEnd - start < 12) return false;
  for (let i = 0; i < STATUS_PREFIX.length; i++) if (buf[start + i] !== STATUS_PREFIX[i]) return false;
  const version = buf[start + 7];
  if ((version !== 0x30 && version !== 0x31) || buf[start + 8] !== 0x20) return false;
  for (let i = 9; i < 12; i++) if (!isDigit(buf[start + i]!)) return false;
  return lineEnd === start + 12 || buf[start + 12] === 0x20;
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/** The header fields the exporters read, lower case; any other name is skipped unread. */
const FIELDS = ["content-length", "transfer-encoding", "connection", "retry-after", "location"] as const;
type Field = (typeof FIELDS)[number];

/** Which of {@link FIELDS} the name in `buf[from, to)` is (ASCII case-insensitive), if any. */
function fieldOf(buf: Buffer, from: number, to: number): Field | undefined {
  const length = to - from;
  next: for (const field of FIELDS) {
    if (field.length !== length) continue;
    for (let i = 0; i < length; i++) {
      const byte = buf[from + i]!;
      // ASCII letters fold to lower case; other bytes must match exactly.
      const lower = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
      if (lower !== field.charCodeAt(i)) continue next;
    }
    return field;
  }
  return undefined;
}
