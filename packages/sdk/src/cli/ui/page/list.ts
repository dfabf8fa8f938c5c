/** The trace list: filters, search, sort, and the rows (newest first), kept live by the server's events. */
import { h, fill } from "./dom.js";
import { count, ms, time, usd } from "./format.js";
import type { ListAnswer, Row } from "./types.js";

export interface ListState {
  agent: string;
  status: string;
  tag: string;
  model: string;
  q: string;
  /** Seconds back from now ("" for any time). */
  within: string;
  /** First and last day of a start-date range (`YYYY-MM-DD`, local time; "" for open). */
  from: string;
  to: string;
  sort: string;
  order: string;
  limit: number;
}

export const initialList = (): ListState => ({ agent: "", status: "", tag: "", model: "", q: "", within: "", from: "", to: "", sort: "time", order: "desc", limit: 200 });

export function listQuery(s: ListState): string {
  const p = new URLSearchParams();
  for (const k of ["agent", "status", "tag", "model", "q", "within", "sort", "order"] as const) if (s[k]) p.set(k, s[k]);
  // Days are the user's local days: sent as the epoch ms of their first moment (`to` excluded).
  const day = (d: string, next: boolean): number => {
    const [y, m, dd] = d.split("-").map(Number);
    return new Date(y!, m! - 1, dd! + (next ? 1 : 0)).getTime();
  };
  if (/^\d{4}-\d{2}-\d{2}$/.test(s.from)) p.set("from", String(day(s.from, false)));
  if (/^\d{4}-\d{2}-\d{2}$/.test(s.to)) p.set("to", String(day(s.to, true)));
  p.set("limit", String(s.limit));
  return p.toString();
}

/** A facet filter: made once, its options set by {@link setOptions} with each answer. */
function select(name: string, onChange: (v: string) => void): HTMLSelectElement {
  return h("select", { testid: `filter-${name}`, onchange: (e) => onChange((e.target as HTMLSelectElement).value) });
}

/**
 * Gives `el` the options "all" + `options` and the value `value`. The options are replaced only
 * when they changed, so a live update leaves a select the user is in (focused, or open) alone.
 */
function setOptions(el: HTMLSelectElement, name: string, options: string[], value: string): void {
  const values = ["", ...options];
  const same = el.options.length === values.length && values.every((v, i) => el.options[i]!.value === v);
  if (!same) fill(el, ...values.map((v) => h("option", { value: v }, v || `all ${name}s`)));
  if (el.value !== value) el.value = value;
}

function row(r: Row, picked: Set<string>, onPick: () => void): HTMLElement {
  const check = h("input", {
    type: "checkbox",
    checked: picked.has(r.trace_id),
    title: "pick two to compare",
    onclick: (e) => e.stopPropagation(),
    onchange: (e) => {
      if ((e.target as HTMLInputElement).checked) picked.add(r.trace_id);
      else picked.delete(r.trace_id);
      onPick();
    },
  });
  const tr = h(
    "tr",
    { class: `status-${r.status.replace(/[^a-z_]/g, "")}`, testid: "trace-row", onclick: () => (location.hash = `#/trace/${encodeURIComponent(r.trace_id)}`) },
    h("td", null, check),
    h("td", { testid: "col-agent" }, h("a", { href: `#/trace/${encodeURIComponent(r.trace_id)}` }, r.agent_name)),
    h("td", { testid: "col-status" }, h("span", { class: `status ${r.status === "failed" ? "failed" : ""}` }, r.status)),
    h("td", null, time(r.started_at)),
    h("td", { class: "num" }, ms(r.duration_ms)),
    h("td", { class: "num", testid: "col-llm" }, count(r.llm_calls)),
    h("td", { class: "num", testid: "col-tokens" }, count(r.total_tokens)),
    h("td", { class: "num" }, usd(r.cost_usd)),
    h("td", { testid: "col-models" }, r.models.join(", ")),
    h("td", { testid: "col-tags" }, r.tags.join(", ")),
  );
  tr.dataset.traceId = r.trace_id;
  return tr;
}

/** The list page; `state` is kept by the caller across visits. */
export function listPage(state: ListState, picked: Set<string>): { el: HTMLElement; update(answer: ListAnswer): void; changed: () => void } {
  const head = h("div", { class: "filters" });
  const body = h("tbody");
  const info = h("div", { class: "muted", testid: "list-info" });
  const more = h("div");
  const compare = h("div", { class: "compare-bar" });
  let onChanged = (): void => undefined;
  const set = <K extends keyof ListState>(k: K, v: ListState[K]): void => {
    state[k] = v;
    if (k !== "limit") state.limit = 200;
    onChanged();
  };
  const search = h("input", { type: "search", placeholder: "search names, inputs, outputs…", value: state.q, testid: "search" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => set("q", search.value.trim()), 250);
  });
  const sort = h("select", { testid: "sort", onchange: (e) => set("sort", (e.target as HTMLSelectElement).value) }, ["time", "duration", "tokens", "cost"].map((s) => h("option", { value: s }, `by ${s}`)));
  sort.value = state.sort;
  const within = h(
    "select",
    { testid: "filter-within", onchange: (e) => set("within", (e.target as HTMLSelectElement).value) },
    [["", "any time"], ["3600", "last hour"], ["86400", "last day"], ["604800", "last week"]].map(([v, label]) => h("option", { value: v! }, label!)),
  );
  within.value = state.within;
  const date = (k: "from" | "to", label: string): HTMLElement => {
    const input = h("input", { type: "date", value: state[k], title: label, testid: `filter-${k}`, onchange: (e) => set(k, (e.target as HTMLInputElement).value) });
    return h("label", { class: "date" }, `${k} `, input);
  };
  const range = [date("from", "first day (started on or after)"), date("to", "last day (started on or before)")];
  const order = h("button", { testid: "order", onclick: () => set("order", state.order === "desc" ? "asc" : "desc") }, state.order === "desc" ? "↓" : "↑");
  const renderCompare = (): void => {
    const ids = [...picked];
    fill(
      compare,
      ids.length === 2
        ? h("a", { href: `#/compare/${encodeURIComponent(ids[0]!)}/${encodeURIComponent(ids[1]!)}`, class: "button", testid: "compare" }, "Compare the two picked traces")
        : h("span", { class: "muted" }, ids.length > 2 ? "pick exactly two traces to compare" : "tick two traces to compare them"),
    );
  };
  renderCompare();
  const table = h(
    "table",
    { class: "traces", testid: "trace-list" },
    h("thead", null, h("tr", null, ["", "agent", "status", "start", "duration", "llm calls", "tokens", "cost", "models", "tags"].map((c) => h("th", null, c)))),
    body,
  );
  const el = h("div", { class: "list-page" }, head, compare, info, table, more);
  // The controls are placed once, at the first answer, and only updated after: a live update must
  // not take the focus, or what is being typed, from any of them.
  const facets = {
    agent: select("agent", (v) => set("agent", v)),
    status: select("status", (v) => set("status", v)),
    model: select("model", (v) => set("model", v)),
    tag: select("tag", (v) => set("tag", v)),
  };
  return {
    el,
    changed: () => undefined,
    update(answer: ListAnswer): void {
      onChanged = this.changed;
      setOptions(facets.agent, "agent", answer.facets.agents, state.agent);
      setOptions(facets.status, "status", answer.facets.statuses, state.status);
      setOptions(facets.model, "model", answer.facets.models, state.model);
      setOptions(facets.tag, "tag", answer.facets.tags, state.tag);
      if (!head.hasChildNodes()) fill(head, facets.agent, facets.status, facets.model, facets.tag, within, range, search, sort, order);
      order.textContent = state.order === "desc" ? "↓" : "↑";
      fill(body, answer.rows.map((r) => row(r, picked, renderCompare)));
      fill(info, `${answer.matching} of ${answer.total} traces · ${answer.file}`);
      fill(
        more,
        answer.matching > answer.rows.length ? h("button", { testid: "more", onclick: () => set("limit", state.limit + 200) }, `show more (${answer.matching - answer.rows.length} left)`) : null,
      );
    },
  };
}
