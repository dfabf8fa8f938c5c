import { Buffer } from "node:buffer";
import { randomFillSync, randomUUID } from "node:crypto";

/**
 * Span and trace ids: UUID v4 strings, as the Tracium API expects. Random bytes are drawn for 256
 * ids at a time and formatted in one pass into an ASCII buffer; each id is then one flat 36-char
 * string cut from it. `randomUUID()` builds each id by concatenating 20 pieces, a string every
 * later use (a Map key, JSON) has to flatten first (bench/). The pool is filled on first use, never
 * at module load (edge runtimes forbid random values at module scope).
 */
const IDS = 256;
const RANDOM_BYTES = 16;
const TEXT_BYTES = 36;
const HEX_DIGITS = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]; // 0-9 a-f
const DASH = 45;

let random: Uint8Array | undefined;
let text: Buffer | undefined;
let next = IDS;
let pooled = true;

// Node's and Bun's Buffer have the direct decoder; others take the generic `toString`.
type Latin1Slice = (this: Buffer, start: number, end: number) => string;
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice;
function latin1(buffer: Buffer, start: number, end: number): string {
  return typeof latin1Slice === "function" ? latin1Slice.call(buffer, start, end) : buffer.toString("latin1", start, end);
}

function refill(): void {
  random ??= new Uint8Array(RANDOM_BYTES * IDS);
  text ??= Buffer.alloc(TEXT_BYTES * IDS);
  randomFillSync(random);
  const r = random;
  const t = text;
  let w = 0;
  for (let i = 0; i < IDS; i++) {
    const o = i * RANDOM_BYTES;
    r[o + 6] = (r[o + 6]! & 0x0f) | 0x40; // version 4
    r[o + 8] = (r[o + 8]! & 0x3f) | 0x80; // variant 10
    for (let j = 0; j < RANDOM_BYTES; j++) {
      if (j === 4 || j === 6 || j === 8 || j === 10) t[w++] = DASH;
      const v = r[o + j]!;
      t[w++] = HEX_DIGITS[v >> 4]!;
      t[w++] = HEX_DIGITS[v & 15]!;
    }
  }
  r.fill(0);
  next = 0;
}

/** A new span or trace id: a UUID v4 string. */
export function newId(): string {
  if (pooled) {
    try {
      if (next === IDS) refill();
      const start = next++ * TEXT_BYTES;
      return latin1(text as Buffer, start, start + TEXT_BYTES);
    } catch {
      pooled = false; // a runtime without these Buffer/crypto calls: the standard ids
    }
  }
  return randomUUID();
}
