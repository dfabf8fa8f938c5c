/**
 * `node:buffer` on edge runtimes: only what the id pool uses (`Buffer.alloc` and a `latin1`
 * `toString` of a range).
 */
export class Buffer extends Uint8Array {
  static alloc(size: number): Buffer {
    return new Buffer(size);
  }

  override toString(encoding?: string, start = 0, end = this.length): string {
    if (encoding !== "latin1") return super.toString();
    return String.fromCharCode.apply(null, this.subarray(start, end) as unknown as number[]);
  }
}
