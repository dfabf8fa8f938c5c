/**
 * Live updates: one `EventSource` on `/api/events` for the page's lifetime. The server pushes its
 * version when traces change; the view on screen then fetches what it shows (its `tick`). When the
 * stream cannot be had (the server refuses more pages), the view is refreshed every few seconds.
 */

type Tick = () => Promise<void>;

const RETRY_MS = 1000;

let current: { tick: Tick; running: boolean; again: boolean } | undefined;
let source: EventSource | undefined;
let fallback: ReturnType<typeof setInterval> | undefined;

/** Runs the current view's tick, never two at once (a change during a run runs it again after). */
function run(): void {
  const view = current;
  if (!view) return;
  if (view.running) {
    view.again = true;
    return;
  }
  view.running = true;
  view.again = false;
  view
    .tick()
    .catch(() => {
      // A failed fetch would leave the view stale until the next change: try again shortly.
      view.again = true;
      return new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    })
    .finally(() => {
      view.running = false;
      if (view.again && view === current) run();
    });
}

/** Fetches the current view again now (a filter changed), after any fetch already running. */
export function refresh(): void {
  run();
}

function connect(): void {
  if (source || typeof EventSource === "undefined") {
    fallback ??= setInterval(run, 3000);
    return;
  }
  source = new EventSource("/api/events");
  source.onmessage = () => run();
  // A reconnect after a server restart: what changed meanwhile is fetched by the first event.
  source.onerror = () => {
    if (source?.readyState === EventSource.CLOSED) {
      source = undefined;
      fallback ??= setInterval(run, 3000);
    }
  };
}

/** Shows a view kept live by `tick` (run now and on every change) until the returned function is called. */
export function live(tick: Tick): () => void {
  const view = { tick, running: false, again: false };
  current = view;
  connect();
  run();
  return () => {
    if (current === view) current = undefined;
  };
}
