// The release path of the packages: `pnpm pack` (and `pnpm publish`) rewrite the `workspace:*`
// ranges between our packages to their versions; `npm pack` would leave them, and `npm install`
// of such a tarball fails with EUNSUPPORTEDPROTOCOL. `npm run pack` (scripts/dev.mjs) and the
// packed-install test (integration-tests/packed) both pack with these arguments.

/** pnpm arguments that pack every package under packages/ into `destination`. */
export function packArgs(destination) {
  return ["-r", "--filter", "./packages/**", "pack", "--pack-destination", destination];
}
