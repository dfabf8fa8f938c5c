/**
 * Random bytes, UUIDs and SHA-256 (src/util/crypto.ts): from `node:crypto`, taken at first use,
 * and, where it cannot be had synchronously (Node.js 20 before 20.16, edge runtimes), from Web
 * Crypto and a JS SHA-256 that give the same results.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";

type CryptoModule = typeof import("../src/util/crypto.js");

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const nodeSha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const TEXTS = ["", "abc", "héllo wörld", "日本語のテキスト", "emoji 🧪🚀", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "\u0000\uffff", ...[1, 55, 56, 63, 64, 65, 119, 120, 1000].map((n) => "x".repeat(n))];

/** A fresh copy of the module, loaded with `process.getBuiltinModule` hidden when `withoutBuiltins`. */
async function load(withoutBuiltins: boolean): Promise<CryptoModule> {
  vi.resetModules();
  if (withoutBuiltins) vi.spyOn(process as unknown as { getBuiltinModule(id: string): unknown }, "getBuiltinModule").mockReturnValue(undefined);
  return import("../src/util/crypto.js");
}

afterEach(() => vi.restoreAllMocks());

for (const withoutBuiltins of [false, true]) {
  describe(withoutBuiltins ? "without a synchronous node:crypto (Web Crypto, JS SHA-256)" : "with node:crypto", () => {
    it("fills every byte of a buffer larger than one Web Crypto call allows (64 KiB) with random values", async () => {
      const { fillRandom } = await load(withoutBuiltins);
      const webCrypto = vi.spyOn(globalThis.crypto, "getRandomValues");
      const bytes = new Uint8Array(200_000);
      fillRandom(bytes);
      expect(webCrypto).toHaveBeenCalledTimes(withoutBuiltins ? 4 : 0);
      // Each 4 KiB stretch holds non-zero bytes: no chunk was left unfilled.
      for (let at = 0; at < bytes.length; at += 4096) expect(bytes.subarray(at, at + 4096).some((b) => b !== 0), `bytes ${at}+`).toBe(true);
      const counts = new Array<number>(256).fill(0);
      for (const b of bytes) counts[b]!++;
      // ~781 of each value expected; a stuck or biased source lands far outside.
      expect(Math.min(...counts)).toBeGreaterThan(600);
      expect(Math.max(...counts)).toBeLessThan(1000);
    });

    it("makes distinct UUID v4 strings", async () => {
      const { randomUuid } = await load(withoutBuiltins);
      const ids = new Set(Array.from({ length: 1000 }, () => randomUuid()));
      expect(ids.size).toBe(1000);
      for (const id of ids) expect(id).toMatch(UUID_V4);
    });

    it("hashes any text (ASCII, Unicode, block boundaries) as node:crypto's SHA-256 does", async () => {
      const { sha256Hex } = await load(withoutBuiltins);
      for (const text of TEXTS) expect(sha256Hex(text), JSON.stringify(text.slice(0, 20))).toBe(nodeSha256(text));
    });
  });
}

it("the JS SHA-256 alone agrees with node:crypto", async () => {
  const { sha256Hex } = await import("../src/util/sha256.js");
  for (const text of TEXTS) expect(sha256Hex(text)).toBe(nodeSha256(text));
});
