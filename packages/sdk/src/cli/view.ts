/** `tracium view [file]`: prints the traces of the local JSONL file as trees. */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { escapeJsonControlChars } from "@tracium/core";
import { TraceReader, type FileTrace } from "./traces.js";
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

function select(traces: FileTrace[], opts: ViewOptions): FileTrace[] {
  let list = traces;
  if (opts.trace) list = list.filter((t) => t.trace_id.startsWith(opts.trace as string));
  const last = opts.last ?? DEFAULT_LAST;
  if (last > 0 && list.length > last) list = list.slice(list.length - last);
  return list;
}

function printTraces(list: FileTrace[], opts: ViewOptions): void {
  if (opts.json) {
    // With --follow, one JSON object per line (what a pipe wants); otherwise one array.
    // JSON escapes C0 characters itself; DEL, C1 and bidi controls are escaped too.
    if (opts.follow) for (const t of list) opts.out(escapeJsonControlChars(JSON.stringify(t)));
    else opts.out(escapeJsonControlChars(JSON.stringify(list, null, 2)));
    return;
  }
  opts.out(list.map((t) => renderTrace(t, opts.style)).join("\n\n"));
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
  const reader = new TraceReader();
  let offset = 0;
  let partial = "";
  const readMore = (): FileTrace[] => {
    const done: FileTrace[] = [];
    let size: number;
    try {
      size = statSync(opts.file).size;
    } catch {
      return done;
    }
    if (size < offset) {
      offset = 0; // truncated or replaced: start over
      partial = "";
    }
    if (size === offset) return done;
    const fd = openSync(opts.file, "r");
    try {
      const buf = Buffer.alloc(size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const text = partial + buf.subarray(0, n).toString("utf8");
      const lines = text.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const ended = reader.addLine(line);
        if (ended) done.push(ended);
      }
    } finally {
      closeSync(fd);
    }
    return done;
  };

  if (existsSync(opts.file)) {
    if (!opts.follow) {
      // Whole-file read: a last line without a newline still counts.
      const text = readFileSync(opts.file, "utf8");
      for (const line of text.split("\n")) reader.addLine(line);
    } else {
      readMore();
    }
  }
  const all = reader.all();
  const matching = opts.trace ? all.filter((t) => t.trace_id.startsWith(opts.trace as string)) : all;
  const list = select(all, opts);
  if (opts.trace && matching.length === 0 && !opts.follow) {
    opts.err(`No trace with an id starting with "${opts.trace}" in ${opts.file} (${all.length} trace${all.length === 1 ? "" : "s"} there).`);
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
      let footer = renderFooter(list, matching.length, style);
      if (matching.length > list.length) footer += style.dim(`  (the last ${list.length}; --last N, or --last 0 for all)`);
      if (reader.badLines > 0) footer += style.yellow(`  ${reader.badLines} unreadable line${reader.badLines === 1 ? "" : "s"} skipped`);
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
          if (opts.json) opts.out(escapeJsonControlChars(JSON.stringify(t)));
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
