/**
 * What a user expects of every published package (each folder under packages/, found here, so a
 * package added later is checked too): the license file, a README, where the code and the issues
 * are, keywords, the same engines as the root, public access, and the npm-pack guard. And docs
 * that never send a user to `npx` with the bare name `tracium` (an unrelated registry package).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, packageFolders } from "./fixture.js";

interface Manifest {
  name: string;
  license?: string;
  keywords?: unknown;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  engines?: { node?: string };
  publishConfig?: { access?: string };
  files?: string[];
  scripts?: Record<string, string>;
}

const read = (file: string): Manifest => JSON.parse(readFileSync(file, "utf8")) as Manifest;
const root = read(join(ROOT, "package.json"));
const repoUrl = root.repository?.url ?? "";
const webUrl = repoUrl.replace(/^git\+/, "").replace(/\.git$/, "");
const license = readFileSync(join(ROOT, "LICENSE"), "utf8");

describe.each(Object.entries(packageFolders()))("%s", (name, dir) => {
  const pkg = read(join(dir, "package.json"));

  it("has the MIT LICENSE file of the repository and a README that says how to install", () => {
    expect(pkg.license).toBe("MIT");
    expect(existsSync(join(dir, "LICENSE")), `${name}: LICENSE`).toBe(true);
    expect(readFileSync(join(dir, "LICENSE"), "utf8")).toBe(license);
    expect(existsSync(join(dir, "README.md")), `${name}: README.md`).toBe(true);
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    expect(readme.startsWith(`# ${name}\n`)).toBe(true);
    expect(readme).toContain("npm install");
  });

  it("says where its code, home page and issues are, with keywords", () => {
    expect(repoUrl).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(pkg.repository).toEqual({ type: "git", url: repoUrl, directory: relative(ROOT, dir).split("\\").join("/") });
    expect(pkg.homepage).toBe(`${webUrl}/tree/main/${pkg.repository!.directory}#readme`);
    expect(pkg.bugs).toEqual({ url: `${webUrl}/issues` });
    expect(Array.isArray(pkg.keywords) && pkg.keywords.includes("tracium") && pkg.keywords.length >= 3).toBe(true);
  });

  it("claims the engines the root claims, publishes publicly, ships dist only, and refuses npm pack", () => {
    expect(pkg.engines).toEqual({ node: root.engines?.node });
    expect(pkg.publishConfig).toEqual({ access: "public" });
    expect(pkg.files).toEqual(["dist"]);
    expect(pkg.scripts?.prepack).toBe("node ../../scripts/pack-guard.mjs");
    expect(pkg.scripts?.["check:package"]).toBe("node ../../scripts/check-package.mjs");
  });
});

describe("docs", () => {
  it("never send a user to npx with the bare name tracium", () => {
    const files = execFileSync("git", ["ls-files", "*.md", "*.ts", "*.mts", "*.mjs", "*.cjs", "*.json"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => f && !f.endsWith("metadata.test.ts") && !f.endsWith("first-run.test.ts") && existsSync(join(ROOT, f)));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => /\bnpx\s+(--?\S+\s+)*tracium(?![\w/@.-])/.test(readFileSync(join(ROOT, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
