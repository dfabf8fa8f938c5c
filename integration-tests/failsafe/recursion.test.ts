/**
 * Deep synchronous recursion through spans: each nesting level costs few stack frames, so a
 * recursive agent goes nearly as deep traced as through a plain wrapper function. Before, nested
 * spans overflowed at depth ~777–894 where the plain wrapper reached ~3,986 (a ratio of 0.22);
 * the stack depth is deterministic, so the bound below is not timing-dependent.
 */
import { agentTrace, span } from "@tracium/core";
import { describe, expect, it } from "vitest";
import { setupTracing } from "../helpers/tracing.js";

function plainWrap<R>(fn: () => R): R {
  return fn();
}

function maxDepth(wrap: <R>(fn: () => R) => R): number {
  let max = 0;
  const recurse = (n: number): number => {
    max = n;
    return wrap(() => recurse(n + 1));
  };
  try {
    recurse(0);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
  }
  return max;
}

describe("deep synchronous recursion through spans", () => {
  it("reaches at least 0.27× the depth of a plain wrapper (0.22 before), and the overflow reaches the caller as a RangeError", async () => {
    setupTracing({ exporter: "none" } as never);
    const plain = maxDepth(plainWrap);
    let traced = 0;
    await agentTrace({ agentName: "deep" }, () => {
      traced = maxDepth((fn) => span({ name: "level" }, fn));
    });
    expect(plain).toBeGreaterThan(1000);
    expect(traced / plain).toBeGreaterThan(0.27);
  });

  it("every span of a deep (but not overflowing) recursion is recorded with its depth", async () => {
    const memory = setupTracing();
    const depth = 500;
    const recurse = (n: number): number => (n === 0 ? 0 : span({ name: `d${n}` }, () => 1 + recurse(n - 1)));
    await agentTrace({ agentName: "deep" }, () => expect(recurse(depth)).toBe(depth));
    const spans = memory.spans();
    expect(spans).toHaveLength(depth);
    expect(Math.max(...spans.map((s) => s.depth))).toBe(depth - 1);
  });
});
