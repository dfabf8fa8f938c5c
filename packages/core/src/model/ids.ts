import { Buffer } from "node:buffer";
import { fillRandom, randomUuid } from "../util/crypto.js";

/**
 * Span and trace ids: UUID v4 strings, as the Tracium API expects. Random bytes are drawn for 1024
 * ids at a time (each `randomFillSync` call costs ~7 us whatever its size: 30 ns per id in draws
 * of 256, 9 ns in draws of 1024) and formatted in one pass into an ASCII buffer (52 KB in all,
 * outside the JS heap, made at the first id). Span ids become JS strings 16 at a time: one decode
 * per block (a native call costs ~50-80 ns, as much as the rest of a span's id), and each id is a
 * 36-char slice of that block string: flat, ~8 ns. A slice keeps its block alive, so a span id an
 * app holds on to keeps at most 576 bytes; 64-id blocks saved only ~2 ns more per id and kept up
 * to 2.3 KB. Trace ids, one per trace and the ids apps keep (logs, feedback), are decoded on their
 * own: they keep nothing else alive. `randomUUID()` builds each id by concatenating 20 pieces, a
 * string every later use (a Map key, JSON) has to flatten first (bench/). The pool is filled on
 * first use, never at module load (edge runtimes forbid random values at module scope).
 */
const IDS = 1024;
const RANDOM_BYTES = 16;
const TEXT_BYTES = 36;
const HEX_DIGITS = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]; // 0-9 a-f
const DASH = 45;
/** Span ids decoded into one string at a time. */
const BLOCK = 16;

let random: Uint8Array | undefined;
let text: Buffer | undefined;
let next = IDS;
/** The decoded block of span ids, and the pool index of its first id. */
let block = "";
let blockStart = IDS;
let pooled = true;

// Node's and Bun's Buffer have a direct decoder; other runtimes take the generic `toString`.
const latin1 = (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice !== undefined
  ? (buffer: Buffer, start: number, end: number): string => (buffer as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(start, end)
  : (buffer: Buffer, start: number, end: number): string => buffer.toString("latin1", start, end);

/** Two ASCII hex digits per byte value: HEX_PAIRS[2v], HEX_PAIRS[2v + 1]. */
const HEX_PAIRS = new Uint8Array(512);
for (let v = 0; v < 256; v++) {
  HEX_PAIRS[2 * v] = HEX_DIGITS[v >> 4]!;
  HEX_PAIRS[2 * v + 1] = HEX_DIGITS[v & 15]!;
}

/** Writes byte `v` as two hex digits at `at`. */
function putHex(t: Buffer, at: number, v: number): void {
  const p = 2 * v;
  t[at] = HEX_PAIRS[p]!;
  t[at + 1] = HEX_PAIRS[p + 1]!;
}

function refill(): void {
  random ??= new Uint8Array(RANDOM_BYTES * IDS);
  if (text === undefined) {
    text = Buffer.alloc(TEXT_BYTES * IDS);
    for (let i = 0; i < IDS; i++) for (const d of [8, 13, 18, 23]) text[i * TEXT_BYTES + d] = DASH;
  }
  fillRandom(random);
  const r = random;
  const t = text;
  for (let i = 0; i < IDS; i++) {
    const o = i * RANDOM_BYTES;
    const w = i * TEXT_BYTES;
    r[o + 6] = (r[o + 6]! & 0x0f) | 0x40; // version 4
    r[o + 8] = (r[o + 8]! & 0x3f) | 0x80; // variant 10
    // Written out byte by byte at the fixed offsets of 8-4-4-4-12: half the time of a loop over a
    // table of offsets (~19 against ~38 ns per id here).
    putHex(t, w, r[o]!);
    putHex(t, w + 2, r[o + 1]!);
    putHex(t, w + 4, r[o + 2]!);
    putHex(t, w + 6, r[o + 3]!);
    putHex(t, w + 9, r[o + 4]!);
    putHex(t, w + 11, r[o + 5]!);
    putHex(t, w + 14, r[o + 6]!);
    putHex(t, w + 16, r[o + 7]!);
    putHex(t, w + 19, r[o + 8]!);
    putHex(t, w + 21, r[o + 9]!);
    putHex(t, w + 24, r[o + 10]!);
    putHex(t, w + 26, r[o + 11]!);
    putHex(t, w + 28, r[o + 12]!);
    putHex(t, w + 30, r[o + 13]!);
    putHex(t, w + 32, r[o + 14]!);
    putHex(t, w + 34, r[o + 15]!);
  }
  r.fill(0);
  next = 0;
  blockStart = IDS; // the old block's text is gone: never slice it again
}

/** A new span id: a UUID v4 string, cut from a block of ids decoded together. */
export function newId(): string {
  if (pooled) {
    try {
      if (next === IDS) refill();
      const at = next - blockStart;
      next++;
      if (at >= 0 && at < BLOCK) return block.slice(at * TEXT_BYTES, (at + 1) * TEXT_BYTES);
      blockStart = next - 1;
      block = latin1(text as Buffer, blockStart * TEXT_BYTES, Math.min(blockStart + BLOCK, IDS) * TEXT_BYTES);
      return block.slice(0, TEXT_BYTES);
    } catch {
      pooled = false; // a runtime without these Buffer/crypto calls: the standard ids
    }
  }
  return randomUuid();
}

/** A new trace id: a UUID v4 string of its own, which keeps no other id's text alive. */
export function newTraceId(): string {
  if (pooled) {
    try {
      if (next === IDS) refill();
      next++;
      return latin1(text as Buffer, (next - 1) * TEXT_BYTES, next * TEXT_BYTES);
    } catch {
      pooled = false;
    }
  }
  return randomUuid();
}
