/**
 * The stand-ins of `src/plugins/lazy.ts` when their package cannot be loaded (a broken install, a
 * bundle that left it out): one error line, and what an unknown SDK would get — `instrument()`
 * patches nothing and returns false, functions answer their neutral value, nothing throws into
 * the app except constructing a class there is no code for.
 */
import { instrument, logger, registerPlugin, type TraciumPlugin } from "@tracium/core";
import { afterEach, describe, expect, it } from "vitest";
import { lazyClass, lazyFunction, lazyPlugin } from "../src/plugins/lazy.js";
import { lazyPackage } from "../src/plugins/load.js";

interface FakeModule {
  fakePlugin: TraciumPlugin;
  instrumentFake(target: unknown): boolean;
  FakeClass: new () => object;
}

/** Runs `fn` with the logger's lines collected instead of printed. */
function captureLogs(fn: () => void): { level: string; message: string }[] {
  const lines: { level: string; message: string }[] = [];
  const level = logger.getLevel();
  logger.setLevel("debug");
  logger.setSink((lvl, line) => lines.push({ level: lvl, message: line }));
  try {
    fn();
  } finally {
    logger.setSink(undefined);
    logger.setLevel(level);
  }
  return lines;
}

const registered: string[] = [];
afterEach(() => {
  for (const name of registered.splice(0)) registerPlugin({ name, modules: [], detect: () => false, patch: () => {}, unpatch: () => {} });
});

describe("a stand-in whose package cannot be loaded", () => {
  it("logs one error naming the package, and loads nothing again", () => {
    const pkg = lazyPackage<FakeModule>("@tracium/not-a-package");
    const logs = captureLogs(() => {
      expect(pkg.load()).toBeUndefined();
      expect(pkg.load()).toBeUndefined();
    });
    expect(logs.filter((l) => l.level === "error")).toHaveLength(1);
    expect(logs[0]!.message).toContain("@tracium/not-a-package");
    expect(pkg.loaded).toBe(false);
  });

  it("its plugin recognises nothing, so instrument() returns false and the SDK is left as it was", () => {
    const pkg = lazyPackage<FakeModule>("@tracium/not-a-package-2");
    const plugin = lazyPlugin(pkg, "fakePlugin", { name: "fake-missing", modules: ["fake-sdk"] });
    registered.push(plugin.name);
    registerPlugin(plugin);
    const target = { create(): number {
      return 1;
    } };
    const create = target.create;
    captureLogs(() => expect(instrument(target)).toBe(false));
    expect(target.create).toBe(create);
    expect(plugin.name).toBe("fake-missing");
    expect(plugin.modules).toEqual(["fake-sdk"]);
    expect(plugin.testedVersions).toBeUndefined();
    expect(plugin.isPatched?.(target)).toBe(false);
    expect(plugin.replaceExports?.(target)).toBe(target);
    expect(() => plugin.patch(target)).toThrow("@tracium/not-a-package-2 could not be loaded");
  });

  it("its functions answer their fallback, with the caller's arguments", () => {
    const pkg = lazyPackage<FakeModule>("@tracium/not-a-package-3");
    const seen: unknown[] = [];
    const fn = lazyFunction(pkg, "instrumentFake", (target: unknown) => (seen.push(target), false));
    captureLogs(() => expect(fn("x")).toBe(false));
    expect(seen).toEqual(["x"]);
    expect(fn.name).toBe("instrumentFake");
  });

  it("constructing its class throws an error that names the class and the package", () => {
    const pkg = lazyPackage<FakeModule>("@tracium/not-a-package-4");
    const Fake = lazyClass(pkg, "FakeClass");
    captureLogs(() => expect(() => new Fake()).toThrow("FakeClass is unavailable: @tracium/not-a-package-4 could not be loaded"));
  });
});

describe("a stand-in whose package loads", () => {
  it("is the package's export in every way the registry uses", () => {
    const pkg = lazyPackage<typeof import("@tracium/core")>("@tracium/core");
    const fn = lazyFunction(pkg, "isInitialized", () => false);
    expect(pkg.loaded).toBe(false);
    expect(typeof fn()).toBe("boolean");
    expect(pkg.loaded).toBe(true);
  });
});
