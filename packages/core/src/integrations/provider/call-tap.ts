/**
 * The life of one traced provider call, whatever it returns: the plugin's hooks (each guarded),
 * span metadata, the idle safety net (one shared watch for all calls, idle-watch.ts) and ending
 * the span exactly once. `StreamTap` adds the stream, `PromiseTap` what the SDK method returned;
 * this class knows neither.
 */
import { monotonicNow } from "../../util/clock.js";
import { logger } from "../../util/logger.js";
import type { Span } from "../../tracing/span.js";
import { idleWatch, type IdleWatched } from "./idle-watch.js";
import { safeGet } from "./reflect.js";
import type { AnyFunction } from "./shapes.js";
import type { HttpResponseInfo, ProviderCallHooks, ProviderTapOptions } from "./types.js";

/** Default for `ProviderTapOptions.idleTimeoutMs`: 10 minutes (the openai/anthropic SDKs' request timeout). */
export const DEFAULT_PROVIDER_IDLE_TIMEOUT_MS = 600_000;

export type Hooks = ProviderCallHooks<unknown, unknown>;

export class CallTap implements IdleWatched {
  private closed = false;
  protected readonly provider: string;
  protected readonly startTime: number;
  readonly idleTimeoutMs: number;
  /** Signs of life (headers, chunks) for the shared idle watch: a counter, no clock read, no timer. */
  activity = 0;
  watchSeen = 0;
  watchQuietSince = 0;
  watchPrev: IdleWatched | undefined = undefined;
  watchNext: IdleWatched | undefined = undefined;
  watched = false;

  constructor(
    protected readonly span: Span,
    protected readonly hooks: Hooks,
    options: ProviderTapOptions,
  ) {
    this.provider = typeof options.provider === "string" && options.provider ? options.provider : "provider";
    this.startTime = typeof options.startTime === "number" && Number.isFinite(options.startTime) ? options.startTime : monotonicNow();
    const idle = options.idleTimeoutMs;
    this.idleTimeoutMs = typeof idle === "number" && Number.isFinite(idle) && idle >= 0 ? idle : DEFAULT_PROVIDER_IDLE_TIMEOUT_MS;
  }

  /** True while this tap may still write to the span. */
  protected get open(): boolean {
    return !this.closed && !this.span.isEnded;
  }

  /** True once this tap ended the span (or saw it ended). */
  protected get isClosed(): boolean {
    return this.closed;
  }

  protected hook<K extends keyof Hooks>(name: K, ...args: Parameters<NonNullable<Hooks[K]>>): unknown {
    if (name !== "hideChunk" && !this.open) return undefined;
    const fn = this.hooks[name] as AnyFunction | undefined;
    if (typeof fn !== "function") return undefined;
    try {
      return Reflect.apply(fn, this.hooks, args);
    } catch (err) {
      logger.once("warn", `provider-hook:${this.provider}:${String(name)}`, `${this.provider}: the ${String(name)} extractor failed; the call is unaffected`, err);
      return undefined;
    }
  }

  protected meta(values: Record<string, unknown>): void {
    if (!this.open) return;
    try {
      this.span.setMetadata(values);
    } catch {
      // Span methods never throw; belt and braces.
    }
  }

  /** A sign of life: a call that shows none for `idleTimeoutMs` is ended (watched from then on). */
  protected armIdle(): void {
    if (this.idleTimeoutMs <= 0 || !this.open) return;
    if (this.watched) this.activity++;
    else idleWatch.add(this);
  }

  /** Called by the idle watch. */
  onIdle(): void {
    if (this.closed) return;
    if (this.span.isEnded) {
      this.finish(); // ended elsewhere (its trace ended): just release the listener
      return;
    }
    this.meta({ ended_by_timeout: true });
    this.timedOut();
  }

  /** The idle timeout elapsed on a live call. */
  protected timedOut(): void {
    this.finish();
  }

  /** Releases what a subclass holds (listeners) when the span ends. */
  protected release(): void {}

  /** Ends the span once, leaves the idle watch and releases whatever `release` frees. */
  protected finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.watched) idleWatch.delete(this);
    this.release();
    try {
      this.span.end();
    } catch {
      // Span.end never throws; belt and braces.
    }
  }

  /** Marks the span failed with `error`, telling the plugin first. */
  protected markFailed(error: unknown): void {
    this.hook("onError", this.span, error);
    try {
      this.span.markFailed(error);
    } catch {
      // ignore
    }
  }

  /** The call failed before a result was read (HTTP status, connection, body parse). */
  fail(error: unknown): void {
    if (!this.open) return;
    const status = safeGet(error, "status");
    if (typeof status === "number") this.meta({ http_status: status });
    this.markFailed(error);
    this.finish();
  }

  /** The response headers arrived. */
  httpResponse(props: unknown): void {
    if (!this.open) return;
    const response = safeGet(props, "response");
    const status = safeGet(response, "status");
    const info: HttpResponseInfo = { status: typeof status === "number" ? status : undefined, response };
    if (info.status !== undefined) this.meta({ http_status: info.status });
    this.hook("onHttpResponse", this.span, info);
    this.armIdle();
  }

  /**
   * `asResponse()` resolved: the HTTP status is recorded and the body is unread so far (a trace
   * that ends now ends the span so). `end` then ends the span, when nothing has parsed the body.
   */
  rawResponse(response: unknown, end = true): void {
    if (!this.open) return;
    const status = safeGet(response, "status");
    if (typeof status === "number") this.meta({ http_status: status });
    this.meta({ response_body_unread: true });
    if (end) this.finish();
  }

  /** The body was parsed after all (after `asResponse()`): it is not unread. */
  protected bodyRead(): void {
    const metadata = this.span.data.metadata as Record<string, unknown>;
    if (metadata.response_body_unread === true) delete metadata.response_body_unread;
  }
}
