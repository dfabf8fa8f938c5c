/**
 * What counts as a secret: key names whose values are credentials (`api_key`, `aws_secret_access_key`,
 * `X-Amz-Security-Token`, `pwd`, …, but not token *counts* such as `input_tokens`), and credential
 * formats recognised inside any text (`sk-…`, `AKIA…`, `Bearer …`, JWTs, private keys, the password of
 * a URL, `password=…`). Pure string functions, shared by the value sanitiser, the engine's names and
 * tags, and the logger.
 */
import { SecretsKeyedCache, TextCache } from "./text-cache.js";

export const REDACTED = "***REDACTED***";

// Matched anywhere in the key, after lower-casing and dropping `-`, `_`, `.` and spaces.
const SECRET_WORDS = [
  "password",
  "passwd",
  "passphrase",
  "pwd",
  "secret",
  "apikey",
  "privatekey",
  "accesskey",
  "credential",
  "authorization",
  "cookie",
  "sessionid",
  "creditcard",
  "cardnumber",
  "cvv",
  "socialsecurity",
  "signingkey",
  "encryptionkey",
];
const SECRET_WORD_RE = new RegExp(SECRET_WORDS.join("|"));
// A key ending in `token` is a secret (`id_token`, `csrfToken`, `X-Amz-Security-Token`), unless it
// names a tokenizer's special token; `max_tokens`, `input_tokens`, `token_count` and
// `time_to_first_token_ms` do not end in `token` at all.
const TOKEN_RE = /token$/;
const NOT_SECRET_TOKEN_RE = /(?:first|last|eos|bos|pad|unk|stop|max|min|sep|cls|mask|special|start|end)token$/;
// `auth` at the end (`x-auth`, `oauth`) or before a credential word, not `author` / `authenticated`.
const AUTH_RE = /auth$|auth(?:token|key|header|code|cookie|pass|secret)/;
// `…key` is a secret for credential-like prefixes (`openai_key`, `master_key`), not `cache_key`.
const KEY_RE = /(?:api|secret|private|access|auth|openai|anthropic|aws|gcp|azure|session|master|client|service|account|bearer|llm|provider|tracium|stripe|github|slack|ssh|license|signing|encryption)key/;
const EXACT_SECRET_KEYS = new Set(["ssn", "pin", "otp", "setcookie"]);

/** True for keys whose values are secrets: the normalised key contains a secret word. */
export function isSecretKeyUncached(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_\s.]/g, "");
  if (TOKEN_RE.test(k) && !NOT_SECRET_TOKEN_RE.test(k)) return true;
  return EXACT_SECRET_KEYS.has(k) || SECRET_WORD_RE.test(k) || AUTH_RE.test(k) || KEY_RE.test(k);
}

/** `word` as a case-insensitive pattern (`[Pp][Ww][Dd]`), so all formats fit one case-sensitive regex. */
function anyCase(word: string): string {
  return word.replace(/[a-z]/g, (c) => `[${c.toUpperCase()}${c}]`);
}

// Words that introduce a credential in `word=value` / `"word": "value"` text (they end the key).
const KV_WORDS = [
  ...["password", "passwd", "passphrase", "pwd", "secret", "token", "credential", "credentials", "authorization"].map(anyCase),
  ...["api", "access", "secret", "private", "openai", "anthropic", "master", "encryption", "signing"].map((w) => `${anyCase(w)}[_-]?${anyCase("key")}`),
  `${anyCase("access")}[_-]?${anyCase("key")}[_-]?${anyCase("id")}`,
].join("|");

// A letter or digit just before a prefix means the prefix ends a longer word, unless it is the
// `n` of a `\n` escape (text that holds JSON or a repr).
const ALNUM_BEFORE = String.raw`(?<!\\)[A-Za-z0-9]`;

// One regex, one pass. Alternatives start with a literal (a regex engine tries every alternative
// at every position: a fixed first character keeps that cheap), then check that the literal does
// not merely end a longer word (`task-…`). Three alternatives keep an introducer (groups 1–3):
// `scheme://user:` of a URL, `Bearer ` / `Basic `, `password=` / `"token": "`.
const SECRET_RE = new RegExp(
  [
    // OpenAI / Anthropic / many OpenAI-compatible providers: sk-..., sk-proj-..., sk-ant-...
    String.raw`sk-(?<!${ALNUM_BEFORE}sk-)[A-Za-z0-9_-]{16,}`,
    // AWS access key ids
    String.raw`A(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA|BIA|CCA)(?<![A-Z0-9]A...)[A-Z0-9]{16}(?![A-Z0-9])`,
    // JSON Web Tokens
    String.raw`eyJ(?<!(?<!\\)[A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`,
    // GitHub, Slack, Google, Stripe tokens
    String.raw`gh[pousr]_(?<!${ALNUM_BEFORE}gh._)[A-Za-z0-9]{30,}`,
    String.raw`github_pat_[A-Za-z0-9_]{30,}`,
    String.raw`xox[abposr]-(?<!${ALNUM_BEFORE}xox.-)[A-Za-z0-9-]{10,}`,
    String.raw`AIza(?<!${ALNUM_BEFORE}AIza)[0-9A-Za-z_-]{35}`,
    String.raw`[sr]k_(?:live|test)_(?<!${ALNUM_BEFORE}[sr]k_(?:live|test)_)[A-Za-z0-9]{16,}`,
    // PEM private keys
    String.raw`-----BEGIN[A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE KEY-----|$)`,
    // The password of a URL: scheme://user:<password>@host
    String.raw`(://[^\s/@:]*:)[^\s/@]+(?=@)`,
    // An auth scheme followed by something token-like (a digit or punctuation in it), not prose ("Basic usage").
    String.raw`((?:${anyCase("bearer")}|${anyCase("basic")})\s+)(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}`,
    // key=value / key: value; the match starts at the `=` / `:` (rare in text), the key word is checked behind it.
    String.raw`(?<=(?:${KV_WORDS})\\?["']?\s*)([=:]\s*\\?["']?)(?!\*\*\*REDACTED|(?:${anyCase("bearer")}|${anyCase("basic")})\s)[^\s"'&,;\\]{4,}`,
  ].join("|"),
  "g",
);

function keepIntroducer(_match: string, url: string | undefined, scheme: string | undefined, kv: string | undefined): string {
  const prefix = url ?? scheme ?? kv;
  return prefix !== undefined ? `${prefix}${REDACTED}` : REDACTED;
}

/**
 * Text that cannot hold a credential skips {@link SECRET_RE}, whose lookbehinds scan prose at ~30
 * characters per µs; these two run at ~500. Every match of SECRET_RE contains a match of one of
 * them (a format's fixed prefix, `://`, `bearer`/`basic` and a space, or a key word before `=`/`:`).
 */
const MAYBE_FORMAT_RE = /sk-|A(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA|BIA|CCA)|eyJ|gh[pousr]_|github_pat_|xox[abposr]-|AIza|[sr]k_(?:live|test)_|-----BEGIN|:\/\//;
const MAYBE_KV_RE = /(?:bearer|basic)\s|(?:pass(?:word|wd|phrase)|pwd|secret|token|credentials?|authorization|key(?:[_-]?id)?)\\?["']?\s*[=:]/i;

// The shortest text a pattern can match (`://:x@`).
const MIN_PATTERN_CHARS = 6;
/** Each text is scanned once: labels recur on every span, an agent resends its conversation on every call. */
const patternCache = new TextCache<string>();
/** Results of {@link maskSecrets} with a client's own secrets. */
const secretsCache = new SecretsKeyedCache<string>();

function maskPatterns(text: string): string {
  if (text.length < MIN_PATTERN_CHARS) return text;
  const cached = patternCache.get(text);
  if (cached !== undefined) return cached;
  const out = MAYBE_FORMAT_RE.test(text) || MAYBE_KV_RE.test(text) ? text.replace(SECRET_RE, keepIntroducer) : text;
  patternCache.set(text, out);
  return out;
}

/** @internal {@link SECRET_RE} applied without the pre-check or the caches (tests compare the two). */
export function maskPatternsExhaustively(text: string): string {
  return text.replace(SECRET_RE, keepIntroducer);
}

/**
 * `text` with every credential it contains masked: the given `secrets` (exact strings, e.g. the
 * Tracium API key) and the well-known credential formats.
 */
export function maskSecrets(text: string, secrets?: readonly string[]): string {
  if (!secrets || secrets.length === 0) return maskPatterns(text);
  const cache = secretsCache.for(secrets);
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  let out = text;
  for (const secret of secrets) if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  out = maskPatterns(out);
  cache.set(text, out);
  return out;
}
