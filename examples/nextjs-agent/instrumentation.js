// Runs once when the Next.js server starts, before any route is loaded.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Zero code: initialises Tracium from the TRACIUM_* variables and patches the provider SDKs
    // that Node.js loads from now on (those in `serverExternalPackages`).
    await import("@tracium/sdk/auto");
  }
  // The edge runtime has no module hooks: its routes call `tracium.instrument(...)` themselves.
}
