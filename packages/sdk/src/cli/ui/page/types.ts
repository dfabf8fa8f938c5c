/** The JSON API's shapes, as the page reads them: the server's own types (see `../api-types.ts`). */
export type { ListAnswer, TraceAnswer, TraceRow as Row, FileSpan as Span, FileTrace as Trace } from "../api-types.js";
