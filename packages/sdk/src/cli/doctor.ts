/**
 * `tracium doctor`: checks the configuration the way the SDK would read it from the environment
 * and says plainly what is wrong: API key, endpoint reachability, exporter, trace file, Node
 * version, zero-code setup, and which provider SDKs are installed and can be patched.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { DEFAULT_BASE_URL, escapeControlChars, logger, patchProviderModule, registeredPlugins, resolveConfig, testedRangeOf, versionInRange, type ResolvedConfig, type TraciumPlugin } from "@tracium/core";
import { esmHooksRunInThread } from "../auto/sync-hooks.js";
import { currentNodeFeatures, nodeFindings } from "./node-support.js";
import { plain, type Style } from "./render.js";

export interface DoctorOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Endpoint check timeout, ms. */
  timeoutMs: number;
  /** Load each installed provider SDK in this process and patch it, to prove the plugin takes it. */
  loadProviders: boolean;
  style: Style;
  out: (text: string) => void;
  fetch?: typeof fetch;
}

type Level = "ok" | "info" | "warn" | "fail";

interface Finding {
  level: Level;
  what: string;
  detail: string;
}

function mark(level: Level, style: Style): string {
  switch (level) {
    case "ok":
      return style.green("✓");
    case "info":
      return style.cyan("·");
    case "warn":
      return style.yellow("!");
    case "fail":
      return style.red("✗");
  }
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

async function probe(url: string, apiKey: string | undefined, timeoutMs: number, fetchImpl: typeof fetch): Promise<{ status?: number; error?: string }> {
  const headers: Record<string, string> = { "User-Agent": "tracium-js doctor" };
  if (apiKey) headers["X-API-Key"] = apiKey;
  try {
    const res = await fetchImpl(url, { method: "GET", headers, signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    try {
      await res.body?.cancel();
    } catch {
      // the body does not matter
    }
    return { status: res.status };
  } catch (err) {
    const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e?.name === "TimeoutError" || e?.name === "AbortError") return { error: `no answer within ${timeoutMs} ms` };
    return { error: e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err) };
  }
}

function packageOf(name: string): string {
  const parts = name.split("/");
  return parts.slice(0, name.startsWith("@") ? 2 : 1).join("/");
}

/** The installed package (resolved from `cwd`, not loaded): its version and directory. */
function packageInfo(pkg: string, cwd: string, entryName: string): { version: string | undefined; dir: string } | undefined {
  let entry: string | undefined;
  const req = createRequire(join(cwd, "noop.js"));
  for (const spec of [pkg, entryName]) {
    try {
      entry = req.resolve(spec);
      break;
    } catch {
      // try the next
    }
  }
  if (!entry) return undefined;
  // Walk up to the package's own package.json (openai 7 does not export ./package.json).
  let dir = dirname(entry);
  for (let i = 0; i < 8; i++) {
    const pj = join(dir, "package.json");
    if (existsSync(pj)) {
      try {
        const json = JSON.parse(readFileSync(pj, "utf8")) as { name?: string; version?: string };
        if (json.name === pkg) return { version: json.version, dir };
      } catch {
        // keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return { version: undefined, dir: dirname(entry) };
}

/** Why an existing trace file cannot be appended to (a directory, no write permission), if so. */
function traceFileProblem(file: string): string | undefined {
  try {
    if (!existsSync(file)) return undefined;
    if (!statSync(file).isFile()) return "it is not a file";
    accessSync(file, constants.W_OK);
    return undefined;
  } catch {
    return "it is not writable";
  }
}

function writableDir(file: string): { ok: boolean; dir: string } {
  let dir = dirname(resolve(file));
  for (let i = 0; i < 64; i++) {
    if (existsSync(dir)) {
      try {
        accessSync(dir, constants.W_OK);
        return { ok: true, dir };
      } catch {
        return { ok: false, dir };
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return { ok: false, dir };
}

function countTraces(file: string): number | undefined {
  try {
    let n = 0;
    for (const line of readFileSync(file, "utf8").split("\n")) if (line.includes('"type":"trace_end"')) n++;
    return n;
  } catch {
    return undefined;
  }
}

function exporterNames(config: ResolvedConfig): string[] {
  return config.exporters.map((e) => (typeof e === "string" ? e : `${e.name ?? "custom"} (custom)`));
}

/** Runs every check and prints the report; returns the exit code (1 when something is wrong). */
export async function doctor(opts: DoctorOptions): Promise<number> {
  const { style, env, cwd } = opts;
  const findings: Finding[] = [];
  // A finding echoes the environment, files on disk (a package.json), a server's error or a module's
  // load error: its control characters are shown as escapes, never sent to the terminal.
  const add = (level: Level, what: string, detail: string) => findings.push({ level, what: escapeControlChars(what), detail: escapeControlChars(detail) });

  // Node
  for (const f of nodeFindings(process.versions.node, { ...currentNodeFeatures(), esmHooksInThread: esmHooksRunInThread(import.meta.url) })) add(f.level, "Node.js", f.detail);

  // Configuration, read exactly as init() reads it; its warnings are findings too.
  const configWarnings: string[] = [];
  const previousLevel = logger.getLevel();
  logger.setSink((_level, line) => configWarnings.push(line.replace(/^\[tracium\] \w+: /, "")));
  let config: ResolvedConfig;
  try {
    config = resolveConfig(undefined, env);
  } finally {
    logger.setSink(undefined);
    logger.setLevel(previousLevel);
  }
  for (const w of configWarnings) add("fail", "configuration", w);

  if (!config.enabled) add("warn", "tracing", "TRACIUM_ENABLED is off: nothing is recorded");
  else add("ok", "tracing", "enabled" + (config.sampleRate < 1 ? ` (sample rate ${config.sampleRate})` : ""));
  if (!config.captureContent) add("info", "content", "TRACIUM_CAPTURE_CONTENT is off: prompts and outputs are not recorded");

  const names = exporterNames(config);
  add("ok", "exporter", `${names.join(", ")}${config.exporterDefaulted ? (config.apiKey ? " (default: an API key is set)" : " (default: no API key is set)") : " (TRACIUM_EXPORTER)"}`);

  // API key and endpoint
  const usesApi = names.includes("tracium");
  if (config.apiKey) {
    add("ok", "API key", `TRACIUM_API_KEY is set (${config.apiKey.length} characters, not shown)`);
  } else if (usesApi) {
    add("fail", "API key", "the tracium exporter is selected but TRACIUM_API_KEY is not set: nothing can be sent. Set TRACIUM_API_KEY, or use TRACIUM_EXPORTER=file");
  } else {
    add("info", "API key", "not set: traces stay on this machine (set TRACIUM_API_KEY to send them to Tracium)");
  }
  if (usesApi && config.apiKey) {
    let url: URL | undefined;
    try {
      url = new URL(config.baseUrl);
    } catch {
      add("fail", "endpoint", `TRACIUM_BASE_URL is not a valid URL: ${config.baseUrl}`);
    }
    if (url) {
      const base = config.baseUrl === DEFAULT_BASE_URL ? `${config.baseUrl} (default)` : config.baseUrl;
      if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && !config.allowInsecureHttp) {
        add("fail", "endpoint", `${base} is plain http:// to a non-loopback host, which the SDK refuses; use https:// (or set TRACIUM_ALLOW_INSECURE_HTTP=true)`);
      } else {
        const r = await probe(`${config.baseUrl}/agents/traces`, config.apiKey, opts.timeoutMs, opts.fetch ?? fetch);
        if (r.error) add("fail", "endpoint", `${base} is not reachable: ${r.error}`);
        else if (r.status === 401 || r.status === 403) add("fail", "endpoint", `${base} answered HTTP ${r.status}: the API key was rejected`);
        else add("ok", "endpoint", `${base} is reachable (HTTP ${r.status})`);
      }
    }
  }

  // Trace file
  if (names.includes("file")) {
    const file = resolve(cwd, config.filePath);
    const w = writableDir(file);
    const problem = w.ok ? traceFileProblem(file) : `${w.dir} is not writable`;
    if (problem) add("fail", "trace file", `${config.filePath}: ${problem}`);
    else if (existsSync(file)) {
      const n = countTraces(file);
      const size = statSync(file).size;
      add("ok", "trace file", `${config.filePath} (${n ?? "?"} trace${n === 1 ? "" : "s"}, ${Math.ceil(size / 1024)} KB; see them with: npx @tracium/sdk view)`);
    } else add("ok", "trace file", `${config.filePath} (not written yet)`);
  }

  // Zero code
  const nodeOptions = env.NODE_OPTIONS ?? "";
  const autoInOptions = /@tracium\/sdk\/auto/.test(nodeOptions);
  let autoResolvable = true;
  try {
    createRequire(join(cwd, "noop.js")).resolve("@tracium/sdk/auto");
  } catch {
    autoResolvable = false;
  }
  if (!autoResolvable) {
    add(autoInOptions ? "fail" : "warn", "zero code", "@tracium/sdk/auto cannot be resolved from this directory: install @tracium/sdk in this project (npm install @tracium/sdk)");
  } else if (autoInOptions) {
    add("ok", "zero code", "NODE_OPTIONS loads @tracium/sdk/auto: apps started from this shell are traced");
  } else {
    add("info", "zero code", "to trace an app with no code change: node --import @tracium/sdk/auto app.js (CommonJS: node -r @tracium/sdk/auto app.cjs)");
  }

  // Providers: one line per package a plugin watches (a plugin may watch several subpaths of one package).
  const plugins = registeredPlugins();
  let installed = 0;
  for (const plugin of plugins) {
    const byPackage = new Map<string, string[]>();
    for (const name of plugin.modules) {
      const pkg = packageOf(name);
      byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), name]);
    }
    for (const [pkg, modules] of byPackage) {
      const info = packageInfo(pkg, cwd, modules[0] ?? pkg);
      if (!info) {
        add("info", pkg, `not installed here (plugin "${plugin.name}" is ready if you add it)`);
        continue;
      }
      installed++;
      const range = testedRangeOf(plugin, pkg);
      const inRange = info.version && range ? versionInRange(info.version, range) : undefined;
      const name = `${pkg}${info.version ? ` ${info.version}` : " (version unknown)"}`;
      const where = range ? (inRange === undefined ? ` (tested range ${range})` : inRange ? ` (inside the tested range ${range})` : ` (outside the tested range ${range})`) : "";
      if (!opts.loadProviders) {
        add(inRange === false ? "warn" : "ok", pkg, `${name} installed; plugin "${plugin.name}"; patch not checked (--no-load)${where}`);
        continue;
      }
      add(...checkPatch(plugin, pkg, modules, { version: info.version, name, where, inRange }, cwd));
    }
  }
  if (plugins.length === 0) add("fail", "providers", "no plugin is registered (is @tracium/sdk installed correctly?)");
  else if (installed === 0) add("warn", "providers", `none of ${[...new Set(plugins.flatMap((p) => p.modules.map(packageOf)))].join(", ")} is installed here: LLM calls are only traced through spans you create`);

  // Report
  const width = Math.max(...findings.map((f) => f.what.length));
  opts.out(style.bold("Tracium doctor"));
  for (const f of findings) opts.out(`${mark(f.level, style)} ${f.what.padEnd(width)}  ${f.detail}`);
  const problems = findings.filter((f) => f.level === "fail");
  const warnings = findings.filter((f) => f.level === "warn");
  opts.out("");
  if (problems.length === 0) {
    opts.out(style.green(`No problems found${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? "" : "s"})` : ""}.`));
    return 0;
  }
  opts.out(style.red(`${problems.length} problem${problems.length === 1 ? "" : "s"}:`));
  for (const p of problems) opts.out(`  - ${p.what}: ${p.detail}`);
  return 1;
}

/**
 * Loads the modules the app would load (from `cwd`) and patches them the way zero code does (by
 * shape, core `patchProviderModule`), reporting whether the patch took. The log lines that verdict
 * would print are left out: the report says the same.
 */
function checkPatch(
  plugin: TraciumPlugin,
  pkg: string,
  modules: readonly string[],
  found: { version: string | undefined; name: string; where: string; inRange: boolean | undefined },
  cwd: string,
): [Level, string, string] {
  const req = createRequire(join(cwd, "noop.js"));
  const { version, name, where, inRange } = found;
  const previousLevel = logger.getLevel();
  logger.setSink(() => undefined);
  try {
    let patched = 0;
    for (const module of modules) {
      let mod: unknown;
      try {
        mod = req(module);
      } catch (err) {
        return ["fail", pkg, `${name} is installed but ${module} fails to load: ${(err as Error).message}${where}`];
      }
      const verdict = patchProviderModule(plugin, mod, module, version);
      if (!verdict.patched) return ["fail", pkg, `${name} is not traced: ${verdict.reason ?? "not recognised"}${where}`];
      patched++;
    }
    if (patched === 0) return ["fail", pkg, `${name}: plugin "${plugin.name}" found nothing to patch${where}`];
    return [inRange === false ? "warn" : "ok", pkg, `${name} installed; plugin "${plugin.name}" patches it${where}${inRange === false ? ": its shape matches" : ""}`];
  } finally {
    logger.setSink(undefined);
    logger.setLevel(previousLevel);
  }
}
