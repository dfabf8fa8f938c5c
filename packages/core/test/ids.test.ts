import { describe, expect, it, vi } from "vitest";
import { newId, newTraceId } from "../src/model/ids.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A fresh copy of the id pool, its first id drawn at position 0. */
async function freshIds(): Promise<typeof import("../src/model/ids.js")> {
  vi.resetModules();
  return import("../src/model/ids.js");
}

describe("ids", () => {
  it("are UUID v4 strings, unique across many pool refills", () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => (i % 7 === 0 ? newTraceId() : newId()));
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("never reuse the text of a block decoded before the pool was refilled", async () => {
    const ids = await freshIds();
    // A span id decodes a block at position 0; trace ids then use up the pool, which refills;
    // the next span id is at position 0 again and must come from the new random bytes.
    const drawn = [ids.newId()];
    for (let i = 0; i < 1023; i++) drawn.push(ids.newTraceId());
    for (let i = 0; i < 40; i++) drawn.push(ids.newId());
    expect(new Set(drawn).size).toBe(drawn.length);
  });

  it("use every hex digit in every random position (no stuck bits)", () => {
    const seen = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 5000; i++) {
      const id = i % 2 ? newId() : newTraceId();
      for (let c = 0; c < 36; c++) seen[c]!.add(id[c]!);
    }
    for (let c = 0; c < 36; c++) {
      if ([8, 13, 18, 23].includes(c)) expect([...seen[c]!]).toEqual(["-"]);
      else if (c === 14) expect([...seen[c]!]).toEqual(["4"]);
      else if (c === 19) expect(seen[c]!.size).toBe(4);
      else expect(seen[c]!.size).toBe(16);
    }
  });
});
