import { Buffer } from "node:buffer";

const WIDE = /[^\u0000-\u00ff]/;

/**
 * `text` as a string of its own. A string cut out of a longer one (`slice`, or text joined to such
 * a cut) keeps the whole original alive in the engine: a value cut from a 10 MB document to the
 * recording limit would hold the 10 MB for as long as its record lives (a queue while the API is
 * down, an exporter that keeps records), while counted at its cut size. A copy through bytes is
 * O(length), used only on text already cut to its bound; one byte per char when every char fits.
 */
export function ownText(text: string): string {
  try {
    const encoding = WIDE.test(text) ? "utf16le" : "latin1";
    return Buffer.from(text, encoding).toString(encoding);
  } catch {
    return text; // a runtime without Buffer: the cut as it is
  }
}
