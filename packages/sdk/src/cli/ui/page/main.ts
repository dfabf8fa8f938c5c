/**
 * The `tracium ui` page: a hash-routed single page (`#/`, `#/trace/ID`, `#/compare/A/B`) over the
 * server's JSON API, kept live by the events the server pushes. Plain DOM and no framework: the
 * page is a list, a waterfall and a panel, which a few hundred lines of DOM code draw; a framework
 * would add a dependency, a build step of its own and most of the bundle's size, and nothing here
 * needs its diffing.
 */
import { comparePage } from "./compare.js";
import { h, fill } from "./dom.js";
import { initialList, listPage, listQuery } from "./list.js";
import { live, refresh } from "./live.js";
import { tracePage } from "./trace-page.js";
import type { ListAnswer, TraceAnswer } from "./types.js";

const app = document.getElementById("app")!;
const listState = initialList();
const picked = new Set<string>();
let stopLive: (() => void) | undefined;

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  return (await res.json()) as T;
}

function showList(): void {
  const page = listPage(listState, picked);
  let version = -1;
  let query = "";
  // Through the live loop: one fetch at a time, so an answer never races one for another query.
  page.changed = () => {
    version = -1;
    refresh();
  };
  const tick = async (): Promise<void> => {
    const q = listQuery(listState);
    if (q !== query) version = -1;
    query = q;
    const answer = await getJson<ListAnswer>(`/api/traces?${q}&since=${version}`);
    if (answer.unchanged || q !== listQuery(listState)) return;
    version = answer.version;
    page.update(answer);
  };
  fill(app, header(), page.el);
  stopLive = live(tick);
}

function showTrace(id: string): void {
  fill(app, header(), h("div", { class: "muted" }, "loading…"));
  let version = -1;
  let selected: string | undefined;
  stopLive = live(async () => {
    const answer = await getJson<TraceAnswer>(`/api/traces/${encodeURIComponent(id)}?since=${version}`);
    // Redrawn only when the trace changed (a live trace gains spans), keeping the selected span.
    if (answer.unchanged) return;
    version = answer.version;
    selected = (app.querySelector(".wf-row.selected") as HTMLElement | null)?.dataset.spanId ?? selected;
    fill(app, header(), tracePage(answer.trace, selected));
  });
}

function showCompare(a: string, b: string): void {
  fill(app, header(), h("div", { class: "muted" }, "loading…"));
  void Promise.all([getJson<TraceAnswer>(`/api/traces/${encodeURIComponent(a)}`), getJson<TraceAnswer>(`/api/traces/${encodeURIComponent(b)}`)]).then(
    ([x, y]) => fill(app, header(), comparePage(x.trace, y.trace)),
    (e: unknown) => fill(app, header(), h("div", { class: "error" }, String(e))),
  );
}

function header(): HTMLElement {
  return h("header", null, h("a", { href: "#/", class: "brand" }, "Tracium"), h("span", { class: "muted" }, " local traces"));
}

function route(): void {
  stopLive?.();
  stopLive = undefined;
  const parts = location.hash.replace(/^#\/?/, "").split("/").map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts[0] === "trace" && parts[1]) showTrace(parts[1]);
  else if (parts[0] === "compare" && parts[1] && parts[2]) showCompare(parts[1], parts[2]);
  else showList();
}

window.addEventListener("hashchange", route);
route();
