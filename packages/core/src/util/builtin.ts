/**
 * Loads a Node built-in when it is first needed rather than at import: the transport's `node:net`
 * and `node:tls` and the OTLP exporter's `node:zlib` cost an app heap and start-up (`node:http`,
 * `node:https` and `node:zlib` measured ~0.8 MB and 5–20 ms together), and a process
 * that never sends (no API key, a short script, `--import @tracium/sdk/auto -e 0`) never needs
 * them. `process.getBuiltinModule` (Node ≥ 20.16) loads synchronously; older Node 20 falls back to
 * a dynamic `import()`.
 */
type GetBuiltin = (id: string) => unknown;

/** The module now if it can be had synchronously, else undefined. */
export function builtinNow<T>(id: string): T | undefined {
  // globalThis: an edge runtime may have no `process` at all.
  const p = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process;
  const get = p?.getBuiltinModule;
  if (typeof get !== "function") return undefined;
  try {
    return get.call(p, id) as T;
  } catch {
    return undefined;
  }
}

/** The module, loaded on first use (synchronously when the runtime can). */
export async function loadBuiltin<T>(id: string): Promise<T> {
  // Bundlers are told to leave this import alone: it is for Node.js 20 before 20.16 only.
  return builtinNow<T>(id) ?? ((await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ /* @vite-ignore */ id)) as T);
}
