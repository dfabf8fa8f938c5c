/**
 * Appending JSON lines to a file that other processes may be appending to at the same time.
 *
 * Every write(2) carries whole lines only, on a descriptor opened with `O_APPEND`: the kernel puts
 * each write at the end of the file in one piece, so the lines of concurrent writers never
 * interleave. (`appendFile` splits a big buffer into 512 KiB writes, and lines torn across those
 * did interleave.) A write cut short (disk full, file size limit) keeps the whole lines it carried;
 * the cut line is taken off the end of the file again, so the next line written does not glue onto
 * it. A file found ending mid-line (left so by some other writer) gets a newline first, for the same
 * reason.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";

/** Bytes per write at most; a single longer line is written alone, still in one write. */
export const MAX_CHUNK_BYTES = 256 * 1024;

/** Whole lines in one buffer, and the byte offset after each of them. */
interface Chunk {
  readonly bytes: Buffer;
  readonly ends: readonly number[];
}

/** What a job tells its owner: lines that reached the file, lines that did not and why. */
export interface AppendReport {
  written(lines: number): void;
  failed(lines: number, error: unknown): void;
}

const NEWLINE = 0x0a;

/** Packs lines (each ending with `\n`) into chunks of at most `maxBytes`, in order. */
export function lineChunks(lines: readonly string[], maxBytes = MAX_CHUNK_BYTES): Chunk[] {
  const chunks: Chunk[] = [];
  let group: string[] = [];
  let ends: number[] = [];
  let size = 0;
  const close = (): void => {
    if (group.length === 0) return;
    chunks.push({ bytes: Buffer.from(group.join(""), "utf8"), ends });
    group = [];
    ends = [];
    size = 0;
  };
  for (const line of lines) {
    const bytes = Buffer.byteLength(line, "utf8");
    if (size > 0 && size + bytes > maxBytes) close();
    group.push(line);
    size += bytes;
    ends.push(size);
  }
  close();
  return chunks;
}

/** Lines of `chunk` wholly inside its first `bytes` bytes, and where the first partial one starts. */
function wholeLines(chunk: Chunk, bytes: number): { lines: number; end: number } {
  let lines = 0;
  let end = 0;
  for (const e of chunk.ends) {
    if (e > bytes) break;
    lines++;
    end = e;
  }
  return { lines, end };
}

function shortWrite(done: number, of: number): Error {
  return Object.assign(new Error(`short write: ${done} of ${of} bytes reached the file (disk full or file size limit)`), { code: "ESHORTWRITE" });
}

/**
 * One batch of lines being appended. Writers take chunks one at a time (`next`), so the synchronous
 * exit path can take over a batch that an asynchronous write left half done, and every chunk is
 * reported exactly once, by whoever wrote it.
 */
export class AppendJob {
  private readonly chunks: Chunk[];
  private next = 0;

  constructor(lines: readonly string[], maxChunkBytes = MAX_CHUNK_BYTES) {
    this.chunks = lineChunks(lines, maxChunkBytes);
  }

  /** Whether chunks are still waiting for a writer. */
  get pending(): boolean {
    return this.next < this.chunks.length;
  }

  /** Appends the remaining chunks asynchronously. Never rejects. */
  async run(path: string, mode: number, report: AppendReport): Promise<void> {
    if (!this.pending) return;
    let handle: FileHandle;
    try {
      handle = await open(path, "a+", mode);
    } catch (error) {
      this.failRest(report, error);
      return;
    }
    try {
      if (await endsMidLine(handle)) await handle.write(Buffer.from("\n"), 0, 1, null);
      while (this.pending) {
        const chunk = this.chunks[this.next++]!;
        let done = 0;
        try {
          done = (await handle.write(chunk.bytes, 0, chunk.bytes.length, null)).bytesWritten;
        } catch (error) {
          this.failChunk(report, chunk, 0, error);
          break;
        }
        if (done === chunk.bytes.length) {
          report.written(chunk.ends.length);
          continue;
        }
        const whole = wholeLines(chunk, done);
        await removeTail(handle, chunk.bytes.subarray(whole.end, done)).catch(() => undefined);
        this.failChunk(report, chunk, done, shortWrite(done, chunk.bytes.length));
        break;
      }
    } catch (error) {
      this.failRest(report, error);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** Appends the remaining chunks synchronously (the `exit` path). Never throws. */
  runSync(path: string, mode: number, report: AppendReport): void {
    if (!this.pending) return;
    let fd: number;
    try {
      fd = openSync(path, "a+", mode);
    } catch (error) {
      this.failRest(report, error);
      return;
    }
    try {
      if (endsMidLineSync(fd)) writeSync(fd, "\n");
      while (this.pending) {
        const chunk = this.chunks[this.next++]!;
        let done = 0;
        try {
          done = writeSync(fd, chunk.bytes, 0, chunk.bytes.length);
        } catch (error) {
          this.failChunk(report, chunk, 0, error);
          break;
        }
        if (done === chunk.bytes.length) {
          report.written(chunk.ends.length);
          continue;
        }
        const whole = wholeLines(chunk, done);
        try {
          removeTailSync(fd, chunk.bytes.subarray(whole.end, done));
        } catch {
          // The cut line stays; the next writer starts with a newline (see endsMidLine).
        }
        this.failChunk(report, chunk, done, shortWrite(done, chunk.bytes.length));
        break;
      }
    } catch (error) {
      this.failRest(report, error);
    } finally {
      try {
        closeSync(fd);
      } catch {
        // Nothing left to do with it.
      }
    }
  }

  /** Reports a chunk of which `done` bytes were written, then gives up on the rest of the job. */
  private failChunk(report: AppendReport, chunk: Chunk, done: number, error: unknown): void {
    const whole = wholeLines(chunk, done).lines;
    if (whole > 0) report.written(whole);
    const lost = chunk.ends.length - whole + this.linesLeft();
    this.next = this.chunks.length;
    report.failed(lost, error);
  }

  private failRest(report: AppendReport, error: unknown): void {
    const lost = this.linesLeft();
    this.next = this.chunks.length;
    if (lost > 0) report.failed(lost, error);
  }

  private linesLeft(): number {
    let n = 0;
    for (let i = this.next; i < this.chunks.length; i++) n += this.chunks[i]!.ends.length;
    return n;
  }
}

// A regular file that does not end with a newline had a line cut short by some writer.
async function endsMidLine(handle: FileHandle): Promise<boolean> {
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size === 0) return false;
    const last = Buffer.alloc(1);
    const { bytesRead } = await handle.read(last, 0, 1, stat.size - 1);
    return bytesRead === 1 && last[0] !== NEWLINE;
  } catch {
    return false;
  }
}

function endsMidLineSync(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size === 0) return false;
    const last = Buffer.alloc(1);
    return readSync(fd, last, 0, 1, stat.size - 1) === 1 && last[0] !== NEWLINE;
  } catch {
    return false;
  }
}

/**
 * Takes `tail` (the start of a line cut short) off the end of the file, when the file still ends
 * with exactly those bytes: a line another process appended after it is not cut. (A line appended
 * in the instant between that check and the truncation would be lost with it; a write is only cut
 * short when the disk is full or a size limit is reached, where other writers are failing too.)
 */
async function removeTail(handle: FileHandle, tail: Buffer): Promise<void> {
  if (tail.length === 0) return;
  const stat = await handle.stat();
  if (!stat.isFile() || stat.size < tail.length) return;
  const found = Buffer.alloc(tail.length);
  const { bytesRead } = await handle.read(found, 0, tail.length, stat.size - tail.length);
  if (bytesRead === tail.length && found.equals(tail)) await handle.truncate(stat.size - tail.length);
}

function removeTailSync(fd: number, tail: Buffer): void {
  if (tail.length === 0) return;
  const stat = fstatSync(fd);
  if (!stat.isFile() || stat.size < tail.length) return;
  const found = Buffer.alloc(tail.length);
  if (readSync(fd, found, 0, tail.length, stat.size - tail.length) === tail.length && found.equals(tail)) ftruncateSync(fd, stat.size - tail.length);
}
