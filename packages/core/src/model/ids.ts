import { randomUUID } from "node:crypto";

/** A new span or trace id: a UUID v4 string, as the Tracium API expects. */
export function newId(): string {
  return randomUUID();
}
