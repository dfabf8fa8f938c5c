/**
 * @tracium/bedrock: the Tracium plugin for `@aws-sdk/client-bedrock-runtime` (3.x), Amazon Bedrock.
 *
 * Each `Converse`, `ConverseStream`, `InvokeModel` and `InvokeModelWithResponseStream` command sent
 * through a Bedrock Runtime client (`client.send(command)`, or the aggregated `BedrockRuntime`
 * client's methods) becomes one `llm` span in the active trace, or in an implicit trace when none
 * is active. Other AWS clients (S3, DynamoDB, …) share the same smithy `send` and are never touched.
 *
 * ```ts
 * import * as bedrock from "@aws-sdk/client-bedrock-runtime";
 * import { init, instrument, registerPlugin } from "@tracium/core";
 * import { bedrockPlugin } from "@tracium/bedrock";
 *
 * init();
 * registerPlugin(bedrockPlugin);
 * instrument(bedrock);              // or BedrockRuntimeClient, or a client instance
 * ```
 */
import type { TraciumPlugin } from "@tracium/core";
import { logger } from "@tracium/core";
import { isTargetPatched, patchTarget, unpatchTarget } from "./instrument.js";
import { targetKind } from "./targets.js";

export { PROVIDER, TRACED_COMMANDS, type TracedCommand } from "./instrument.js";

/** The plugin, for `registerPlugin(bedrockPlugin)` (the `@tracium/sdk` package registers it). */
export const bedrockPlugin: TraciumPlugin = {
  name: "bedrock",
  modules: ["@aws-sdk/client-bedrock-runtime"],
  testedVersions: { "@aws-sdk/client-bedrock-runtime": ">=3 <4" },
  detect(target: unknown): boolean {
    try {
      return targetKind(target) !== undefined;
    } catch {
      return false;
    }
  },
  patch(target: unknown): void {
    patchTarget(target);
  },
  unpatch(target: unknown): void {
    unpatchTarget(target);
  },
  isPatched(target: unknown): boolean {
    try {
      return isTargetPatched(target);
    } catch {
      return false;
    }
  },
};

/**
 * Patches `@aws-sdk/client-bedrock-runtime` directly, without the plugin registry: pass the module
 * namespace, the CJS exports, `BedrockRuntimeClient`, `BedrockRuntime` or a client instance.
 * Patching is per SDK build (prototype), so it covers every client of that build. Idempotent; never
 * throws. Returns true when `target` is a Bedrock Runtime value (patched now or already).
 */
export function instrumentBedrock(target: unknown): boolean {
  try {
    if (targetKind(target) === undefined) {
      logger.warn("instrumentBedrock(): not an @aws-sdk/client-bedrock-runtime module, client class or client; nothing was patched");
      return false;
    }
    patchTarget(target);
    return true;
  } catch (err) {
    logger.error("instrumentBedrock() failed; the SDK is left as it was", err);
    return false;
  }
}

/** Removes the patches `instrumentBedrock(target)` made. Returns true when `target` is a Bedrock Runtime value. */
export function uninstrumentBedrock(target: unknown): boolean {
  try {
    if (targetKind(target) === undefined) return false;
    unpatchTarget(target);
    return true;
  } catch (err) {
    logger.error("uninstrumentBedrock() failed", err);
    return false;
  }
}
