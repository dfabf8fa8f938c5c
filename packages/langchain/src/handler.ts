/**
 * `TraciumCallbackHandler`: LangChain / LangGraph runs → a Tracium trace.
 *
 * - **Tree from run ids.** Every span is parented through `parentRunId` (a map of open runs), never
 *   through async context: LangChain calls handlers from its own async scopes, so the context seen
 *   inside a handler says nothing about which run is the parent.
 * - **Root run.** A run whose parent the handler does not know starts the tree. It joins the active
 *   Tracium trace (`currentTrace()`/`currentSpan()` read when the root run starts; the handler is
 *   awaited, so it runs in the caller's context) or, outside any trace, starts a trace that ends
 *   with the root run (failed when the root run fails).
 * - **Awaited.** `awaitHandlers = true`: in LangChain's default background mode, handlers run later
 *   from one global queue, and concurrent chains would see each other's context.
 * - **Bounded.** Per-run state is dropped at each run's end; runs that never end are evicted
 *   (`maxRuns`, `runTtlMs`), so a long-lived handler does not grow.
 * - **Fail-safe.** No handler method throws or rejects; problems are logged once.
 */
import { performance } from "node:perf_hooks";
import { currentSpan, currentTrace, getClient, logger, type Span, type SpanOptions, type Trace, type TraciumClient } from "@tracium/core";
import { BaseCallbackHandler } from "./base.js";
import { providerOf, readLlmResult, requestedStream, requestModel, requestParams, requestTools } from "./llm.js";
import { installModelPatches } from "./install.js";
import { RunStore, type EvictReason, type RunKind, type RunState, type RunTree } from "./runs.js";
import { asRecord, runNameOf, toolInput, toolOutput, toPlain, toPlainDocument, toPlainMessages, unwrapChainValues } from "./serialize.js";
import { HANDLER_BRAND, isTraciumHandler, shared, type HandlerLike, type ModelCall } from "./shared.js";

/** Options of {@link TraciumCallbackHandler}. */
export interface TraciumCallbackHandlerOptions {
  /** Agent name of the traces the handler starts. Default: the client's `defaultAgentName`. */
  agentName?: string;
  /** Tags added to the traces the handler starts (besides `@langchain`). */
  tags?: string[];
  /** Metadata of the traces the handler starts. */
  metadata?: Record<string, unknown>;
  /** Agent version of the traces the handler starts. */
  version?: string;
  /**
   * Record prompt templates, output parsers and LangGraph's hidden internal runs as spans of their
   * own. Default false: they are folded into their parent (their children attach to it).
   */
  keepNoise?: boolean;
  /** Open runs kept at most; beyond it the least recently active is evicted. Default 10,000. */
  maxRuns?: number;
  /** A run with no activity for this long is evicted (its span ends as failed). Default 30 minutes. */
  runTtlMs?: number;
  /** The client that starts traces. Default: the global client (`tracium.init()`), read per trace. */
  client?: TraciumClient;
}

/** Off while {@link createHandlerWithoutInstall} constructs a handler. */
let installOnConstruct = true;

/**
 * @internal A handler that does not install the model/tool patches itself (for the plugin, whose
 * `patch()` may run inside a module hook, where reaching for other modules is unsafe).
 */
export function createHandlerWithoutInstall(options?: TraciumCallbackHandlerOptions): TraciumCallbackHandler {
  installOnConstruct = false;
  try {
    return new TraciumCallbackHandler(options);
  } finally {
    installOnConstruct = true;
  }
}

const DEFAULT_MAX_RUNS = 10_000;
const DEFAULT_TTL_MS = 30 * 60_000;
const MAX_STREAMED_CHARS = 1_000_000;
const NOISE_RUN_TYPES = new Set(["prompt", "parser"]);
const NOISE_NAME = /(PromptTemplate|OutputParser)$|^Channel(Write|Read)$/;
const GRAPH_STEP_TAG = /^graph:step:\d+$/;

interface Engine {
  readonly options: Readonly<TraciumCallbackHandlerOptions>;
  readonly keepNoise: boolean;
  readonly store: RunStore;
}

function positiveInt(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isFinite(value) && value >= 1) return Math.floor(value);
  logger.once("warn", `lc-option:${what}`, `TraciumCallbackHandler: ${what} must be a positive number; using ${fallback}`);
  return fallback;
}

function isBubbleUp(err: unknown): boolean {
  // LangGraph control flow (interrupts, Command to a parent graph): not a failure.
  return !!err && typeof err === "object" && (err as { is_bubble_up?: unknown }).is_bubble_up === true;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

/**
 * LangChain callback handler that records runs as Tracium spans: chains → `chain`, chat models and
 * LLMs → `llm`, tools → `tool`, retrievers → `retrieval`.
 *
 * ```ts
 * const handler = new TraciumCallbackHandler({ agentName: "support-bot" });
 * await chain.invoke(input, { callbacks: [handler] });
 * ```
 *
 * Or register it for every run with {@link registerGlobalHandler}. Copies made by LangChain
 * (`handler.copy()`) share the original's state.
 */
export class TraciumCallbackHandler extends BaseCallbackHandler implements HandlerLike {
  override name = "tracium";
  /** Handlers must be awaited: see the module comment. */
  override awaitHandlers = true;
  override raiseError = false;
  readonly [HANDLER_BRAND] = true as const;
  private readonly engine: Engine;

  constructor(options?: TraciumCallbackHandlerOptions) {
    super();
    this.awaitHandlers = true;
    if (isTraciumHandler(options) && (options as unknown as TraciumCallbackHandler).engine) {
      this.engine = (options as unknown as TraciumCallbackHandler).engine; // copy(): share the run map
      return;
    }
    const o: TraciumCallbackHandlerOptions = options && typeof options === "object" ? { ...options } : {};
    this.engine = {
      options: o,
      keepNoise: o.keepNoise === true,
      store: new RunStore(
        positiveInt(o.maxRuns, DEFAULT_MAX_RUNS, "maxRuns"),
        positiveInt(o.runTtlMs, DEFAULT_TTL_MS, "runTtlMs"),
        (run, reason) => this.evict(run, reason),
      ),
    };
    // The model/tool patches (de-duplication with the provider plugins, tool context) are inert for
    // runs no Tracium handler records; installing them here makes an explicitly passed handler
    // de-duplicate too. Idempotent and cheap after the first handler.
    try {
      if (installOnConstruct) void installModelPatches();
    } catch (err) {
      logger.once("error", "lc-install-sync", "could not patch @langchain/core; runs are traced, without de-duplication", err);
    }
  }

  /** Runs currently open in this handler (for diagnostics and tests). */
  get openRuns(): number {
    return this.engine.store.size;
  }

  // ---------------------------------------------------------------- HandlerLike (used by the patches)

  /** @internal */
  spanForRun(runId: string): Span | undefined {
    return this.engine.store.peek(runId)?.span;
  }

  /** @internal */
  adoptModelCall(runId: string, call: ModelCall): boolean {
    const run = this.engine.store.peek(runId);
    if (!run || run.kind !== "llm" || !run.span) return false;
    run.call = call;
    call.runs.set(runId, this);
    return true;
  }

  /** @internal */
  abandonRun(runId: string, reason: string, received?: string): void {
    this.safe("abandon", () => {
      const run = this.engine.store.take(runId);
      if (!run) return;
      this.releaseCall(run);
      if (run.span) {
        const streamed = run.tokens?.join("") ?? "";
        const partial = typeof received === "string" && received.length >= streamed.length ? received : streamed;
        if (partial) run.span.recordOutput({ role: "assistant", content: partial });
        run.span.setMetadata({ ...this.streamMetadata(run), stream: true, cancelled: true, cancel_reason: reason });
        run.span.end();
      }
      this.finishTree(run, undefined);
    });
  }

  // ---------------------------------------------------------------- chains

  /** Runtime argument order (the 1.x `.d.ts` declares another one; see ecosystem notes §6). */
  handleChainStart(
    chain: unknown,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runType?: string,
    runName?: string,
  ): void {
    this.safe("chainStart", () => {
      const meta = asRecord(metadata);
      const isGraphNode = Array.isArray(tags) && tags.some((t) => typeof t === "string" && GRAPH_STEP_TAG.test(t));
      const nodeName = isGraphNode && typeof meta?.langgraph_node === "string" ? meta.langgraph_node : undefined;
      const name = runNameOf(chain, runName ?? nodeName, "chain");
      const noise =
        !this.engine.keepNoise &&
        ((typeof runType === "string" && NOISE_RUN_TYPES.has(runType)) ||
          (Array.isArray(tags) && tags.includes("langsmith:hidden")) ||
          NOISE_NAME.test(name));
      this.begin(runId, parentRunId, "chain", noise, () => ({
        spanType: "chain",
        name,
        input: unwrapChainValues(inputs, "input"),
      }));
    });
  }

  handleChainEnd(outputs: unknown, runId: string): void {
    this.safe("chainEnd", () => {
      this.end(runId, undefined, (span) => span.recordOutput(unwrapChainValues(outputs, "output")));
    });
  }

  handleChainError(err: unknown, runId: string): void {
    this.safe("chainError", () => {
      if (isBubbleUp(err)) {
        this.end(runId, undefined, (span) => span.setMetadata({ interrupted: true, control_flow: errorName(err) }));
      } else {
        this.end(runId, err);
      }
    });
  }

  // ---------------------------------------------------------------- models

  handleChatModelStart(
    llm: unknown,
    messages: unknown,
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.safe("chatModelStart", () => {
      const groups = Array.isArray(messages) ? messages : [];
      const input = groups.length === 1 ? { messages: toPlainMessages(groups[0]) } : { messages: groups.map(toPlainMessages) };
      this.beginLlm(llm, input, runId, parentRunId, extraParams, metadata, runName, "chat");
    });
  }

  handleLLMStart(
    llm: unknown,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.safe("llmStart", () => {
      const input = { prompts: Array.isArray(prompts) ? prompts.map((p) => toPlain(p)) : [] };
      this.beginLlm(llm, input, runId, parentRunId, extraParams, metadata, runName, "completions");
    });
  }

  handleLLMNewToken(token: string, _idx: unknown, runId: string): void {
    this.safe("llmNewToken", () => {
      const run = this.engine.store.touch(runId);
      if (!run || run.kind !== "llm") return;
      if (run.ttftMs === undefined && run.startedPerf !== undefined) {
        run.ttftMs = Math.round((performance.now() - run.startedPerf) * 1000) / 1000;
      }
      if (typeof token === "string" && token && (run.tokenChars ?? 0) < MAX_STREAMED_CHARS) {
        (run.tokens ??= []).push(token);
        run.tokenChars = (run.tokenChars ?? 0) + token.length;
      }
    });
  }

  handleLLMEnd(output: unknown, runId: string): void {
    this.safe("llmEnd", () => {
      this.end(runId, undefined, (span, r) => {
        const result = readLlmResult(output);
        const streamed = r.tokens && r.tokens.length > 0 ? r.tokens.join("") : undefined;
        if (result.empty && streamed !== undefined) {
          span.recordOutput({ role: "assistant", content: streamed });
        } else if (result.output !== undefined) {
          span.recordOutput(result.output);
        }
        if (result.toolCalls) span.setToolCalls(result.toolCalls);
        if (result.usage) span.setTokenUsage(result.usage);
        if (result.responseModel) span.setModelId(result.responseModel);
        span.setMetadata({
          ...(result.finishReasons ? { finish_reasons: result.finishReasons } : {}),
          ...this.streamMetadata(r),
        });
      });
    });
  }

  handleLLMError(err: unknown, runId: string): void {
    this.safe("llmError", () => {
      this.end(runId, err, (span, r) => {
        this.recordStreamed(r);
        span.setMetadata(this.streamMetadata(r));
      });
    });
  }

  // ---------------------------------------------------------------- tools

  handleToolStart(
    tool: unknown,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): void {
    this.safe("toolStart", () => {
      this.begin(runId, parentRunId, "tool", false, () => ({
        spanType: "tool",
        name: runNameOf(tool, runName, "tool"),
        input: toolInput(input),
        ...(typeof toolCallId === "string" && toolCallId ? { metadata: { tool_call_id: toolCallId } } : {}),
      }));
    });
  }

  handleToolEnd(output: unknown, runId: string): void {
    this.safe("toolEnd", () => {
      this.end(runId, undefined, (span) => span.recordOutput(toolOutput(output)));
    });
  }

  handleToolError(err: unknown, runId: string): void {
    this.safe("toolError", () => {
      if (isBubbleUp(err)) this.end(runId, undefined, (span) => span.setMetadata({ interrupted: true, control_flow: errorName(err) }));
      else this.end(runId, err);
    });
  }

  // ---------------------------------------------------------------- retrievers

  handleRetrieverStart(
    retriever: unknown,
    query: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.safe("retrieverStart", () => {
      this.begin(runId, parentRunId, "retrieval", false, () => ({
        spanType: "retrieval",
        name: runNameOf(retriever, name, "retriever"),
        input: { query: toPlain(query) },
      }));
    });
  }

  handleRetrieverEnd(documents: unknown, runId: string): void {
    this.safe("retrieverEnd", () => {
      this.end(runId, undefined, (span) => {
        const docs = Array.isArray(documents) ? documents : [];
        span.recordOutput({ documents: docs.map(toPlainDocument), num_documents: docs.length });
      });
    });
  }

  handleRetrieverError(err: unknown, runId: string): void {
    this.safe("retrieverError", () => this.end(runId, err));
  }

  // ---------------------------------------------------------------- internals

  private beginLlm(
    llm: unknown,
    input: unknown,
    runId: string,
    parentRunId: string | undefined,
    extraParams: unknown,
    metadata: unknown,
    runName: string | undefined,
    operation: "chat" | "completions",
  ): void {
    const model = requestModel(metadata, extraParams, llm);
    const provider = providerOf(metadata);
    const params = requestParams(extraParams);
    const run = this.begin(runId, parentRunId, "llm", false, () => ({
      spanType: "llm",
      name: runNameOf(llm, runName, operation === "chat" ? "chat_model" : "llm"),
      input,
      ...(model ? { modelId: model } : {}),
      metadata: {
        ...(provider ? { provider } : {}),
        operation,
        ...(model ? { request_model: model } : {}),
        ...(params ? { request_params: params } : {}),
      },
    }));
    if (!run?.span) return;
    const tools = requestTools(extraParams);
    if (tools) run.span.setTools(tools);
    run.startedPerf = performance.now();
    run.streamRequested = requestedStream(extraParams);
    // The provider call this run makes happens inside the model call we are called from (the
    // handler is awaited): mark it so the openai/anthropic plugins skip their own span for it.
    const call = shared.calls.getStore();
    if (call) this.adoptModelCall(runId, call);
  }

  /** Starts a run: a span under its parent run, or a new tree (joining the active trace, or a new one). */
  private begin(runId: string, parentRunId: string | undefined, kind: RunKind, noise: boolean, spanOptions: () => SpanOptions): RunState | undefined {
    if (typeof runId !== "string" || !runId) return undefined;
    const store = this.engine.store;
    if (store.peek(runId)) return undefined; // duplicate start event
    const parent = store.touch(parentRunId);
    const now = Date.now();
    if (parent) {
      const span = noise ? undefined : parent.attach.startSpan(spanOptions());
      const run: RunState = { runId, parentRunId, kind, span, attach: span ?? parent.attach, tree: parent.tree, lastSeen: now };
      store.add(run);
      return run;
    }
    if (noise) return undefined; // a bare prompt template or parser: nothing worth a trace
    const active = currentTrace();
    let trace: Trace;
    let span: Span;
    let ownsTrace = false;
    if (active && !active.isEnded) {
      trace = active;
      const activeSpan = currentSpan();
      span = activeSpan && activeSpan.trace === active && !activeSpan.isEnded ? activeSpan.startSpan(spanOptions()) : active.startSpan(spanOptions());
    } else {
      trace = this.startTrace();
      ownsTrace = true;
      span = trace.startSpan(spanOptions());
    }
    const tree: RunTree = { trace, ownsTrace, rootRunId: runId, runIds: new Set() };
    const run: RunState = { runId, parentRunId: undefined, kind, span, attach: span, tree, lastSeen: now };
    store.add(run);
    return run;
  }

  private startTrace(): Trace {
    const o = this.engine.options;
    const client = o.client ?? getClient();
    return client.startTrace({
      agentName: typeof o.agentName === "string" && o.agentName ? o.agentName : client.config.defaultAgentName,
      tags: ["@langchain", ...(Array.isArray(o.tags) ? o.tags : [])],
      ...(o.metadata ? { metadata: o.metadata } : {}),
      ...(o.version ? { version: o.version } : {}),
    });
  }

  /** Ends a run: its span (failed with `err` when given), and its tree when it is the root. */
  private end(runId: string, err: unknown, record?: (span: Span, run: RunState) => void): void {
    const run = this.engine.store.take(runId);
    if (!run) return;
    this.releaseCall(run);
    if (run.span) {
      if (record) {
        try {
          record(run.span, run);
        } catch (e) {
          logger.once("warn", "lc-record", "could not record a LangChain run's output", e);
        }
      }
      if (err !== undefined) run.span.fail(err);
      else run.span.end();
    }
    this.finishTree(run, err);
  }

  /** When `run` is its tree's root: release the tree's leftover runs and end the trace we own. */
  private finishTree(run: RunState, err: unknown): void {
    const tree = run.tree;
    if (tree.rootRunId !== run.runId) {
      const parent = this.engine.store.peek(run.parentRunId);
      if (parent) this.engine.store.touch(parent.runId);
      return;
    }
    for (const id of [...tree.runIds]) {
      const left = this.engine.store.take(id);
      if (!left) continue;
      this.releaseCall(left);
      if (left.span && !left.span.isEnded) {
        left.span.setMetadata({ ended_with_root: true });
        left.span.end();
      }
    }
    if (!tree.ownsTrace) return;
    if (err !== undefined && !isBubbleUp(err)) tree.trace.fail(err);
    else tree.trace.end();
  }

  private evict(run: RunState, reason: EvictReason): void {
    try {
      this.releaseCall(run);
      if (run.span && !run.span.isEnded) {
        this.recordStreamed(run);
        run.span.setMetadata({ evicted: reason });
        run.span.fail(`LangChain run never ended (evicted: ${reason === "ttl" ? "no activity" : "too many open runs"})`);
      }
      if (run.tree.rootRunId === run.runId) this.finishTree(run, `LangChain root run never ended (evicted: ${reason})`);
      logger.once("debug", `lc-evict:${reason}`, `a LangChain run that never ended was evicted (${reason})`);
    } catch (err) {
      logger.once("error", "lc-evict", "internal error while evicting a LangChain run", err);
    }
  }

  private releaseCall(run: RunState): void {
    if (run.call) {
      run.call.runs.delete(run.runId);
      run.call = undefined;
    }
  }

  private recordStreamed(run: RunState): void {
    if (run.span && run.tokens && run.tokens.length > 0) run.span.recordOutput({ role: "assistant", content: run.tokens.join("") });
  }

  private streamMetadata(run: RunState): Record<string, unknown> {
    const streamed = run.ttftMs !== undefined;
    return {
      stream: streamed || run.streamRequested === true,
      ...(streamed ? { time_to_first_token_ms: run.ttftMs } : {}),
    };
  }

  private safe(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      logger.once("error", `lc-handler:${what}`, `TraciumCallbackHandler.${what} failed; the run is not affected`, err);
    }
  }
}
