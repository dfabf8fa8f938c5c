/**
 * Text from trace data made inert for a terminal. A span name, an error message or a model id is
 * whatever the app (or a provider's response, or a file) put there; printed raw, an ESC sequence in
 * it can retitle the window, clear the screen or plant a hyperlink. Every C0 and C1 control
 * character, DEL, and the bidirectional overrides that reorder what is shown, are written as visible
 * escapes instead (`\x1b`, `\n`, `\u202e`). The console exporter, the SDK's own log lines and the
 * `tracium` command print through it.
 */

// C0, DEL, C1, and the Unicode bidi embedding/override/isolate controls.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "g");

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function visible(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control character shown as an escape; the same string when it has none. */
export function escapeControlChars(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, visible) : text;
}

/**
 * JSON text safe to print: `JSON.stringify` escapes C0 characters but leaves DEL, C1 and the bidi
 * controls raw; they are escaped here too (the JSON stays valid and parses to the same value).
 */
export function escapeJsonControlChars(json: string): string {
  return json.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
