/**
 * A cache of results computed from a text, for work that recurs on the same texts: labels and
 * ids on every span, and an agent's whole conversation sent again on every call. Short texts are
 * kept by count, longer ones (each message of a conversation) within a budget of characters, so
 * memory stays bounded whatever comes through; texts over the largest size are not kept.
 */
const MAX_SHORT_CHARS = 64;
const MAX_SHORT_ENTRIES = 4096;
const MAX_LONG_CHARS = 65_536;
const LONG_BUDGET_CHARS = 1_000_000;

export class TextCache<V> {
  private readonly short = new Map<string, V>();
  private readonly long = new Map<string, V>();
  private longChars = 0;

  get(text: string): V | undefined {
    return text.length <= MAX_SHORT_CHARS ? this.short.get(text) : text.length <= MAX_LONG_CHARS ? this.long.get(text) : undefined;
  }

  set(text: string, value: V): void {
    if (text.length <= MAX_SHORT_CHARS) {
      if (this.short.size >= MAX_SHORT_ENTRIES) this.short.clear();
      this.short.set(text, value);
    } else if (text.length <= MAX_LONG_CHARS) {
      if (this.longChars + text.length > LONG_BUDGET_CHARS) {
        this.long.clear();
        this.longChars = 0;
      }
      this.long.set(text, value);
      this.longChars += text.length;
    }
  }

  clear(): void {
    this.short.clear();
    this.long.clear();
    this.longChars = 0;
  }
}

/** A {@link TextCache} whose results depend on a list of secrets (a client's, stable): another list starts it afresh. */
export class SecretsKeyedCache<V> {
  private readonly cache = new TextCache<V>();
  private secrets: readonly string[] | undefined;

  /** The cache for results computed with `secrets`. */
  for(secrets: readonly string[] | undefined): TextCache<V> {
    if (secrets !== this.secrets) {
      this.cache.clear();
      this.secrets = secrets;
    }
    return this.cache;
  }
}
