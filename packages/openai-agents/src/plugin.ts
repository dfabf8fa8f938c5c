/**
 * Registering the processor with the Agents SDK: once per process (the SDK's trace provider is one
 * global shared by every copy of the SDK, and so is this registration, shared by the ESM and CJS
 * builds of this package), plus the context source that makes SDK spans Tracium's active context.
 */
import { logger, type TraciumPlugin } from "@tracium/core";
import { registerAgentsContext } from "./context.js";
import { TraciumTracingProcessor } from "./processor.js";
import { agentsShapeProblem, agentsTracingApi } from "./targets.js";

/** Options of {@link instrumentOpenAIAgents}. */
export interface OpenAIAgentsOptions {
  /**
   * The SDK's other trace processors, among them its default exporter (which sends traces to
   * OpenAI's servers and, offline or with a non-OpenAI key, logs failed requests): `"keep"`
   * (default) leaves them as the app set them; `"off"` makes Tracium's processor the only one
   * (`setTraceProcessors([tracium])`). Env `TRACIUM_OPENAI_AGENTS_EXPORTER=off` (zero-code).
   */
  openaiExporter?: "keep" | "off";
}

interface Registration {
  readonly processor: TraciumTracingProcessor;
  /** Whether the SDK's provider holds the processor (it drops it on `setTraceProcessors`). */
  attached: boolean;
  /** False after `uninstrument`: the processor ignores what the SDK sends. */
  enabled: boolean;
}

const KEY = Symbol.for("tracium.openai-agents.registration.v1");

/** The process-wide processor registration (created, with its context source, on first use). */
export function registration(): Registration {
  const g = globalThis as Record<symbol, Registration | undefined>;
  const existing = g[KEY];
  if (existing) return existing;
  const processor = new TraciumTracingProcessor();
  const created: Registration = { processor, attached: false, enabled: true };
  processor.onDetach = () => {
    created.attached = false;
  };
  processor.isEnabled = () => created.enabled;
  registerAgentsContext(processor);
  Object.defineProperty(g, KEY, { value: created, enumerable: false, configurable: true });
  return created;
}

function exporterMode(options: OpenAIAgentsOptions): "keep" | "off" {
  const mode = options.openaiExporter ?? process.env.TRACIUM_OPENAI_AGENTS_EXPORTER?.trim().toLowerCase();
  if (mode === undefined || mode === "" || mode === "keep") return "keep";
  if (mode === "off") return "off";
  logger.once("warn", "openai-agents:exporter-option", `openaiExporter must be "keep" or "off", not ${JSON.stringify(mode)}; the SDK's processors are kept`);
  return "keep";
}

/** Adds the processor to the SDK `target` belongs to. True when `target` is the Agents SDK. */
export function attach(target: unknown, options: OpenAIAgentsOptions = {}): boolean {
  const api = agentsTracingApi(target);
  if (!api) return false;
  const reg = registration();
  reg.enabled = true;
  if (exporterMode(options) === "off") {
    api.setTraceProcessors([reg.processor]);
    reg.attached = true;
  } else if (!reg.attached) {
    api.addTraceProcessor(reg.processor);
    reg.attached = true;
  }
  return true;
}

/** The plugin: `tracium.instrument(agents)` and zero-code (`@openai/agents`, `@openai/agents-core`). */
export const openaiAgentsPlugin: TraciumPlugin = {
  name: "openai-agents",
  // `@openai/agents` sets its default exporter with setTraceProcessors when it loads, which drops a
  // processor added while `@openai/agents-core` loaded; the processor is then added again here.
  modules: ["@openai/agents", "@openai/agents-core"],
  testedVersions: { "@openai/agents": ">=0.20 <0.21", "@openai/agents-core": ">=0.20 <0.21" },
  detect: (target) => agentsTracingApi(target) !== undefined,
  patch(target) {
    attach(target);
  },
  unpatch(target) {
    if (agentsTracingApi(target)) registration().enabled = false;
  },
  isPatched(target) {
    if (!agentsTracingApi(target)) return false;
    const reg = registration();
    return reg.attached && reg.enabled;
  },
  shapeProblem: agentsShapeProblem,
};
