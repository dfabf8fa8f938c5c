/**
 * `node:crypto` on edge runtimes, on Web Crypto: random bytes, UUIDs, and a synchronous SHA-256
 * (the OTLP id mapping hashes ids that are not UUIDs; Web Crypto's digest is asynchronous).
 */
import { sha256Hex } from "./sha256.js";

export function randomFillSync<T extends ArrayBufferView>(buffer: T): T {
  globalThis.crypto.getRandomValues(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  return buffer;
}

export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}

/** Only `createHash("sha256").update(text).digest("hex")`. */
export function createHash(algorithm: string): { update(text: string): { digest(encoding: "hex"): string } } {
  if (algorithm !== "sha256") throw new Error(`createHash("${algorithm}") is not available in this runtime`);
  return { update: (text) => ({ digest: () => sha256Hex(text) }) };
}
