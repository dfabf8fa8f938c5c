// Next.js bundles server code; a package listed in `serverExternalPackages` is loaded by Node.js
// at run time instead, where the hooks `@tracium/sdk/auto` registers (in instrumentation.js) see
// it and patch it. Bundled copies are invisible to them: those need `tracium.instrument(...)`.
/** @type {import("next").NextConfig} */
const nextConfig = {
  serverExternalPackages: ["@tracium/sdk", "openai"],
  // The test builds into its own folder so that a build never races a developer's `next dev`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default nextConfig;
