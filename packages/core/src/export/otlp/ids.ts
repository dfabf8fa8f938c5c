/**
 * Tracium ids → W3C (OpenTelemetry) ids. One deterministic rule, used by the OTLP exporter, by
 * `inject()` and by every process that continues a trace, so all of them agree without talking:
 *
 * - **hex form** of a Tracium id: the id lowercased without its hyphens when that is exactly 32 hex
 *   digits and not all zeros (every UUID); otherwise the first 32 hex digits of the SHA-256 of the
 *   id (a user-chosen `traceId` such as `"order-42"`).
 * - **W3C trace id** of a trace: its hex form, unless the trace continues a W3C trace started outside
 *   Tracium (`agentTrace({ parent })`), which keeps that trace's id (`TraceData.otel.traceId`).
 * - **W3C span id** of a span: the first 16 digits of its hex form (for a UUID v4: its first three
 *   groups). A W3C span id `aaaaaaaabbbbcccc` received from elsewhere is kept as the Tracium id
 *   `aaaaaaaa-bbbb-cccc-0000-000000000000` ({@link spanIdFromW3C}), which maps back to itself.
 * - **W3C span id of the trace's `invoke_agent` root span**: the last 16 digits of the trace's hex
 *   form (for a UUID: its last two groups). Spans never get it: their ids come from their own UUIDs'
 *   first half.
 * All-zero ids are invalid in W3C; the rule never yields one (a zero half falls back to the hash).
 */
import { sha256Hex } from "../../util/crypto.js";

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const ZERO16 = "0000000000000000";

/** The 32-hex-digit form of a Tracium id (see the module comment). */
export function hexId(id: string): string {
  const plain = id.replace(/-/g, "").toLowerCase();
  if (HEX32.test(plain) && plain !== ZERO16 + ZERO16) return plain;
  return sha256Hex(id).slice(0, 32);
}

/** A non-zero 16-digit half, or a hash-derived one when the half is zero. */
function nonZero16(half: string, id: string, salt: string): string {
  return half !== ZERO16 ? half : sha256Hex(`${salt}:${id}`).slice(0, 16);
}

/** The W3C span id (16 hex digits) of a Tracium span id. */
export function w3cSpanId(spanId: string): string {
  return nonZero16(hexId(spanId).slice(0, 16), spanId, "span");
}

/** The W3C span id of the `invoke_agent` root span of the trace with this Tracium id. */
export function w3cRootSpanId(traceId: string): string {
  return nonZero16(hexId(traceId).slice(16), traceId, "root");
}

/** The W3C trace id (32 hex digits) of a trace: the one it continues, else the hex form of its id. */
export function w3cTraceId(trace: { id: string; otel?: { traceId: string } | undefined } | string): string {
  if (typeof trace === "string") return hexId(trace);
  return trace.otel?.traceId ?? hexId(trace.id);
}

/** Whether `value` is a valid W3C trace id (32 lowercase hex digits, not all zero). */
export function isW3CTraceId(value: unknown): value is string {
  return typeof value === "string" && HEX32.test(value) && value !== ZERO16 + ZERO16;
}

/** Whether `value` is a valid W3C span id (16 lowercase hex digits, not all zero). */
export function isW3CSpanId(value: unknown): value is string {
  return typeof value === "string" && HEX16.test(value) && value !== ZERO16;
}

/** A 32-hex-digit W3C trace id in UUID form (`8-4-4-4-12`): how a continued trace is named in Tracium. */
export function uuidFromHex32(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The Tracium span id standing for a W3C span id from elsewhere; `w3cSpanId` maps it back. */
export function spanIdFromW3C(spanId: string): string {
  return `${spanId.slice(0, 8)}-${spanId.slice(8, 12)}-${spanId.slice(12, 16)}-0000-000000000000`;
}
