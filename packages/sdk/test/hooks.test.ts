import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logger, type TraciumPlugin } from "@tracium/core";
import { disabledPlugins, entryPattern, esmIncludeList, matchEsm, patchModule, requireAliases, watchedModules } from "../src/auto/hooks.js";
import { installedFile } from "../src/auto/installed.js";

function plugin(name: string, modules: string[], patch: (t: unknown) => void = () => undefined): TraciumPlugin {
  return { name, modules, detect: () => true, patch, unpatch: () => undefined };
}

describe("zero-code hooks", () => {
  const openai = plugin("openai", ["openai"]);
  const lc = plugin("langchain", ["@langchain/core/callbacks/manager", "not a module!"]);

  it("watches the modules the plugins name (valid names only), minus TRACIUM_DISABLED_PLUGINS", () => {
    expect(watchedModules([openai, lc]).map((m) => [m.name, m.pkg, m.sub])).toEqual([
      ["openai", "openai", undefined],
      ["@langchain/core/callbacks/manager", "@langchain/core", "callbacks/manager"],
    ]);
    expect([...disabledPlugins({ TRACIUM_DISABLED_PLUGINS: " LangChain , x" })]).toEqual(["langchain", "x"]);
    process.env.TRACIUM_DISABLED_PLUGINS = "langchain";
    try {
      expect(watchedModules([openai, lc]).map((m) => m.name)).toEqual(["openai"]);
    } finally {
      delete process.env.TRACIUM_DISABLED_PLUGINS;
    }
  });

  it("matches the entry files of every copy (nested, pnpm, ESM and CJS), not the package's other files", () => {
    const [m] = watchedModules([openai]);
    const re = entryPattern(m!, "/nonexistent");
    expect(re.test("/app/node_modules/openai/index.mjs")).toBe(true);
    expect(re.test("/app/node_modules/@langchain/openai/node_modules/openai/index.js")).toBe(true);
    expect(re.test("/app/node_modules/.pnpm/openai@6.49.0_zod@3.25.76/node_modules/openai/index.mjs")).toBe(true);
    expect(re.test("C:\\app\\node_modules\\openai\\index.js")).toBe(true);
    expect(re.test("/app/node_modules/openai/resources/chat/completions.mjs")).toBe(false);
    expect(re.test("/app/node_modules/openai-extra/index.mjs")).toBe(false);
    const [sub] = watchedModules([plugin("lc", ["@langchain/core/callbacks/manager"])]);
    const subRe = entryPattern(sub!, "/nonexistent");
    expect(subRe.test("/a/node_modules/@langchain/core/dist/callbacks/manager.js")).toBe(true);
    expect(subRe.test("/a/node_modules/@langchain/core/dist/callbacks/base.js")).toBe(false);
  });

  it("finds where an installed package's entry really is (an unusual entry, a subpath), and nothing for one not installed", () => {
    const app = mkdtempSync(join(tmpdir(), "tracium-installed-"));
    try {
      const pkgDir = join(app, "node_modules", "@acme", "llm");
      mkdirSync(join(pkgDir, "build", "node"), { recursive: true });
      mkdirSync(join(pkgDir, "build", "cb"), { recursive: true });
      writeFileSync(join(pkgDir, "package.json"), JSON.stringify({ name: "@acme/llm", exports: { ".": "./build/node/entry.js", "./callbacks": "./build/cb/hooks.js" } }));
      writeFileSync(join(pkgDir, "build", "node", "entry.js"), "module.exports = {};");
      writeFileSync(join(pkgDir, "build", "cb", "hooks.js"), "module.exports = {};");
      const src = join(app, "src", "deep");
      mkdirSync(src, { recursive: true });

      expect(installedFile("@acme/llm", "@acme/llm", src)).toBe(`${pkgDir.split("\\").join("/")}/build/node/entry.js`);
      expect(installedFile("@acme/other", "@acme/other", src)).toBeUndefined();
      expect(installedFile("openai", "openai", app)).toBeUndefined();

      const [m, sub] = watchedModules([plugin("acme", ["@acme/llm", "@acme/llm/callbacks"])]);
      const re = entryPattern(m!, src);
      expect(re.test("/srv/node_modules/@acme/llm/build/node/entry.js")).toBe(true); // found by resolving
      expect(re.test("/srv/node_modules/@acme/llm/index.js")).toBe(true); // the usual guesses stay
      expect(re.test("/srv/node_modules/@acme/llm/build/cb/hooks.js")).toBe(false);
      expect(requireAliases(sub!, src)).toContain("@acme/llm/build/cb/hooks");
      const missing = watchedModules([plugin("gone", ["@acme/gone/callbacks"])])[0]!;
      expect(new Set(requireAliases(missing, src))).toEqual(new Set(["@acme/gone/dist/callbacks.cjs", "@acme/gone/dist/callbacks", "@acme/gone/dist/callbacks/index.cjs"]));
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it("gives the ESM loader bare names and file patterns, and matches imports by name or by file", () => {
    const modules = watchedModules([openai]);
    const include = esmIncludeList(modules);
    expect(include[0]).toBe("openai");
    expect(include[1]).toBeInstanceOf(RegExp);
    expect(matchEsm(modules, "file:///x/node_modules/openai/index.mjs", "openai")).toHaveLength(1);
    expect(matchEsm(modules, "file:///x/node_modules/.pnpm/openai@7.0.0/node_modules/openai/index.mjs", "openai-v7")).toHaveLength(1);
    expect(matchEsm(modules, "file:///x/node_modules/openai/index.mjs", undefined)).toHaveLength(1);
    expect(matchEsm(modules, "file:///x/node_modules/other/index.mjs", "other")).toHaveLength(0);
  });

  it("a plugin that throws while patching is logged and the module left as it was", () => {
    const broken = plugin("broken", ["x"], () => {
      throw new Error("nope");
    });
    const target = { a: 1 };
    logger.setLevel("silent");
    expect(() => patchModule(broken, target, "x", "/node_modules/x/index.js", "require")).not.toThrow();
    expect(target).toEqual({ a: 1 });
    expect(() => patchModule(broken, undefined, "x", "here", "import")).not.toThrow();
  });
});
