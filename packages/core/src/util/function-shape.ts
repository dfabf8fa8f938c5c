/**
 * A wrapper that stands in for a user's function keeps its `name` and `length`: frameworks
 * dispatch on them (Express takes a four-argument middleware for an error handler), and stack
 * traces and logs show the name. Both are read as plain data (a getter is not called).
 */
import { dataField } from "./plain-data.js";

/** Gives `wrapper` the `name` and `length` of `original`; returns `wrapper`. */
export function keepFunctionShape<W extends (...args: never[]) => unknown>(wrapper: W, original: unknown, fallbackName?: string): W {
  try {
    const name = dataField(original, "name");
    const length = dataField(original, "length");
    const shownName = typeof name === "string" && name ? name : fallbackName;
    if (shownName !== undefined) Object.defineProperty(wrapper, "name", { value: shownName, configurable: true });
    if (typeof length === "number" && Number.isInteger(length) && length >= 0) Object.defineProperty(wrapper, "length", { value: length, configurable: true });
  } catch {
    // cosmetic for the wrapper; the call itself is unaffected
  }
  return wrapper;
}
