/** The built-in exporters (DESIGN.md, "Delivery"). */
export { ConsoleExporter, type ConsoleExporterOptions } from "./console.js";
export { formatTraceTree, type TreeNotes } from "./console-tree.js";
export { FileExporter, type FileExporterOptions } from "./file.js";
/** @internal Whole-line appends to a shared JSONL file (the local UI's collector writes through it too). */
export { AppendJob, type AppendReport } from "./jsonl-append.js";
export { MemoryExporter, type MemoryExporterOptions } from "./memory.js";
export { NoopExporter } from "./none.js";
export {
  MAX_SPANS_PER_REQUEST,
  TraciumHttpExporter,
  type TraciumHttpExporterOptions,
} from "./tracium-http.js";
export { escapeControlChars, escapeJsonControlChars } from "../../util/terminal-text.js";
