/**
 * nock set-up for a test file (reference/ecosystem.md §5): real network off except loopback (for
 * the scripted servers), every interceptor must be used by the end of each test.
 * Import this module BEFORE creating SDK clients: they capture `fetch` when constructed.
 */
import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

export { nock };

/** Registers the beforeAll/afterEach/afterAll hooks. */
export function useNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, "unused nock interceptors").toEqual([]);
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });
}

/** The request bodies nock answered, for the contract kit's "same result" suite. */
export interface NockRequests {
  /** Parsed JSON bodies (the raw text when not JSON), in the order the requests came. */
  readonly bodies: unknown[];
  /** Records the requests `scope` answers; returns `scope`. */
  record<S extends nock.Scope>(scope: S): S;
}

/** Records the bodies of the requests the scopes passed to `record()` answer. */
export function nockRequests(): NockRequests {
  const bodies: unknown[] = [];
  return {
    bodies,
    record(scope) {
      scope.on("request", (_req: unknown, _interceptor: unknown, body: string) => {
        let parsed: unknown = body;
        try {
          parsed = JSON.parse(body);
        } catch {
          // not JSON: kept as text
        }
        bodies.push(parsed);
      });
      return scope;
    },
  };
}
