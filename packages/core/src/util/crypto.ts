/**
 * Random bytes, UUIDs and SHA-256, with `node:crypto` loaded at first use instead of at import: it
 * is ~0.38 MB of an app's idle heap and ~5 ms of its start-up (bench/, rows 3b and 4), and an app
 * that has imported Tracium but not yet started a trace or a span (the first id) needs none of
 * it. Where `node:crypto` cannot be had synchronously (Node.js 20 before 20.16, edge runtimes),
 * Web Crypto's global `crypto` and a JS SHA-256 do the same.
 */
import { builtinNow } from "./builtin.js";
import { sha256Hex as jsSha256Hex } from "./sha256.js";

interface NodeCrypto {
  randomFillSync(buffer: Uint8Array): Uint8Array;
  randomUUID(): string;
  createHash(algorithm: "sha256"): { update(text: string): { digest(encoding: "hex"): string } };
}

/** `getRandomValues` fills at most 65,536 bytes per call. */
const WEB_CRYPTO_MAX_BYTES = 65_536;

let nodeCrypto: NodeCrypto | null | undefined;

function node(): NodeCrypto | null {
  if (nodeCrypto === undefined) nodeCrypto = builtinNow<NodeCrypto>("node:crypto") ?? null;
  return nodeCrypto;
}

/** Fills `bytes` with cryptographically strong random values. */
export function fillRandom(bytes: Uint8Array): void {
  const c = node();
  if (c !== null) {
    c.randomFillSync(bytes);
    return;
  }
  for (let at = 0; at < bytes.length; at += WEB_CRYPTO_MAX_BYTES) {
    globalThis.crypto.getRandomValues(bytes.subarray(at, Math.min(at + WEB_CRYPTO_MAX_BYTES, bytes.length)));
  }
}

/** A random UUID v4. */
export function randomUuid(): string {
  return node()?.randomUUID() ?? globalThis.crypto.randomUUID();
}

/** The SHA-256 of a string's UTF-8 bytes, as 64 hex digits. */
export function sha256Hex(text: string): string {
  const c = node();
  return c !== null ? c.createHash("sha256").update(text).digest("hex") : jsSha256Hex(text);
}
