import { describe, expect, it } from "vitest";
import { newId } from "../src/model/ids.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("ids", () => {
  it("are UUID v4 strings, unique across many pool refills", () => {
    const ids = Array.from({ length: 100_000 }, () => newId());
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("use every hex digit in every random position (no stuck bits)", () => {
    const seen = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 5000; i++) {
      const id = newId();
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
