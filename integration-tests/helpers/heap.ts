import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

/** Heap bytes still reachable after full GCs (V8's `gc`, exposed for this process at first use). */
export function heapAfterGc(): number {
  if (!gc) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}
