/**
 * The promise tap: what a patched provider method returned, observed without changing it. An
 * `APIPromise` stays the very same object (`withResponse()`, `asResponse()`, `parse()` and the
 * SDK's helpers keep working, identity holds): HTTP and connection errors are seen through its
 * `responsePromise` field, replaced by an equivalent derived promise (which consumes nothing, and
 * leaves a call nobody awaits rejecting unhandled as untraced), the result through its own
 * `parseResponse` field wrapped in place (so the tap sees it when, and only when, someone reads
 * it), and `asResponse()` alone ends the span with the HTTP status, leaving the body unread. A
 * plain promise is chained, another thenable observed from the side. A result that is a stream
 * goes to the stream tap.
 */
import { logger } from "../../util/logger.js";
import { promiseThen } from "../../util/observe.js";
import { safeGet } from "./reflect.js";
import { isApiPromiseLike, isAsyncIterableObject, isNativePromise, isProviderStream, isThenable, type AnyFunction } from "./shapes.js";
import { StreamTap } from "./stream-tap.js";

/** One traced call: the value its method returned, and the stream it may resolve to. */
export class PromiseTap extends StreamTap {
  /** The parsed result (a value or a Stream). Returns it unchanged (a Stream is tapped in place). */
  result<T>(value: T): T {
    try {
      if (!this.open || this.isStream) return value;
      this.bodyRead();
      if (isProviderStream(value) || isAsyncIterableObject(value)) return this.tapStream(value);
      this.hook("onResult", this.span, value);
      this.finish();
    } catch (err) {
      logger.once("error", `provider-tap:${this.provider}:result`, `${this.provider}: internal error while recording a result`, err);
      this.finish();
    }
    return value;
  }

  /**
   * Attaches to the value a patched method returned and returns what the caller must get.
   */
  attach<P>(value: P): P {
    if (isApiPromiseLike(value)) return this.attachApiPromise(value);
    if (isThenable(value)) {
      if (isNativePromise(value)) {
        // A plain promise: chain it, so an unhandled rejection stays unhandled for the caller.
        return value.then(
          (v) => this.result(v),
          (err: unknown) => {
            this.fail(err);
            throw err;
          },
        ) as P;
      }
      // An unknown thenable: observe it from the side and return the same object.
      try {
        value.then(
          (v) => {
            this.result(v);
          },
          (err: unknown) => this.fail(err),
        );
      } catch (err) {
        this.fail(err);
      }
      return value;
    }
    return this.result(value);
  }

  /**
   * Observes an `APIPromise` in place and returns the very same object: the SDK's contract can be
   * identity (openai's `embeddings.create` with an explicit `encoding_format` returns what
   * `client.post()` made). The result is seen through the promise's own `parseResponse` field, the
   * step the SDK runs lazily when someone reads the result (`then`, `parse()`, `withResponse()`,
   * or an SDK helper's `_thenUnwrap`), so nothing is parsed that the caller would not parse.
   */
  private attachApiPromise<P>(p: P): P {
    const api = p as unknown as Record<string, unknown>;
    const responsePromise = this.observeResponse(api);
    if (!this.observeParse(api)) {
      // Unknown internals: keep the object as it is and end the span with the HTTP status.
      logger.once("warn", `provider-tap:${this.provider}:parse`, `${this.provider}: unexpected SDK internals; spans end without the response`);
      if (isThenable(responsePromise)) responsePromise.then((props) => this.rawResponse(safeGet(props, "response")), () => undefined);
      else this.finish();
      return p;
    }
    this.observeAsResponse(api);
    return p;
  }

  /**
   * Sees the HTTP response, or the HTTP or connection error, through the promise's own
   * `responsePromise` field, replaced in place by a promise derived from it that settles the same
   * way one turn later. Whatever the SDK reads the response through (the result, `withResponse()`,
   * `asResponse()`, a helper's derived promise) reads that one, so a call nobody awaits still
   * leaves its rejection unhandled, as it would untraced. A field that cannot be replaced, or that
   * was read already, is observed from the side (which marks its rejection handled). Returns the
   * field's value.
   */
  private observeResponse(api: Record<string, unknown>): unknown {
    const desc = Object.getOwnPropertyDescriptor(api, "responsePromise");
    const original: unknown = desc && "value" in desc ? desc.value : safeGet(api, "responsePromise");
    const seen = (props: unknown): void => {
      try {
        this.httpResponse(props);
      } catch {
        // httpResponse() guards itself; nothing may change what the SDK reads.
      }
    };
    // Once parsing has started (a wrapper of the SDK's own awaited the promise first), the SDK has
    // read the field already: it is left as it is.
    if (desc && "value" in desc && desc.writable && isNativePromise(original) && safeGet(api, "parsedPromise") === undefined) {
      // The rejection passes to `derived` untouched (no reaction rethrows it, so an uncaught one
      // is reported where the SDK threw it); a side reaction records it.
      const derived = promiseThen.call(original, (props) => {
        seen(props);
        return props;
      });
      promiseThen.call(original, undefined, (err: unknown) => this.fail(err));
      Object.defineProperty(api, "responsePromise", { ...desc, value: derived });
      return derived;
    }
    if (isThenable(original)) original.then(seen, (err: unknown) => this.fail(err));
    return original;
  }

  /** Wraps the promise's own `parseResponse` field (same attributes). False when it has none. */
  private observeParse(api: Record<string, unknown>): boolean {
    const desc = Object.getOwnPropertyDescriptor(api, "parseResponse");
    if (!desc || typeof desc.value !== "function" || (!desc.writable && !desc.configurable)) return false;
    const original = desc.value as AnyFunction;
    const tap = this;
    const traced = function tracedParseResponse(this: unknown, ...args: unknown[]): unknown {
      let parsed: unknown;
      try {
        parsed = Reflect.apply(original, this, args);
      } catch (err) {
        tap.fail(err);
        throw err;
      }
      if (!isThenable(parsed)) return tap.result(parsed);
      if (isNativePromise(parsed)) {
        // Observed from the side and returned as it is: this reaction, registered before the
        // SDK's own, runs first (a stream is tapped before anyone reads it), and the caller's
        // chain gets no extra promise or turn. A rejection still reaches whoever reads the result.
        parsed.then(
          (value) => {
            try {
              tap.result(value);
            } catch {
              // result() guards itself; nothing may reject this side chain (unhandled rejection).
            }
          },
          (err: unknown) => tap.fail(err),
        );
        return parsed;
      }
      // Another thenable: chained, so the tap sees the value before the SDK does.
      return Promise.resolve(parsed).then(
        (value) => tap.result(value),
        (err: unknown) => {
          tap.fail(err);
          throw err;
        },
      );
    };
    Object.defineProperty(api, "parseResponse", { ...desc, value: traced });
    this.observeOwnUnwrap(api);
    return true;
  }

  /**
   * Some builds (openai 7) give the promise its own `_thenUnwrap` closure that parses without the
   * `parseResponse` field: a promise an SDK helper derives from it would bypass the tap. Its
   * transform is wrapped so the tap sees the result first, and the derived promise is observed
   * (for a failing parse). A `_thenUnwrap` from the prototype reads `parseResponse`: left alone.
   */
  private observeOwnUnwrap(api: Record<string, unknown>): void {
    const desc = Object.getOwnPropertyDescriptor(api, "_thenUnwrap");
    if (!desc || typeof desc.value !== "function" || (!desc.writable && !desc.configurable)) return;
    const original = desc.value as AnyFunction;
    const tap = this;
    const traced = function tracedThenUnwrap(this: unknown, transform: unknown, ...rest: unknown[]): unknown {
      const seen =
        typeof transform === "function"
          ? function tracedTransform(this: unknown, value: unknown, ...more: unknown[]): unknown {
              return Reflect.apply(transform as AnyFunction, this, [tap.result(value), ...more]);
            }
          : transform;
      const derived = Reflect.apply(original, this, [seen, ...rest]);
      try {
        if (isApiPromiseLike(derived)) tap.observeParse(derived as Record<string, unknown>);
      } catch {
        // The derived promise works as the SDK made it.
      }
      return derived;
    };
    Object.defineProperty(api, "_thenUnwrap", { ...desc, value: traced });
  }

  /**
   * `asResponse()` alone never parses the body: an own non-enumerable `asResponse` on the promise
   * ends the span with the HTTP status when no parse has started (`withResponse()` calls `parse()`
   * first, which sets `parsedPromise`). The status is recorded when the response arrives, and
   * the span ended a macrotask later: a caller who reads the raw response and then awaits the
   * promise itself (`await p.asResponse(); await p`) has started the parse by then, and the span
   * records the parsed result instead.
   */
  private observeAsResponse(api: Record<string, unknown>): void {
    const asResponse = safeGet(api, "asResponse");
    if (typeof asResponse !== "function") return;
    const tap = this;
    define(api, "asResponse", function tracedAsResponse(this: unknown, ...args: unknown[]): unknown {
      const r = Reflect.apply(asResponse as AnyFunction, this, args);
      if (!isThenable(r)) return r;
      return r.then((response) => {
        tap.rawResponse(response, false);
        setTimeout(() => {
          if (safeGet(this, "parsedPromise") === undefined) tap.rawResponse(response);
        }, 0);
        return response;
      });
    });
  }
}

/** Replaces a property keeping its enumerability (own data property). */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  Object.defineProperty(obj, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: desc ? desc.enumerable === true : false,
  });
}
