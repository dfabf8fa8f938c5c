/** Control characters from trace data shown as visible escapes. */
import { describe, expect, it } from "vitest";
import { escapeControlChars, escapeJsonControlChars } from "../src/util/terminal-text.js";

describe("escapeControlChars", () => {
  it("escapes C0, DEL, C1 and bidi controls, and leaves other text alone", () => {
    expect(escapeControlChars("a\u001b[2Jb\u0007\n\t\r\u007f\u009b\u202e\u2066z")).toBe("a\\x1b[2Jb\\x07\\n\\t\\r\\x7f\\x9b\\u202e\\u2066z");
    const plain = "naïve — 日本語 ✓ emoji 🎉";
    expect(escapeControlChars(plain)).toBe(plain);
  });

  it("keeps JSON valid and equal to the data", () => {
    const value = { k: "\u007f\u0085\u202e\u001b" };
    const json = escapeJsonControlChars(JSON.stringify(value));
    expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
