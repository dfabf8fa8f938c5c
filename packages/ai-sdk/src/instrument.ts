/**
 * What is patched, per major. `ai` 7: nothing; the plugin follows the `ai:telemetry` channel.
 * `ai` 5/6: the operation functions listed in {@link PATCHED_EXPORTS}, replaced on the module
 * object the plugin is handed. That works for the CommonJS exports and for the namespace the
 * zero-code ES module hook hands over; a plain ES module namespace (`import * as ai from "ai"`
 * passed to `instrument()`) is read-only, so there `instrument()` says so and changes nothing.
 */
import { isWrapped, logger, unwrapMethod, wrapMethod, safeGet } from "@tracium/core";
import { subscribeAiTelemetry } from "./channel.js";
import type { OperationKind } from "./operation.js";
import { aiModules, moduleKind } from "./targets.js";
import { tracedAgentMethod, tracedOperation } from "./wrap.js";

/** One patched export of `ai` 5/6. */
export interface PatchedExport {
  readonly name: string;
  readonly kind: OperationKind;
}

/** The `ai` 5/6 exports replaced (adding one is one line). */
export const PATCHED_EXPORTS: readonly PatchedExport[] = [
  { name: "generateText", kind: "generateText" },
  { name: "streamText", kind: "streamText" },
  { name: "generateObject", kind: "generateObject" },
  { name: "streamObject", kind: "streamObject" },
  { name: "embed", kind: "embed" },
  { name: "embedMany", kind: "embedMany" },
];

/** Agent classes of `ai` 5/6 whose `generate`/`stream` are patched on their prototype. */
export const PATCHED_AGENT_CLASSES: readonly string[] = ["ToolLoopAgent", "Experimental_Agent"];

const AGENT_METHODS = [
  { method: "generate", kind: "generateText" },
  { method: "stream", kind: "streamText" },
] as const;

/** The prototypes of the agent classes `mod` exports (deduplicated: one class may have two names). */
function agentPrototypes(mod: object): object[] {
  const out: object[] = [];
  for (const name of PATCHED_AGENT_CLASSES) {
    const proto = safeGet(safeGet(mod, name), "prototype");
    if (proto && typeof proto === "object" && !out.includes(proto) && typeof safeGet(proto, "generate") === "function") out.push(proto);
  }
  return out;
}

/** Patches the agent classes' methods (prototypes can be patched even when the module's exports cannot). */
function patchAgents(mod: object): number {
  let n = 0;
  for (const proto of agentPrototypes(mod)) {
    for (const { method, kind } of AGENT_METHODS) {
      if (Object.prototype.hasOwnProperty.call(proto, method) && (isWrapped(proto, method) || wrapMethod(proto, method, (fn) => tracedAgentMethod(kind, fn)))) n++;
    }
  }
  return n;
}

/** What one `instrumentAiSdk` call did. */
export interface InstrumentReport {
  /** `ai` 7 copies found: traced through the channel. */
  channel: number;
  /** Exports replaced (or already replaced) on `ai` 5/6 copies. */
  patched: string[];
  /** Exports that could not be replaced (a read-only ES module namespace). */
  readOnly: string[];
  /** Agent methods patched (`ToolLoopAgent.prototype.generate`…). */
  agentMethods: number;
}

function replace(mod: object, entry: PatchedExport): "patched" | "read-only" | "absent" {
  if (typeof safeGet(mod, entry.name) !== "function") return "absent";
  if (isWrapped(mod, entry.name)) return "patched";
  try {
    wrapMethod(mod, entry.name, (original) => tracedOperation(entry.kind, original));
  } catch {
    // an ES module namespace: its bindings cannot be redefined
  }
  return isWrapped(mod, entry.name) ? "patched" : "read-only";
}

/** Patches (ai 5/6) or follows (ai 7) every `ai` module `target` holds. */
export function instrumentTarget(target: unknown): InstrumentReport {
  const report: InstrumentReport = { channel: 0, patched: [], readOnly: [], agentMethods: 0 };
  for (const mod of aiModules(target)) {
    if (moduleKind(mod) === "channel") {
      if (subscribeAiTelemetry()) report.channel++;
      continue;
    }
    for (const entry of PATCHED_EXPORTS) {
      const outcome = replace(mod, entry);
      if (outcome === "patched") report.patched.push(entry.name);
      else if (outcome === "read-only") report.readOnly.push(entry.name);
    }
    report.agentMethods += patchAgents(mod);
  }
  if (report.readOnly.length > 0 && report.patched.length === 0) {
    logger.warn(
      "ai-sdk: this `ai` (5 or 6) is an ES module namespace, whose exports cannot be replaced, so its calls are not traced " +
        "(its agent classes are). " +
        "Start the app with `node --import @tracium/sdk/auto` (the ES module hook patches `ai` as it is imported), " +
        "call through `wrapAiSdk(ai)` (a traced view of the module), " +
        "or use `ai` 7, which is traced through its diagnostics channel.",
    );
  }
  return report;
}

/** Restores the `ai` 5/6 exports (the `ai` 7 channel is left followed: other copies may use it). */
export function uninstrumentTarget(target: unknown): boolean {
  let any = false;
  for (const mod of aiModules(target)) {
    for (const entry of PATCHED_EXPORTS) {
      try {
        any = unwrapMethod(mod, entry.name) || any;
      } catch {
        // read-only
      }
    }
    for (const proto of agentPrototypes(mod)) for (const { method } of AGENT_METHODS) any = unwrapMethod(proto, method) || any;
  }
  return any;
}

/** Whether `target` is traced: an `ai` 7 copy with the channel followed, or every `ai` 5/6 export replaced. */
export function isTargetInstrumented(target: unknown, channelFollowed: boolean): boolean {
  const mods = aiModules(target);
  if (mods.length === 0) return false;
  return mods.every((mod) =>
    moduleKind(mod) === "channel" ? channelFollowed : PATCHED_EXPORTS.every((e) => typeof safeGet(mod, e.name) !== "function" || isWrapped(mod, e.name)),
  );
}

/**
 * A traced view of an `ai` 5/6 module: a new object whose operation functions are traced and whose
 * every other export reads through to the module. For where the module itself cannot be changed
 * (a read-only ES module namespace, the CommonJS build's fixed exports). An `ai` 7 module is
 * returned as is, with its channel followed.
 */
export function tracedModule<T extends object>(mod: T): T {
  const inner = aiModules(mod)[0];
  if (!inner) return mod;
  if (moduleKind(inner) === "channel") {
    subscribeAiTelemetry();
    return mod;
  }
  const view: Record<string, unknown> = {};
  let names: string[] = [];
  try {
    names = Object.keys(inner);
  } catch {
    return mod;
  }
  for (const name of names) {
    Object.defineProperty(view, name, { enumerable: true, configurable: true, get: () => safeGet(inner, name) });
  }
  if (!names.includes("__esModule")) Object.defineProperty(view, "__esModule", { value: true });
  patchAgents(inner);
  for (const entry of PATCHED_EXPORTS) {
    const original = safeGet(inner, entry.name);
    if (typeof original !== "function") continue;
    Object.defineProperty(view, entry.name, { value: original, enumerable: true, configurable: true, writable: true });
    if (!isWrappedFunction(original)) wrapMethod(view, entry.name, (fn) => tracedOperation(entry.kind, fn));
  }
  return view as T;
}

/**
 * The exports the app's `require("ai")` gets (zero-code require hook): a traced view when the
 * CommonJS build's exports cannot be replaced in place (`ai` 5/6 define them as fixed getters).
 */
export function replaceModuleExports(exports: unknown): unknown {
  const mod = aiModules(exports)[0];
  if (!mod || mod !== exports || moduleKind(mod) === "channel") return exports;
  return patchableInPlace(mod) ? exports : tracedModule(mod);
}

function patchableInPlace(mod: object): boolean {
  try {
    const desc = Object.getOwnPropertyDescriptor(mod, "generateText");
    return desc !== undefined && (desc.configurable === true || desc.writable === true);
  } catch {
    return false;
  }
}

const ORIGINAL = Symbol.for("tracium.original");

function isWrappedFunction(fn: unknown): boolean {
  return typeof fn === "function" && (fn as unknown as Record<symbol, unknown>)[ORIGINAL] !== undefined;
}
