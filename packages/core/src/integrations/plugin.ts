/**
 * A plugin patches one family of client libraries (an LLM SDK, a tool client) so its calls become
 * spans. `patch` must be idempotent per prototype and must cover both the CJS and the ESM build.
 */
export interface TraciumPlugin {
  /** Unique name, e.g. "openai". */
  readonly name: string;
  /** Package names the zero-code hooks watch, e.g. ["openai"]. */
  readonly modules: readonly string[];
  /** Is this a module namespace, class or instance this plugin patches? Must not throw. */
  detect(target: unknown): boolean;
  /** Patches what `target` reaches. Idempotent. */
  patch(target: unknown): void;
  /** Removes the patches `patch(target)` made. */
  unpatch(target: unknown): void;
  /** Whether `target` is currently patched (for `tracium doctor`). */
  isPatched?(target: unknown): boolean;
  /**
   * For a CommonJS module whose exports cannot be changed in place (getters the bundler made
   * non-configurable): the object the app's `require()` gets instead (the zero-code require hook
   * uses it; `patch` is then called on it). Return `exports` itself to keep it.
   */
  replaceExports?(exports: unknown): unknown;
  /**
   * Per watched package, the versions the plugin is tested with (`{ openai: ">=4 <8" }`). A version
   * outside is still patched when its shape matches (with one `info` line naming it); a module
   * whose shape does not match is left alone with one `warn` line. Never silence either way.
   */
  readonly testedVersions?: Readonly<Record<string, string>>;
  /**
   * Why `target` cannot be patched, when it looks like this plugin's SDK but lacks what the plugin
   * needs (`"Chat.Completions.prototype.create is missing"`); undefined when it does not look like
   * this SDK at all. Optional: it makes the `warn` line say what is missing. Must not throw.
   */
  shapeProblem?(target: unknown): string | undefined;
}
