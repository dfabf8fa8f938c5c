/**
 * The stand-ins the `workerd`/`edge-light` build uses for `node:` built-ins (src/util/edge/),
 * against the built-ins they replace.
 */
import * as path from "node:path";
import { types } from "node:util";
import { describe, expect, it } from "vitest";
import { Buffer as EdgeBuffer } from "../src/util/edge/buffer.js";
import * as edgePath from "../src/util/edge/path.js";
import { types as edgeTypes } from "../src/util/edge/util.js";
import { isEdgeRuntime, nextTurn, onProcessEvent } from "../src/util/runtime.js";
import { resolveConfig } from "../src/config/config.js";

/** Runs `fn` as if in Next.js's edge runtime: `EdgeRuntime` set, `setImmediate` and `process.on` throwing. */
async function inNextEdgeRuntime(fn: () => Promise<void>): Promise<void> {
  const g = globalThis as { EdgeRuntime?: string; setImmediate: unknown };
  const { setImmediate } = g;
  const on = process.on;
  g.EdgeRuntime = "edge-runtime";
  g.setImmediate = () => {
    throw new Error("A Node.js API is used (setImmediate)");
  };
  process.on = (() => {
    throw new Error("A Node.js API is used (process.on)");
  }) as unknown as typeof process.on;
  try {
    await fn();
  } finally {
    delete g.EdgeRuntime;
    g.setImmediate = setImmediate;
    process.on = on;
  }
}

describe("edge stand-ins", () => {
  it("util.types agree with node:util on every kind the core asks about, and are not fooled by Symbol.toStringTag", () => {
    const values: unknown[] = [
      new Date(), new Error("e"), new TypeError("t"), new Uint8Array(2), new DataView(new ArrayBuffer(1)), new ArrayBuffer(4),
      new SharedArrayBuffer(4), /re/g, Promise.resolve(), new Map(), new Set(), new WeakMap(), new WeakSet(), {}, [], null, 1, "s",
      () => undefined, { [Symbol.toStringTag]: "Date" }, { [Symbol.toStringTag]: "Map", size: 1 }, Object.create(Date.prototype), RegExp.prototype,
    ];
    const kinds = ["isDate", "isNativeError", "isTypedArray", "isDataView", "isArrayBuffer", "isAnyArrayBuffer", "isRegExp", "isPromise", "isMap", "isSet", "isWeakMap", "isWeakSet"] as const;
    for (const kind of kinds) {
      for (const [i, v] of values.entries()) expect(edgeTypes[kind](v), `${kind}(values[${i}])`).toBe((types[kind] as (v: unknown) => boolean)(v));
    }
  });

  it("Buffer gives latin1 text of a range", () => {
    const b = EdgeBuffer.alloc(6);
    b.set([104, 105, 45, 97, 98, 99]);
    expect(b.toString("latin1", 1, 5)).toBe("i-ab");
  });

  it("path joins, resolves and splits POSIX paths like node:path (from /)", () => {
    for (const args of [["a", "b"], ["/a", "../b", "c"], ["a/./b", ""], ["/x/y/", "z"]]) expect(edgePath.join(...args)).toBe(path.posix.join("/", ...args));
    expect(edgePath.resolve("a", "/b", "c")).toBe("/b/c");
    expect(edgePath.dirname("/a/b/c.json")).toBe("/a/b");
    expect(edgePath.basename("/a/b/c.json")).toBe("c.json");
  });

  it("Node.js is not taken for an edge runtime; a Worker's navigator and Vercel's EdgeRuntime are", () => {
    expect(isEdgeRuntime()).toBe(false);
    const g = globalThis as { EdgeRuntime?: string };
    g.EdgeRuntime = "edge-runtime";
    try {
      expect(isEdgeRuntime()).toBe(true);
    } finally {
      delete g.EdgeRuntime;
    }
  });

  it("on an edge runtime, the next turn is a timeout and no process event is listened to (Next.js defines both to throw)", async () => {
    await inNextEdgeRuntime(async () => {
      await new Promise<void>((resolve) => nextTurn(resolve));
      expect(() => onProcessEvent("beforeExit", () => undefined)).not.toThrow();
    });
  });

  it("on an edge runtime, the config defaults to serverless delivery and, without an API key, the console (no file system)", async () => {
    await inNextEdgeRuntime(async () => {
      const config = resolveConfig({}, {});
      expect(config.forceSync).toBe(true);
      expect(config.exporters).toEqual(["console"]);
      expect(resolveConfig({}, { TRACIUM_API_KEY: "tr-edge-key" }).exporters).toEqual(["tracium"]);
    });
    const node = resolveConfig({}, {});
    expect(node.forceSync).toBe(false);
    expect(node.exporters).toEqual(["file"]);
  });
});
