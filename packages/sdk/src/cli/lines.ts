/** Splitting a file read in chunks into its lines, with a bound on how long one line may be. */

/** A line longer than this (bytes) is skipped and counted, never held whole. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * Takes the bytes of a file in chunks, in order, and hands out its lines (without the newline).
 * Memory is one chunk plus the line in progress; a line over `maxBytes` is dropped as it streams
 * past and counted in {@link overlongLines}. Newlines are found in bytes, which is safe in UTF-8:
 * the byte 0x0a never occurs inside a multi-byte character.
 */
export class LineSplitter {
  /** Lines skipped for being longer than the limit. */
  overlongLines = 0;
  private parts: Buffer[] = [];
  private size = 0;
  private overlong = false;

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Feeds the next chunk (kept by reference until its lines are out: pass a buffer you do not reuse). */
  push(chunk: Buffer, onLine: (line: string) => void): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) {
        this.hold(chunk.subarray(start));
        return;
      }
      this.hold(chunk.subarray(start, nl));
      this.emit(onLine);
      start = nl + 1;
    }
  }

  /** The end of the text: hands out a last line that had no newline. */
  end(onLine: (line: string) => void): void {
    if (this.size > 0 || this.overlong) this.emit(onLine);
  }

  private hold(piece: Buffer): void {
    if (this.overlong || piece.length === 0) return;
    if (this.size + piece.length > this.maxBytes) {
      this.overlong = true;
      this.parts = [];
      this.size = 0;
      return;
    }
    this.parts.push(piece);
    this.size += piece.length;
  }

  private emit(onLine: (line: string) => void): void {
    if (this.overlong) this.overlongLines++;
    else if (this.size > 0) onLine(Buffer.concat(this.parts, this.size).toString("utf8"));
    this.parts = [];
    this.size = 0;
    this.overlong = false;
  }
}
