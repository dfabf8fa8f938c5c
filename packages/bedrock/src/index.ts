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
import { definePatchingPlugin, type TraciumPlugin } from "@tracium/core";
import { isTargetPatched, patchTarget, unpatchTarget } from "./instrument.js";
import { targetKind } from "./targets.js";

export { PROVIDER, TRACED_COMMANDS, type TracedCommand } from "./instrument.js";

const bedrock = definePatchingPlugin({
  name: "bedrock",
  modules: ["@aws-sdk/client-bedrock-runtime"],
  testedVersions: { "@aws-sdk/client-bedrock-runtime": ">=3 <4" },
  sdk: "Bedrock",
  recognises: (target) => targetKind(target) !== undefined,
  patch: patchTarget,
  unpatch: unpatchTarget,
  isPatched: isTargetPatched,
  notRecognised: () => "instrumentBedrock(): not an @aws-sdk/client-bedrock-runtime module, client class or client; nothing was patched",
});

/** The plugin, for `registerPlugin(bedrockPlugin)` (the `@tracium/sdk` package registers it). */
export const bedrockPlugin: TraciumPlugin = bedrock.plugin;

/**
 * Patches `@aws-sdk/client-bedrock-runtime` directly, without the plugin registry: pass the module
 * namespace, the CJS exports, `BedrockRuntimeClient`, `BedrockRuntime` or a client instance.
 * Patching is per SDK build (prototype), so it covers every client of that build. Idempotent; never
 * throws. Returns true when `target` is a Bedrock Runtime value (patched now or already).
 */
export const instrumentBedrock: (target: unknown) => boolean = bedrock.instrument;

/** Removes the patches `instrumentBedrock(target)` made. Returns true when `target` is a Bedrock Runtime value. */
export const uninstrumentBedrock: (target: unknown) => boolean = bedrock.uninstrument;
