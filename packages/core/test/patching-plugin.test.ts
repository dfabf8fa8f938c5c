import { afterAll, afterEach, describe, expect, it } from "vitest";
import { definePatchingPlugin, logger } from "../src/index.js";

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
