/**
 * Which Node.js versions Tracium runs on, and what each feature needs, for `tracium doctor`.
 * `MIN_NODE` is the packages' `engines` (a test keeps them equal).
 */

/** The oldest supported Node.js: zero code's ES module hook needs `module.register` (20.6). */
export const MIN_NODE = "20.6.0";

/** One line of the doctor's report about Node.js. */
export interface NodeFinding {
  level: "ok" | "info" | "fail";
  detail: string;
}

/** What the running Node.js offers that the checks depend on. */
export interface NodeFeatures {
  /** `process.features.require_module`: `require()` of an ES module (20.19+, 22.12+). */
  requireModule: boolean;
  /**
   * Whether zero code's ES module hooks run on the app's thread (22.22.3+, 24.11.1+) rather than
   * on Node's loader-hooks thread; undefined when not looked at.
   */
  esmHooksInThread?: boolean;
}

function parse(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version.replace(/^v/, "").split(".").map((n) => Number.parseInt(n, 10) || 0);
  return [major, minor, patch];
}

/** Whether `version` is at least `min` (both `x.y.z`, with or without a leading `v`). */
export function atLeast(version: string, min: string): boolean {
  const a = parse(version);
  const b = parse(min);
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  return true;
}

/** The features of the Node.js running this process. */
export function currentNodeFeatures(): NodeFeatures {
  return { requireModule: (process.features as { require_module?: boolean }).require_module === true };
}

/** The doctor's findings about Node.js `version` (`x.y.z`) with `features`. */
export function nodeFindings(version: string, features: NodeFeatures): NodeFinding[] {
  if (!atLeast(version, MIN_NODE)) {
    return [{ level: "fail", detail: `v${version}: Tracium needs Node.js ${MIN_NODE} or later (zero code's ES module hook needs module.register)` }];
  }
  const out: NodeFinding[] = [{ level: "ok", detail: `v${version}` }];
  if (!features.requireModule) {
    out.push({
      level: "info",
      detail: "no require(esm) on this Node (it came in 20.19 and 22.12): in an ES module app, await langchainReady() before the first LangChain run",
    });
  }
  if (features.esmHooksInThread === false) {
    out.push({
      level: "info",
      detail:
        "zero code's ES module hooks run on Node's loader thread here, and every module the app imports goes through it: " +
        "~200 ms more start-up for an app that imports a provider SDK (Node 22.22.3 / 24.11.1 or later runs them on the app's thread; " +
        "tracium.init() and instrument() in code need no hooks)",
    });
  }
  if (parse(version)[0] < 22) {
    out.push({ level: "info", detail: "Node.js 20 reached its end of life in April 2026; the newest provider SDKs (openai 7, ai 7, @google/genai 3) need Node.js 22" });
  }
  return out;
}
