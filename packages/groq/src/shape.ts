/**
 * How `groq-sdk` looks: a Stainless client class `Groq` with the `Chat.Completions` and
 * `Embeddings` resources and its own `GroqError` (which tells it apart from `openai`, whose
 * classes have the same resource names). Structural, never throws.
 */
import { safeGet, safeWalk } from "@tracium/core";
import type { ClientShape, PatchedMethod } from "@tracium/openai";

/** The patched methods (only `create`: the SDK has no helpers that would call it twice). */
export const PATCHED_METHODS: readonly PatchedMethod[] = [
  { path: ["Chat", "Completions"], method: "create", operation: "chat" },
  { path: ["Embeddings"], method: "create", operation: "embeddings" },
];

function hasCreate(resourceClass: unknown): boolean {
  return typeof resourceClass === "function" && typeof safeGet(safeGet(resourceClass, "prototype"), "create") === "function";
}

/** Is `value` the `Groq` client class (or a subclass)? */
export function isGroqClass(value: unknown): boolean {
  return typeof value === "function" && typeof safeGet(value, "GroqError") === "function" && hasCreate(safeWalk(value, ["Chat", "Completions"]));
}

/** Is `value` a `Groq` client instance? */
export function isGroqInstance(value: unknown): boolean {
  return value !== null && typeof value === "object" && isGroqClass(safeGet(value, "constructor"));
}

/** The client shape handed to the OpenAI-compatible plugin. */
export const GROQ_SHAPE: ClientShape = {
  isClientClass: isGroqClass,
  isClientInstance: isGroqInstance,
  moduleKeys: ["default", "Groq"],
};
