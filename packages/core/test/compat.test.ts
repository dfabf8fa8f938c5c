import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instrument, logger, patchProviderModule, registerPlugin, versionInRange, type TraciumPlugin } from "../src/index.js";
import { state } from "../src/context/state.js";

describe("versionInRange", () => {
  it.each([
    ["4.104.0", ">=4 <8", true],
    ["7.57.0", ">=4 <8", true],
    ["8.0.0", ">=4 <8", false],
    ["99.0.0", ">=4 <8", false],
    ["0.6.4", "0.6.x", true],
    ["0.7.0", "0.6.x", false],
    ["1.6.0", "^1", true],
    ["0.6.9", "^0.6", true],
    ["0.7.0", "^0.6", false],
    ["3.2.0", "2 || 3", true],
    ["8.0.0-beta.1", ">=4 <8", false],
    ["1.2.3", "~1.2", true],
  ])("%s in %s → %s", (v, r, expected) => {
    expect(versionInRange(v, r)).toBe(expected);
  });

  it("cannot tell when the version or the range is unreadable", () => {
    expect(versionInRange("next", ">=1")).toBeUndefined();
    expect(versionInRange("1.0.0", ">=banana")).toBeUndefined();
  });
});

/** A plugin for an SDK whose client class must have `Chat.prototype.create`. */
function sdkPlugin(patched: Set<unknown>): TraciumPlugin {
  const ok = (t: unknown) => typeof (t as { Client?: { Chat?: { prototype?: { create?: unknown } } } })?.Client?.Chat?.prototype?.create === "function";
  return {
    name: "acme",
    modules: ["acme-sdk"],
    testedVersions: { "acme-sdk": ">=1 <3" },
    detect: ok,
    patch: (t) => void patched.add(t),
    unpatch: (t) => void patched.delete(t),
    isPatched: (t) => patched.has(t),
    shapeProblem: (t) => ((t as { Client?: unknown })?.Client ? "Client.Chat.prototype.create is missing" : undefined),
  };
}

describe("patching by shape, never silently", () => {
  const lines: string[] = [];
  let saved: Map<string, object>;
  beforeEach(() => {
    lines.length = 0;
    saved = new Map(state.plugins);
    state.plugins.clear();
    logger.resetOnce();
    logger.setLevel("info");
    logger.setSink((_level, line) => lines.push(line));
  });
  afterEach(() => {
    logger.setSink(undefined);
    logger.setLevel("warn");
    state.plugins.clear();
    for (const [k, v] of saved) state.plugins.set(k, v);
  });

  const good = () => ({ Client: { Chat: class { create(): void {} } }, VERSION: "9.0.0" });
  const broken = () => ({ Client: { Talk: class {} }, VERSION: "9.0.0" });

  it("a module of a new major with the right shape is patched, with one info line naming the version", () => {
    const patched = new Set<unknown>();
    const plugin = sdkPlugin(patched);
    const mod = good();
    const verdict = patchProviderModule(plugin, mod, "acme-sdk", "9.0.0");
    patchProviderModule(plugin, good(), "acme-sdk", "9.0.0"); // a second copy: no second line
    expect(verdict).toMatchObject({ pkg: "acme-sdk", version: "9.0.0", testedRange: ">=1 <3", inTestedRange: false, patched: true });
    expect(patched.has(mod)).toBe(true);
    expect(lines).toEqual(['[tracium] info: acme-sdk 9.0.0 is outside the range plugin "acme" is tested with (>=1 <3); its shape matches, so it is traced']);
  });

  it("inside the tested range: patched quietly", () => {
    expect(patchProviderModule(sdkPlugin(new Set()), good(), "acme-sdk", "2.1.0")).toMatchObject({ inTestedRange: true, patched: true });
    expect(lines).toEqual([]);
  });

  it("a module whose shape changed is left alone, with one warn line saying why", () => {
    const patched = new Set<unknown>();
    const verdict = patchProviderModule(sdkPlugin(patched), broken(), "acme-sdk/sub", "9.0.0");
    expect(verdict.patched).toBe(false);
    expect(patched.size).toBe(0);
    expect(lines).toEqual(['[tracium] warn: acme-sdk 9.0.0 is not traced: plugin "acme" does not recognise its shape: Client.Chat.prototype.create is missing (the plugin is tested with >=1 <3)']);
  });

  it("a patch that did not take is reported too", () => {
    const plugin = { ...sdkPlugin(new Set()), patch: () => undefined };
    expect(patchProviderModule(plugin, good(), "acme-sdk", "2.0.0")).toMatchObject({ patched: false, reason: 'plugin "acme" recognised it but the patch did not take' });
    expect(lines[0]).toContain("acme-sdk 2.0.0 is not traced");
  });

  it("instrument(): names the SDK and its version when a plugin sees its own SDK in a shape it cannot patch; notes a version outside the range", () => {
    registerPlugin(sdkPlugin(new Set()));
    expect(instrument(broken())).toBe(false);
    expect(lines).toEqual(['[tracium] warn: instrument(): this looks like acme-sdk 9.0.0 but it is not traced: plugin "acme" does not recognise its shape: Client.Chat.prototype.create is missing; nothing was patched']);
    lines.length = 0;
    expect(instrument(good())).toBe(true);
    expect(lines).toEqual(['[tracium] info: acme-sdk 9.0.0 is outside the range plugin "acme" is tested with (>=1 <3); its shape matches, so it is traced']);
    lines.length = 0;
    expect(instrument({ unrelated: true })).toBe(false);
    expect(lines).toEqual(["[tracium] warn: instrument(): no registered plugin recognises this value; nothing was patched"]);
  });
});
