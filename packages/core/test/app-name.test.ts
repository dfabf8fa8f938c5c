/**
 * The default agent name is the app's package name, also when the app is started with `node app.mjs`
 * (no `npm_package_name`): read from the package.json nearest to the main script.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appPackageName } from "../src/util/app-name.js";
import { resolveConfig } from "../src/config/config.js";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tracium-app-name-"));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function file(path: string, text: string): string {
  const full = join(root, path);
  mkdirSync(join(full, ".."), { recursive: true });
  writeFileSync(full, text);
  return full;
}

describe("default agent name", () => {
  it("under npm (npm_package_name set) is that name without its scope", () => {
    const main = file("shop/app.mjs", "");
    file("shop/package.json", JSON.stringify({ name: "other" }));
    expect(appPackageName({ npm_package_name: "@acme/my-shop" }, main)).toBe("my-shop");
    expect(appPackageName({ npm_package_name: "my-shop" }, main)).toBe("my-shop");
  });

  it("under `node app.mjs` is the name in the package.json nearest to the main script, skipping name-less ones", () => {
    file("shop/package.json", JSON.stringify({ name: "@acme/my-shop", version: "1.0.0" }));
    file("shop/src/package.json", JSON.stringify({ type: "module" })); // a marker, not the app
    const main = file("shop/src/app.mjs", "");
    expect(appPackageName({}, main)).toBe("my-shop");
    file("shop/src/package.json", JSON.stringify({ name: "inner" }));
    expect(appPackageName({}, main)).toBe("inner");
  });

  it("follows a symlinked main script (a bin link) to the real package", () => {
    file("shop/package.json", JSON.stringify({ name: "my-shop" }));
    const main = file("shop/bin/run.mjs", "");
    mkdirSync(join(root, "bin"));
    symlinkSync(main, join(root, "bin", "run"));
    expect(appPackageName({}, join(root, "bin", "run"))).toBe("my-shop");
  });

  it("is undefined (→ \"app\") without a package name, for a broken package.json, and without a main script", () => {
    const main = file("loose/app.mjs", "");
    file("loose/package.json", "{ not json");
    expect(appPackageName({}, main)).toBeUndefined();
    expect(appPackageName({}, undefined)).toBeUndefined();
    expect(appPackageName({ npm_package_name: "  " }, undefined)).toBeUndefined();
  });

  it("is what resolveConfig uses unless TRACIUM_AGENT_NAME or the option says otherwise", () => {
    expect(resolveConfig({}, { npm_package_name: "my-shop" }).defaultAgentName).toBe("my-shop");
    expect(resolveConfig({}, { npm_package_name: "my-shop", TRACIUM_AGENT_NAME: "bot" }).defaultAgentName).toBe("bot");
    expect(resolveConfig({ defaultAgentName: "opt" }, { npm_package_name: "my-shop" }).defaultAgentName).toBe("opt");
  });
});
