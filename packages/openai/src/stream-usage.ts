/**
 * Token usage for streamed chat completions. OpenAI sends usage in a stream only when the request
 * has `stream_options.include_usage: true`. When the plugin adds it (`injectStreamUsage`, off by
 * default), it does so where the SDK turns the body into bytes, never on the body object: the SDK
 * sees the caller's own object (openai 7's `ChatCompletionStream` binds its tool and
 * response-format parsers to that object by identity), and only the JSON text that goes on the
 * wire gains `"stream_options":{"include_usage":true}`. The extra usage-only chunk is then hidden
 * from the caller by the tap (`hideChunk`).
 *
 * What stays observable with injection on, and why it is off by default: the request bytes
 * (a custom `fetch`, a proxy, a server that rejects `stream_options`), and the raw response body of
 * `asResponse()`, which holds the extra chunk. Nothing here reads a getter or calls user code.
 */
import { isProxy, logger, unwrapMethod, wrapMethod } from "@tracium/core";
import type { OpenAIOperation } from "./targets.js";

/** How a streamed chat completion gets its usage (`metadata.stream_usage`). */
export type StreamUsage = "requested" | "injected" | "not_requested";

const INCLUDE_USAGE = '"stream_options":{"include_usage":true}';

/** An own data property's value; undefined when absent or an accessor (never invoked). */
function ownValue(obj: object, key: string): { value: unknown } | undefined {
  try {
    const desc = Object.getOwnPropertyDescriptor(obj, key);
    return desc && "value" in desc ? { value: desc.value } : undefined;
  } catch {
    return undefined; // a Proxy trap threw
  }
}

function isPlainObject(value: unknown): value is object {
  if (value === null || typeof value !== "object" || isProxy(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * For a streamed chat completion (`stream: true` as an own data property): whether the caller
 * asked for usage (`"requested"`), or not (`"not_requested"`: absent, false, or not readable
 * without running code). Undefined for anything else.
 */
export function streamUsageRequest(body: unknown, operation: OpenAIOperation): Exclude<StreamUsage, "injected"> | undefined {
  if (operation !== "chat" || !isPlainObject(body) || ownValue(body, "stream")?.value !== true) return undefined;
  const options = ownValue(body, "stream_options")?.value;
  return isPlainObject(options) && ownValue(options, "include_usage")?.value === true ? "requested" : "not_requested";
}

/**
 * Whether `include_usage` can be added to the serialised body without changing anything else:
 * a plain object (no Proxy, no `toJSON`) with no `stream_options` of its own, so the JSON text is
 * an object that does not have the key yet. A `stream_options` without `include_usage` (or with
 * `include_usage: false`) is the caller's choice and is left alone.
 */
export function canInjectStreamUsage(body: unknown): boolean {
  if (!isPlainObject(body)) return false;
  try {
    if (Object.getOwnPropertyDescriptor(body, "toJSON") !== undefined) return false;
    const options = Object.getOwnPropertyDescriptor(body, "stream_options");
    return options === undefined || ("value" in options && options.value === undefined);
  } catch {
    return false;
  }
}

/**
 * `json` (a JSON object text, compact or indented) with `"stream_options":{"include_usage":true}`
 * as its first member; undefined when `json` is not an object text or already starts with it.
 */
export function withIncludeUsage(json: string): string | undefined {
  let i = 0;
  while (i < json.length && /\s/.test(json[i]!)) i++;
  if (json[i] !== "{") return undefined;
  let j = i + 1;
  while (j < json.length && /\s/.test(json[j]!)) j++;
  if (json.startsWith(INCLUDE_USAGE, j)) return undefined;
  const rest = json.slice(i + 1);
  return `${json.slice(0, i + 1)}${INCLUDE_USAGE}${json[j] === "}" ? "" : ","}${rest}`;
}

/**
 * The `injectStreamUsage` option: the value given, else `TRACIUM_OPENAI_INJECT_STREAM_USAGE`
 * (`true`/`1`/`yes`/`on`), else false. A value that is not a boolean is logged once and ignored.
 */
export function resolveStreamUsageOption(given: unknown, env: NodeJS.ProcessEnv = process.env): boolean {
  if (typeof given === "boolean") return given;
  const raw = env.TRACIUM_OPENAI_INJECT_STREAM_USAGE?.trim().toLowerCase();
  if (!raw || ["0", "false", "no", "off"].includes(raw)) return false;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  logger.once("warn", "openai:inject-env", `openai: TRACIUM_OPENAI_INJECT_STREAM_USAGE="${raw}" is not a boolean; stream usage is not added`);
  return false;
}

/** Body objects of traced calls in flight that get `include_usage` when serialised (count per object). */
const pending = new WeakMap<object, number>();

/** Marks `body` for injection until the returned release function is called (idempotent). */
export function markForStreamUsage(body: object): () => void {
  pending.set(body, (pending.get(body) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (pending.get(body) ?? 1) - 1;
    if (n > 0) pending.set(body, n);
    else pending.delete(body);
  };
}

function isMarked(body: unknown): boolean {
  return body !== null && typeof body === "object" && pending.has(body);
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** openai 5–7: `buildBody({ options })` → `{ bodyHeaders, body }`, `body` the JSON text. */
function tracedBuildBody(original: AnyFunction): AnyFunction {
  return function buildBody(this: unknown, ...args: unknown[]): unknown {
    const result = Reflect.apply(original, this, args);
    try {
      const options = (args[0] as { options?: { body?: unknown } } | undefined)?.options;
      if (!isMarked(options?.body)) return result;
      const r = result as { body?: unknown } | null;
      if (r === null || typeof r !== "object" || typeof r.body !== "string") return result;
      const body = withIncludeUsage(r.body);
      return body === undefined ? result : { ...r, body };
    } catch (err) {
      logger.once("warn", "openai:stream-usage", "openai: could not add stream usage to a request; it is sent as is", err);
      return result;
    }
  };
}

/** openai 4: `buildRequest(options)` → `{ req, url, timeout }`, `req.body` the JSON text and `content-length` set. */
function tracedBuildRequest(original: AnyFunction): AnyFunction {
  return function buildRequest(this: unknown, ...args: unknown[]): unknown {
    const result = Reflect.apply(original, this, args);
    try {
      if (!isMarked((args[0] as { body?: unknown } | undefined)?.body)) return result;
      const req = (result as { req?: { body?: unknown; headers?: Record<string, unknown> } } | null)?.req;
      if (!req || typeof req.body !== "string") return result;
      const body = withIncludeUsage(req.body);
      if (body === undefined) return result;
      req.body = body;
      const headers = req.headers;
      if (headers && typeof headers === "object" && typeof headers["content-length"] === "string") {
        headers["content-length"] = String(Buffer.byteLength(body, "utf8"));
      }
      return result;
    } catch (err) {
      logger.once("warn", "openai:stream-usage", "openai: could not add stream usage to a request; it is sent as is", err);
      return result;
    }
  };
}

/** The prototype furthest up `proto`'s chain that owns `method` (the SDK's base client). */
function baseOwner(proto: unknown, method: string): object | undefined {
  let found: object | undefined;
  let p = proto;
  for (let depth = 0; depth < 16 && p && p !== Object.prototype && p !== Function.prototype; depth++) {
    if (Object.prototype.hasOwnProperty.call(p, method) && typeof (p as Record<string, unknown>)[method] === "function") found = p as object;
    p = Object.getPrototypeOf(p);
  }
  return found;
}

/** Where the client's JSON text is made: `buildBody` (openai 5–7), else `buildRequest` (openai 4). */
function serializer(clientProto: unknown): { owner: object; method: "buildBody" | "buildRequest" } | undefined {
  const body = baseOwner(clientProto, "buildBody");
  if (body) return { owner: body, method: "buildBody" };
  const request = baseOwner(clientProto, "buildRequest");
  return request ? { owner: request, method: "buildRequest" } : undefined;
}

/** Hooks the serialiser of the client class whose prototype is `clientProto`. True when hooked (now or before). */
export function hookSerializer(clientProto: unknown): boolean {
  const s = serializer(clientProto);
  if (!s) return false;
  wrapMethod(s.owner, s.method, s.method === "buildBody" ? tracedBuildBody : tracedBuildRequest);
  return true;
}

/** Removes the serialiser hook. True when something was removed. */
export function unhookSerializer(clientProto: unknown): boolean {
  const s = serializer(clientProto);
  return s ? unwrapMethod(s.owner, s.method) : false;
}
