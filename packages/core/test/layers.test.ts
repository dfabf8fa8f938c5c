/**
 * The architecture of `@tracium/core` as a test: its folders are layers, each file imports only
 * from its own layer or the layers below, and no file reaches itself through its imports (type
 * imports count: a type cycle still ties two files into one unit to read and to change).
 * The layer order is the one `packages/core/README.md` describes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

/** Bottom first. `index.ts` (the package entry) sits above them all. */
const LAYERS = ["util", "model", "capture", "config", "context", "export", "tracing", "integrations"] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative module a file names: `import`, `import type`, `export … from`, `import()`. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
}

/** The import graph of `src`, keyed by path relative to `src` (posix separators). */
function importGraph(): Map<string, string[]> {
  const key = (path: string): string => relative(SRC, path).split(sep).join("/");
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) graph.set(key(file), importsOf(file).map(key));
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

function layerOf(file: string): number {
  if (!file.includes("/")) return LAYERS.length; // index.ts, the entry
  return LAYERS.indexOf(file.slice(0, file.indexOf("/")) as (typeof LAYERS)[number]);
}

describe("core layers", () => {
  const graph = importGraph();

  it("reads the source tree and every relative import resolves to a file", () => {
    expect(graph.size).toBeGreaterThan(50);
    const missing = [...graph].flatMap(([from, tos]) => tos.filter((to) => !graph.has(to)).map((to) => `${from} -> ${to}`));
    expect(missing).toEqual([]);
  });

  it("has no import cycle, type imports included", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("puts every file in a known layer folder", () => {
    const stray = [...graph.keys()].filter((f) => layerOf(f) < 0);
    expect(stray).toEqual([]);
  });

  it("imports only from the same layer or below", () => {
    const upward = [...graph].flatMap(([from, tos]) =>
      tos.filter((to) => graph.has(to) && layerOf(to) > layerOf(from)).map((to) => `${from} -> ${to}`),
    );
    expect(upward).toEqual([]);
  });

  it("detects a cycle made only of type imports", () => {
    // The checker itself: `import type` and `export type … from` edges are part of the graph it walks.
    const fake = new Map<string, string[]>([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["a.ts"]],
      ["c.ts", ["a.ts"]],
    ]);
    expect(importCycles(fake)).toEqual([["a.ts", "b.ts"]]);
    const typeOnly = ts.preProcessFile('import type { X } from "./x.js";\nexport type { Y } from "./y.js";', true, true);
    expect(typeOnly.importedFiles.map((f) => f.fileName)).toEqual(["./x.js", "./y.js"]);
  });
});
