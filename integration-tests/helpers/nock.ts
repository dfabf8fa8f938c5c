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
