/** `tracium doctor`'s Node.js checks: the exact versions the features need, and engines that say the same. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MIN_NODE, atLeast, nodeFindings } from "../src/cli/node-support.js";

const engines = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as { engines: { node: string } }).engines.node;

describe("Node.js support", () => {
  it("fails below 20.6 (no module.register for zero code's ES module hook), passes from 20.6 on", () => {
    expect(nodeFindings("20.5.1", { requireModule: false })).toEqual([{ level: "fail", detail: expect.stringContaining("needs Node.js 20.6.0 or later") }]);
    expect(nodeFindings("18.20.4", { requireModule: false })[0]!.level).toBe("fail");
    expect(nodeFindings("20.6.0", { requireModule: false })[0]).toEqual({ level: "ok", detail: "v20.6.0" });
    expect(nodeFindings("24.1.0", { requireModule: true })).toEqual([{ level: "ok", detail: "v24.1.0" }]);
  });

  it("says when LangChain in an ES module app needs langchainReady() (no require(esm): before 20.19 and 22.12)", () => {
    expect(nodeFindings("20.18.0", { requireModule: false }).some((f) => f.detail.includes("langchainReady()"))).toBe(true);
    expect(nodeFindings("22.11.0", { requireModule: false }).some((f) => f.detail.includes("langchainReady()"))).toBe(true);
    expect(nodeFindings("22.12.0", { requireModule: true }).some((f) => f.detail.includes("langchainReady()"))).toBe(false);
  });

  it("notes that Node 20 is past its end of life, and only there", () => {
    expect(nodeFindings("20.19.0", { requireModule: true }).map((f) => f.level)).toEqual(["ok", "info"]);
    expect(nodeFindings("22.12.0", { requireModule: true }).map((f) => f.level)).toEqual(["ok"]);
  });

  it("says what zero code costs where its ES module hooks run on Node's loader thread, and only there", () => {
    const loaderThread = nodeFindings("20.19.0", { requireModule: true, esmHooksInThread: false });
    expect(loaderThread).toContainEqual({ level: "info", detail: expect.stringContaining("run on Node's loader thread here") });
    expect(nodeFindings("24.11.1", { requireModule: true, esmHooksInThread: true })).toEqual([{ level: "ok", detail: "v24.11.1" }]);
    expect(nodeFindings("22.20.0", { requireModule: true, esmHooksInThread: false }).map((f) => f.level)).toEqual(["ok", "info"]);
  });

  it("compares versions numerically", () => {
    expect(atLeast("20.10.0", "20.6.0")).toBe(true);
    expect(atLeast("v20.6.0", "20.6.0")).toBe(true);
    expect(atLeast("20.5.9", "20.6.0")).toBe(false);
    expect(atLeast("3.0.0", "20.6.0")).toBe(false);
  });

  it("is what every package.json's engines claims", () => {
    const root = join(import.meta.dirname, "..", "..", "..");
    expect(engines(join(root, "package.json"))).toBe(`>=${MIN_NODE}`);
    expect(engines(join(import.meta.dirname, "..", "package.json"))).toBe(`>=${MIN_NODE}`);
  });
});
