/**
 * The exporter's reusable abort signal (src/export/delivery/interrupt.ts): each fire() aborts
 * what listens now and only that; the controller is made when a signal is first asked for.
 */
import { describe, expect, it } from "vitest";
import { Interrupt } from "../../src/export/delivery/interrupt.js";

describe("Interrupt", () => {
  it("aborts the signals taken before fire(), and gives a fresh one after", () => {
    const i = new Interrupt(10);
    const before = i.signal;
    expect(i.signal).toBe(before); // the same round, the same signal
    i.fire();
    expect(before.aborted).toBe(true);
    const after = i.signal;
    expect(after).not.toBe(before);
    expect(after.aborted).toBe(false);
    i.fire();
    expect(after.aborted).toBe(true);
  });

  it("a fire() that nothing listens to aborts nothing later", () => {
    const i = new Interrupt(10);
    i.fire();
    i.fire();
    expect(i.signal.aborted).toBe(false);
  });
});
