import { afterAll, afterEach, describe, expect, it } from "vitest";
import { defineMethodPatcher, definePatchingPlugin, logger } from "../src/index.js";

const lines: string[] = [];
logger.setSink((level, line) => lines.push(`${level} ${line}`));
afterEach(() => {
  lines.length = 0;
});
afterAll(() => logger.setSink(undefined));

function kit(overrides: Partial<Parameters<typeof definePatchingPlugin>[0]> = {}) {
  const patched = new Set<unknown>();
  const made = definePatchingPlugin({
    name: "acme",
    modules: ["acme-sdk"],
    testedVersions: { "acme-sdk": ">=1 <2" },
    sdk: "Acme",
    recognises: (t) => typeof t === "object" && t !== null && "acme" in t,
    patch: (t) => void patched.add(t),
    unpatch: (t) => void patched.delete(t),
    isPatched: (t) => patched.has(t),
    notRecognised: () => "instrumentAcme(): not an acme-sdk value; nothing was patched",
    ...overrides,
  });
  return { ...made, patched };
}

describe("definePatchingPlugin: a provider plugin's parts become a plugin and its entry points", () => {
  it("instrument/uninstrument patch a recognised value and report it", () => {
    const k = kit();
    const sdk = { acme: true };
    expect(k.plugin).toMatchObject({ name: "acme", modules: ["acme-sdk"], testedVersions: { "acme-sdk": ">=1 <2" } });
    expect(k.instrument(sdk)).toBe(true);
    expect(k.plugin.isPatched?.(sdk)).toBe(true);
    expect(k.uninstrument(sdk)).toBe(true);
    expect(k.plugin.isPatched?.(sdk)).toBe(false);
  });

  it("a value it does not recognise: false, one warning line naming the entry point, nothing patched", () => {
    const k = kit();
    expect(k.instrument(42)).toBe(false);
    expect(k.uninstrument(42)).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/^warn .*instrumentAcme\(\): not an acme-sdk value; nothing was patched/)]);
    expect(k.patched.size).toBe(0);
  });

  it("never throws: a throwing recogniser is a no, a throwing patch is logged and reported as false", () => {
    const boom = (): never => {
      throw new Error("boom");
    };
    expect(kit({ recognises: boom }).plugin.detect({ acme: true })).toBe(false);
    expect(kit({ isPatched: boom }).plugin.isPatched?.({ acme: true })).toBe(false);
    expect(kit({ patch: boom }).instrument({ acme: true })).toBe(false);
    expect(kit({ unpatch: boom }).uninstrument({ acme: true })).toBe(false);
    expect(lines.filter((l) => l.startsWith("error"))).toEqual([
      expect.stringContaining("instrumentAcme() failed; the SDK is left as it was"),
      expect.stringContaining("uninstrumentAcme() failed"),
    ]);
  });
});

describe("defineMethodPatcher: a plugin's list of prototype methods patched once, restored, inspected", () => {
  class Resource {
    create(x: number): number {
      return x + 1;
    }
  }
  const entries = [{ method: "create" }, { method: "missing" }];
  const calls: string[] = [];
  const patcher = defineMethodPatcher({
    name: "acme-test",
    resolve: (target) => (target === Resource ? entries.filter((e) => typeof (Resource.prototype as unknown as Record<string, unknown>)[e.method] === "function").map((entry) => ({ owner: Resource.prototype, entry })) : []),
    wrapper: (entry, tag: string) => (original) =>
      function (this: unknown, ...args: unknown[]) {
        calls.push(`${tag}:${entry.method}`);
        return Reflect.apply(original, this, args);
      },
  });

  it("patches what a target reaches once, keeps results, restores the original", () => {
    const original = Resource.prototype.create;
    expect(patcher.isPatched(Resource)).toBe(false);
    expect(patcher.patch(Resource, "a")).toBe(1);
    expect(patcher.patch(Resource, "b")).toBe(0); // idempotent: the first wrapper stays
    expect(new Resource().create(1)).toBe(2);
    expect(calls).toEqual(["a:create"]);
    expect(patcher.isPatched(Resource)).toBe(true);
    expect(patcher.isPatched({})).toBe(false);
    expect(patcher.unpatch(Resource)).toBe(1);
    expect(Resource.prototype.create).toBe(original);
    expect(patcher.isPatched(Resource)).toBe(false);
  });

  it("never throws: a throwing lookup patches nothing", () => {
    const broken = defineMethodPatcher({
      name: "acme-broken",
      resolve: () => {
        throw new Error("boom");
      },
      wrapper: () => (original) => original,
    });
    expect(broken.patch(Resource, undefined)).toBe(0);
    expect(broken.unpatch(Resource)).toBe(0);
    expect(broken.isPatched(Resource)).toBe(false);
  });
});
