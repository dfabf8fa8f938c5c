/**
 * `tracium view [file]`: prints the traces of the local JSONL file as trees. The file is read as a
 * stream, in chunks, keeping only the traces that will be shown (the last N, or those matching
 * --trace): memory follows what is shown, not the size of the file.
 */
import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from "node:fs";
import { escapeJsonControlChars } from "@tracium/core";
import { LineSplitter } from "./lines.js";
import { TOO_DEEP_NOTE, TraceReader, withoutDeepValues, type FileTrace } from "./traces.js";
import { plain, renderFooter, renderTrace, type Style } from "./render.js";

export interface ViewOptions {
  file: string;
  json: boolean;
  /** Show at most this many (the most recent). Undefined: the default of 20; 0: all. */
  last: number | undefined;
  /** Only the trace whose id starts with this. */
  trace: string | undefined;
  follow: boolean;
  style: Style;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Poll interval for --follow (ms). */
  pollMs?: number;
  /** For tests: stop following when this resolves. */
  stop?: Promise<void>;
}

export const DEFAULT_LAST = 20;
/** With --follow, traces kept at least, so a long one that ends late still has its spans. */
const FOLLOW_KEEP = 1000;
/** Bytes read at a time. */
const CHUNK_BYTES = 1024 * 1024;

function select(traces: FileTrace[], opts: ViewOptions): FileTrace[] {
  let list = traces;
  if (opts.trace) list = list.filter((t) => t.trace_id.startsWith(opts.trace as string));
  const last = opts.last ?? DEFAULT_LAST;
  if (last > 0 && list.length > last) list = list.slice(list.length - last);
  return list;
}

/**
 * A trace as JSON text. JSON escapes C0 characters itself; DEL, C1 and bidi controls are escaped
 * too. A value nested too deeply to stringify (a hand-made file) is replaced, never fatal.
 */
function traceJson(trace: FileTrace, indent?: number): string {
  let json: string;
  try {
    json = JSON.stringify(trace, null, indent);
  } catch {
    try {
      json = JSON.stringify(withoutDeepValues(trace), null, indent);
    } catch {
      json = JSON.stringify({ trace_id: trace.trace_id, error: TOO_DEEP_NOTE });
    }
  }
  return escapeJsonControlChars(json);
}

/** Prints traces one at a time: no single string holds them all. */
function printTraces(list: FileTrace[], opts: ViewOptions): void {
  if (opts.json) {
    // With --follow, one JSON object per line (what a pipe wants); otherwise one array.
    if (opts.follow) {
      for (const t of list) opts.out(traceJson(t));
      return;
    }
    opts.out("[");
    list.forEach((t, i) => opts.out(`  ${traceJson(t, 2).replace(/\n/g, "\n  ")}${i < list.length - 1 ? "," : ""}`));
    opts.out("]");
    return;
  }
  list.forEach((t, i) => {
    if (i > 0) opts.out("");
    opts.out(renderTrace(t, opts.style));
  });
}

/** Runs the view; returns the exit code. */
export async function view(opts: ViewOptions): Promise<number> {
  const style = opts.json ? plain : opts.style;
  const o = { ...opts, style };
  if (!existsSync(opts.file)) {
    if (!opts.follow) {
      opts.err(
        `No trace file at ${opts.file}.\n` +
          "Traces are written there when no TRACIUM_API_KEY is set (or with TRACIUM_EXPORTER=file); " +
          "run your app first, or pass the file: tracium view path/to/traces.jsonl",
      );
      return 1;
    }
  }
  const last = opts.last ?? DEFAULT_LAST;
  const prefix = opts.trace;
  const reader = new TraceReader({
    keep: last === 0 ? 0 : opts.follow ? Math.max(last, FOLLOW_KEEP) : last,
    ...(prefix ? { match: (id: string) => id.startsWith(prefix) } : {}),
  });
  let splitter = new LineSplitter();
  let offset = 0;
  let identity: string | undefined;
  /** Reads what was appended since the last call (follow mode); returns the traces that ended. */
  const readMore = (): FileTrace[] => {
    const done: FileTrace[] = [];
    let size: number;
    let now: string;
    try {
      const st = statSync(opts.file);
      size = st.size;
      now = `${st.dev}:${st.ino}`;
    } catch {
      return done;
    }
    // Truncated, or another file renamed over it (even a bigger one): start over.
    if (size < offset || (identity !== undefined && now !== identity)) {
      offset = 0;
      splitter = new LineSplitter();
    }
    identity = now;
    if (size === offset) return done;
    const fd = openSync(opts.file, "r");
    try {
      while (offset < size) {
        // A fresh buffer each time: the splitter holds on to the piece of a line not yet complete.
        const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - offset));
        const n = readSync(fd, buf, 0, buf.length, offset);
        if (n <= 0) break;
        offset += n;
        splitter.push(buf.subarray(0, n), (line) => {
          const ended = reader.addLine(line);
          if (ended) done.push(ended);
        });
      }
    } finally {
      closeSync(fd);
    }
    return done;
  };

  if (existsSync(opts.file)) {
    if (!opts.follow) {
      // A last line without a newline still counts.
      const addLine = (line: string): void => void reader.addLine(line);
      try {
        for await (const chunk of createReadStream(opts.file, { highWaterMark: CHUNK_BYTES })) splitter.push(chunk as Buffer, addLine);
      } catch (err) {
        opts.err(`could not read ${opts.file}: ${(err as Error).message}`);
        return 1;
      }
      splitter.end(addLine);
    } else {
      try {
        readMore();
      } catch (err) {
        opts.err(`could not read ${opts.file}: ${(err as Error).message}`);
        return 1;
      }
    }
  }
  const matching = reader.matching;
  const list = select(reader.all(), opts);
  if (opts.trace && matching === 0 && !opts.follow) {
    const all = reader.total;
    opts.err(`No trace with an id starting with "${opts.trace}" in ${opts.file} (${all} trace${all === 1 ? "" : "s"} there).`);
    return 1;
  }
  if (list.length === 0 && !opts.follow) {
    if (opts.json) opts.out("[]");
    else opts.out(`No traces in ${opts.file} yet.`);
    return 0;
  }
  if (list.length > 0) {
    printTraces(list, o);
    if (!opts.json) {
      opts.out("");
      let footer = renderFooter(list, matching, style);
      if (matching > list.length) footer += style.dim(`  (the last ${list.length}; --last N, or --last 0 for all)`);
      const bad = reader.badLines + splitter.overlongLines;
      if (bad > 0) footer += style.yellow(`  ${bad} unreadable line${bad === 1 ? "" : "s"} skipped`);
      opts.out(footer);
    }
  }
  if (!opts.follow) return 0;

  if (!opts.json) opts.out(style.dim(`following ${opts.file} (Ctrl-C to stop)…`));
  const pollMs = opts.pollMs ?? 300;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      try {
        for (const t of readMore()) {
          if (opts.trace && !t.trace_id.startsWith(opts.trace)) continue;
          if (opts.json) opts.out(traceJson(t));
          else opts.out(`\n${renderTrace(t, style)}`);
        }
      } catch (err) {
        opts.err(`could not read ${opts.file}: ${(err as Error).message}`);
      }
    }, pollMs);
    opts.stop?.then(() => {
      clearInterval(timer);
      resolve();
    });
  });
  return 0;
}
