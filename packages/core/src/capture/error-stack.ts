/**
 * An error's stack, read without changing it. V8 writes an error's `stack` text the first time it
 * is read, with the message it has then, through `Error.prepareStackTrace` (user code, when an app
 * or a library installs one), and keeps that text. Reading it while the error is still on its way
 * to the caller would fix it too early: the common `err.message = "loading user 42: " +
 * err.message; throw err` would then show the old message in `err.stack`.
 *
 * So the stack is read through a `prepareStackTrace` of our own that takes the call sites and
 * throws: V8 then keeps nothing, and the error writes its text later as it would have. The text
 * recorded is "name: message" and those call sites, formatted by V8's own `CallSite` (no source
 * maps). A stack that was written already (someone read it first) is read as it is.
 */

type PrepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => unknown;

interface ErrorConstructorWithHook {
  prepareStackTrace?: PrepareStackTrace;
}

/** Thrown by the probe, and caught right away: it never reaches anyone else. */
const PROBE: unique symbol = Symbol("tracium stack probe");

/**
 * The call sites of `err` without writing its `stack`, or undefined when its stack is written
 * already or the hook cannot be set (a frozen `Error`). `read` reads `err.stack` (the caller's
 * way of reading it as plain data).
 */
function callSites(read: () => unknown): NodeJS.CallSite[] | undefined {
  const E = Error as unknown as ErrorConstructorWithHook;
  const previous = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
  if (previous && !("value" in previous && previous.writable) && !previous.configurable) return undefined;
  let sites: NodeJS.CallSite[] | undefined;
  const probe: PrepareStackTrace = (_error, s) => {
    sites = s;
    throw PROBE;
  };
  try {
    Object.defineProperty(Error, "prepareStackTrace", { value: probe, writable: true, configurable: true, enumerable: false });
  } catch {
    return undefined;
  }
  try {
    read();
  } catch (err) {
    if (err !== PROBE) sites = undefined;
  } finally {
    try {
      if (previous) Object.defineProperty(Error, "prepareStackTrace", previous);
      else delete E.prepareStackTrace;
    } catch {
      // what was there is back, or was never there
    }
  }
  return sites;
}

/**
 * The stack of an error: written from its call sites when it has not been written yet (leaving the
 * error's own to be written later, as without tracing), else the text it has. `read` returns the
 * `stack` property as plain data; `header` is the first line ("TypeError: message").
 */
export function stackWithoutWriting(read: () => unknown, header: string): string | undefined {
  const sites = callSites(read);
  if (sites) {
    let text = header;
    for (const site of sites) text += `\n    at ${String(site)}`;
    return text;
  }
  const written = read();
  return typeof written === "string" ? written : undefined;
}
