// The app whose exit delivery.mjs times: a few agent traces, no flush() or shutdown().
import * as tracium from "@tracium/sdk";

for (let i = 0; i < 3; i++) {
  await tracium.agentTrace({ agentName: "bench-exit" }, async () => {
    await tracium.span({ spanType: "tool", name: "lookup" }, (span) => span.recordOutput({ i }));
  });
}
process.stdout.write(`LAST ${Date.now()}\n`);
