/**
 * The UI's index over the trace file: one small row per trace (what the list shows) and the byte
 * ranges of its lines, so a trace is read back from the file only when it is opened. The file is
 * read as a stream from where the last read stopped, so memory follows the number of traces and
 * lines, never the size of their content, and a file that grows (another process's file exporter,
 * or this server's collector) is followed.
 */
import { createHash } from "node:crypto";
import { open, stat, mkdir, readFile, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { AppendJob } from "@tracium/core";
import { MAX_LINE_BYTES } from "../lines.js";
import { TraceReader, type FileTrace } from "../traces.js";
import type { TraceRow } from "./api-types.js";

export type { TraceRow } from "./api-types.js";

interface Entry {
  row: TraceRow;
  /** Start offset and byte length of each of the trace's lines, interleaved. */
  ranges: number[];
  /** Span ids already counted (a span has a start and an end line). */
  ended: Set<string>;
  /** Whether a trace_end summary set the totals (span sums no longer apply). */
  summarised: boolean;
}

type Rec = Record<string, unknown>;
const isObject = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const CHUNK = 1 << 20;
/** Below this many indexed bytes, indexing again is faster than reading a saved index. */
const SAVE_FROM_BYTES = 16 * 1024 * 1024;
const INDEX_FORMAT = 1;
/** Rows serialised per write when the index is saved. */
const SAVE_ROWS = 500;

/** The saved index (`<file>.ui-index`): rows and line ranges up to `position`. */
interface SavedIndex {
  format: number;
  position: number;
  /** Hash of the file's first and last 4 KiB before `position`: the file it was built from. */
  fingerprint: string;
  seq: number;
  entries: Array<{ row: TraceRow; ranges: number[]; ended?: string[]; summarised: boolean }>;
}

/** Follows one JSONL trace file. */
export class TraceStore {
  private readonly entries = new Map<string, Entry>();
  /** Bytes of the file indexed so far (always at a line boundary). */
  private position = 0;
  /** The file read so far (device and inode): another file under the same name is read anew. */
  private identity: string | undefined;
  private seq = 0;
  private reading: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Bumped whenever a row changes; the page polls with it. */
  version = 0;
  /** Lines that were not trace records. */
  badLines = 0;
  private savedAt = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly file: string) {}

  /** Calls `listener` after each read that changed a row; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where the index of a big file is saved, so the next start does not read the whole file again. */
  get indexFile(): string {
    return `${this.file}.ui-index`;
  }

  /** Loads the saved index when it was built from this file (else the file is indexed from the start). */
  async loadIndex(): Promise<boolean> {
    try {
      const saved = JSON.parse(await readFile(this.indexFile, "utf8")) as SavedIndex;
      if (saved.format !== INDEX_FORMAT || typeof saved.position !== "number" || !Array.isArray(saved.entries)) return false;
      if ((await stat(this.file)).size < saved.position || (await this.fingerprint(saved.position)) !== saved.fingerprint) return false;
      this.entries.clear();
      for (const e of saved.entries) {
        this.entries.set(e.row.trace_id, { row: e.row, ranges: e.ranges, ended: new Set(e.ended ?? []), summarised: e.summarised });
      }
      this.position = saved.position;
      this.savedAt = saved.position;
      this.seq = saved.seq;
      this.version++;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Saves the index when enough was indexed since the last save (errors ignored: it is a cache).
   * It is written a few hundred rows at a time: one JSON string of the whole index would be a
   * transient as big as the index itself, on top of it.
   */
  async saveIndex(): Promise<void> {
    if (this.position < SAVE_FROM_BYTES || this.position - this.savedAt < SAVE_FROM_BYTES / 4) return;
    const tmp = `${this.indexFile}.${process.pid}.tmp`;
    try {
      const position = this.position;
      const head: Omit<SavedIndex, "entries"> = { format: INDEX_FORMAT, position, fingerprint: await this.fingerprint(position), seq: this.seq };
      // The rows as they are now: later reads may add entries while this one awaits its writes.
      const entries = [...this.entries.values()];
      const fh = await open(tmp, "w");
      try {
        await fh.write(`${JSON.stringify(head).slice(0, -1)},"entries":[`);
        for (let i = 0; i < entries.length; i += SAVE_ROWS) {
          // A finished trace's span ids are not kept: late lines for it are rare.
          const part = entries.slice(i, i + SAVE_ROWS).map((e) => JSON.stringify({ row: e.row, ranges: e.ranges, summarised: e.summarised, ...(e.row.status === "in_progress" ? { ended: [...e.ended] } : {}) }));
          await fh.write(`${i > 0 ? "," : ""}${part.join(",")}`);
        }
        await fh.write("]}");
      } finally {
        await fh.close();
      }
      await rename(tmp, this.indexFile);
      this.savedAt = position;
    } catch {
      // a read-only directory: index again next time
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  private async fingerprint(position: number): Promise<string> {
    const fh = await open(this.file, "r");
    try {
      const hash = createHash("sha256");
      const size = Math.min(4096, position);
      for (const at of [0, Math.max(0, position - 4096)]) {
        const buf = Buffer.alloc(size);
        await fh.read(buf, 0, size, at);
        hash.update(buf);
      }
      hash.update(String(position));
      return hash.digest("hex");
    } finally {
      await fh.close();
    }
  }

  /** Whether a trace with this id is in the file. */
  has(traceId: string): boolean {
    return this.entries.has(traceId);
  }

  /** The list row of a trace. */
  row(traceId: string): TraceRow | undefined {
    return this.entries.get(traceId)?.row;
  }

  /** Every row (in file order). */
  rows(): TraceRow[] {
    return [...this.entries.values()].map((e) => e.row);
  }

  /** Reads whatever was appended since the last call (concurrent calls share one read). */
  refresh(): Promise<void> {
    const before = this.version;
    this.reading ??= this.readNew().finally(() => {
      this.reading = undefined;
      if (this.version !== before) for (const listener of this.listeners) listener();
    });
    return this.reading;
  }

  /** Appends JSONL lines to the file (one write at a time), then indexes them. */
  append(lines: string[]): Promise<void> {
    const write = this.writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      // As the SDK's file exporter appends: whole lines per write (another process may be writing
      // too), and a newline first when the file ends mid-line (a writer that crashed).
      let failure: unknown;
      await new AppendJob(lines.map((l) => `${l}\n`)).run(this.file, 0o600, {
        written: () => undefined,
        failed: (_lines, error) => void (failure ??= error),
      });
      if (failure !== undefined) throw failure;
      await this.refresh();
    });
    this.writing = write.catch(() => undefined);
    return write;
  }

  /** The whole trace, read back from its lines in the file. */
  async trace(traceId: string): Promise<FileTrace | undefined> {
    const entry = this.entries.get(traceId);
    if (!entry) return undefined;
    const reader = new TraceReader();
    const fh = await open(this.file, "r");
    try {
      const r = entry.ranges;
      let i = 0;
      while (i < r.length) {
        // Neighbouring lines are read in one go (a trace's lines are often written together).
        const start = r[i] as number;
        let end = start + (r[i + 1] as number) + 1;
        let j = i + 2;
        while (j < r.length && r[j] === end && end - start < 8 * CHUNK) {
          end += (r[j + 1] as number) + 1;
          j += 2;
        }
        const buf = Buffer.alloc(end - start);
        await fh.read(buf, 0, buf.length, start);
        for (const line of buf.toString("utf8").split("\n")) reader.addLine(line);
        i = j;
      }
    } finally {
      await fh.close();
    }
    // The lines read are the ones indexed for this id; a file changed since is not trusted blindly.
    const trace = reader.all().find((t) => t.trace_id === traceId);
    if (trace && entry.row.status !== "in_progress") trace.status = entry.row.status;
    return trace;
  }

  private async readNew(): Promise<void> {
    let size: number;
    let identity: string;
    try {
      const st = await stat(this.file);
      size = st.size;
      identity = `${st.dev}:${st.ino}`;
    } catch {
      return; // no file yet: the collector creates it
    }
    // Truncated, or replaced by another file (a rename over it, even a bigger one): index it again.
    if (size < this.position || (this.identity !== undefined && identity !== this.identity)) this.reset();
    this.identity = identity;
    if (size === this.position) return;
    const fh = await open(this.file, "r");
    try {
      // One buffer for the whole read, and a line cut by the end of a read is read again from its
      // start: no garbage per chunk, so memory stays flat however big the file.
      let buf = Buffer.allocUnsafe(CHUNK);
      let at = this.position;
      while (at < size) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - at), at);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        let lineStart = 0;
        for (;;) {
          const nl = chunk.indexOf(0x0a, lineStart);
          if (nl === -1) break;
          this.addLine(chunk.subarray(lineStart, nl), at + lineStart);
          lineStart = nl + 1;
        }
        if (lineStart > 0) {
          at += lineStart;
          continue;
        }
        // No newline in a whole buffer. At the end of the file: a last line still being written,
        // read next time. Else a long line: a bigger buffer, up to the longest line kept.
        if (at + bytesRead >= size) break;
        if (buf.length * 2 <= MAX_LINE_BYTES) {
          buf = Buffer.allocUnsafe(buf.length * 2);
          continue;
        }
        // A line too long to hold: skip to its end without keeping it.
        this.badLines++;
        at = (await skipLine(fh, at, size)) ?? size;
      }
      this.position = at;
    } finally {
      await fh.close();
    }
  }

  private reset(): void {
    this.entries.clear();
    this.position = 0;
    this.savedAt = 0;
    this.badLines = 0;
    this.version++;
  }

  private addLine(bytes: Buffer, offset: number): void {
    if (bytes.length === 0) return;
    let rec: unknown;
    try {
      rec = JSON.parse(bytes.toString("utf8"));
    } catch {
      this.badLines++;
      return;
    }
    if (!isObject(rec) || typeof rec.trace_id !== "string" || !["trace_start", "span", "trace_end"].includes(rec.type as string)) {
      this.badLines++;
      return;
    }
    const entry = this.entry(rec.trace_id);
    entry.ranges.push(offset, bytes.length);
    const row = entry.row;
    this.version++;
    row.version = this.version;
    if (rec.type === "trace_start") {
      if (typeof rec.agent_name === "string") row.agent_name = rec.agent_name;
      if (Array.isArray(rec.tags)) row.tags = rec.tags.filter((t): t is string => typeof t === "string");
      return;
    }
    if (rec.type === "span") {
      this.addSpan(entry, rec);
      return;
    }
    row.status = typeof rec.status === "string" ? rec.status : "completed";
    if (typeof rec.agent_name === "string") row.agent_name = rec.agent_name;
    if (typeof rec.started_at === "string") row.started_at = rec.started_at;
    if (typeof rec.completed_at === "string") row.completed_at = rec.completed_at;
    if (Array.isArray(rec.tags)) row.tags = rec.tags.filter((t): t is string => typeof t === "string");
    if (typeof rec.error === "string") row.error = rec.error;
    if (typeof rec.model === "string") for (const m of rec.model.split(" | ")) if (m && !row.models.includes(m)) row.models.push(m);
    const s = isObject(rec.summary) ? rec.summary : undefined;
    if (s && num(s.total_tokens) !== undefined) {
      entry.summarised = true;
      row.input_tokens = (num(s.input_tokens) ?? 0) + (num(s.cached_input_tokens) ?? 0) + (num(s.cache_creation_input_tokens) ?? 0);
      row.output_tokens = num(s.output_tokens) ?? 0;
      row.total_tokens = num(s.total_tokens) ?? row.input_tokens + row.output_tokens;
      row.llm_calls = num(s.llm_calls) ?? row.llm_calls;
      row.cost_usd = num(s.cost_usd) ?? row.cost_usd;
    }
    if (row.started_at && row.completed_at) {
      const ms = Date.parse(row.completed_at) - Date.parse(row.started_at);
      row.duration_ms = Number.isFinite(ms) ? Math.max(0, ms) : null;
    }
  }

  private addSpan(entry: Entry, rec: Rec): void {
    const row = entry.row;
    if (typeof rec.started_at === "string" && (!row.started_at || rec.started_at < row.started_at)) row.started_at = rec.started_at;
    if (typeof rec.id !== "string" || rec.status === "in_progress" || entry.ended.has(rec.id)) return;
    entry.ended.add(rec.id);
    row.spans++;
    if (rec.status === "failed") row.failed_spans++;
    if (rec.span_type === "llm" && typeof rec.model_id === "string" && !row.models.includes(rec.model_id)) row.models.push(rec.model_id);
    if (entry.summarised) return;
    if (rec.span_type === "llm") row.llm_calls++;
    const input = (num(rec.input_tokens) ?? 0) + (num(rec.cached_input_tokens) ?? 0) + (num(rec.cache_creation_input_tokens) ?? 0);
    const output = num(rec.output_tokens) ?? 0;
    row.input_tokens += input;
    row.output_tokens += output;
    row.total_tokens += input + output;
    const cost = isObject(rec.metadata) && isObject(rec.metadata.cost) ? num(rec.metadata.cost.total) : undefined;
    if (cost !== undefined) row.cost_usd = (row.cost_usd ?? 0) + cost;
  }

  private entry(traceId: string): Entry {
    let entry = this.entries.get(traceId);
    if (!entry) {
      entry = {
        row: {
          trace_id: traceId,
          agent_name: "?",
          status: "in_progress",
          started_at: null,
          completed_at: null,
          duration_ms: null,
          spans: 0,
          failed_spans: 0,
          llm_calls: 0,
          input_tokens: 0,
          output_tokens: 0,
          total_tokens: 0,
          cost_usd: null,
          models: [],
          tags: [],
          error: null,
          seq: this.seq++,
          version: this.version,
        },
        ranges: [],
        ended: new Set(),
        summarised: false,
      };
      this.entries.set(traceId, entry);
    }
    return entry;
  }
}

/** The offset just past the next newline at or after `from`, or undefined at the end of the file. */
async function skipLine(fh: import("node:fs/promises").FileHandle, from: number, size: number): Promise<number | undefined> {
  const buf = Buffer.alloc(CHUNK);
  let at = from;
  while (at < size) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, at);
    if (bytesRead === 0) return undefined;
    const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
    if (nl !== -1) return at + nl + 1;
    at += bytesRead;
  }
  return undefined;
}
