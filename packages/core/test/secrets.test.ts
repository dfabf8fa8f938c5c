import { describe, expect, it } from "vitest";
import { isSecretKey, maskSecrets, REDACTED, sanitize } from "../src/index.js";
import { maskPatternsExhaustively } from "../src/util/secrets.js";

describe("secret keys", () => {
  it("matches secret words anywhere in the key", () => {
    for (const k of ["secret_key", "aws_secret_access_key", "aws_access_key_id", "X-Amz-Security-Token", "pwd", "passphrase", "openai_key", "api_key", "x-api-key", "Authorization", "Proxy-Authorization", "clientSecret", "refresh_token", "id_token", "csrfToken", "db_password", "session_id", "cookie", "privateKey", "x-auth"]) {
      expect(isSecretKey(k), k).toBe(true);
    }
  });

  it("leaves token counts, tokenizer details and look-alikes alone", () => {
    for (const k of ["input_tokens", "output_tokens", "max_tokens", "max_completion_tokens", "time_to_first_token_ms", "token_count", "tokenizer", "eos_token", "cache_key", "prompt_cache_key", "idempotency_key", "author", "authenticated", "keyword"]) {
      expect(isSecretKey(k), k).toBe(false);
    }
  });
});

describe("credential formats inside text", () => {
  const cases: Array<[string, string]> = [
    ["postgres://u:pass@host/db", "postgres://u:***REDACTED***@host/db"],
    ["key sk-ant-api03-abcdefghijklmnopqrstuv here", `key ${REDACTED} here`],
    ["id AKIAABCDEFGHIJKLMNOP.", `id ${REDACTED}.`],
    ["Authorization: Bearer abc.def-123456", `Authorization: Bearer ${REDACTED}`],
    ["password=hunter22 ok", `password=${REDACTED} ok`],
    ['{"secret_key": "abcdef12"}', `{"secret_key":"${REDACTED}"}`],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig_x", `jwt ${REDACTED}`],
  ];
  it.each(cases)("%s", (input, expected) => expect(sanitize(input)).toBe(expected));

  it("keeps prose, counts and ordinary URLs", () => {
    for (const s of ["task-management-dashboard-component", "Basic usage of things", "max_tokens: 1000", "input tokens: 1500", "https://host:8080/p@x", '{"q": "x"}']) {
      expect(sanitize(s)).toBe(s);
    }
  });

  it("redacts inside tool-call argument JSON and keeps the text as it was when nothing is secret", () => {
    const call = { function: { name: "login", arguments: JSON.stringify({ user: "u", nested: { pwd: "p4ss-word" } }) } };
    expect(JSON.parse((sanitize(call) as typeof call).function.arguments)).toEqual({ user: "u", nested: { pwd: REDACTED } });
  });
});

describe("credential formats inside long text (the pre-check and the cache of conversation strings)", () => {
  const prose = (n: number): string => "The agent looked at the results and wrote a short summary. ".repeat(Math.ceil(n / 60)).slice(0, n);
  const secrets = [
    "sk-proj-abcdefghijklmnopqrstuvwx",
    "AKIAABCDEFGHIJKLMNOP",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig_x",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "github_pat_abcdefghijklmnopqrstuvwxyz0123456789",
    "xoxb-1234567890-abcdefghij",
    "AIzaSyAbcdefghijklmnopqrstuvwxyz0123456",
    "sk_live_abcdefghijklmnop1234",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----",
    "postgres://user:hunter22pass@db.internal/app",
    "Authorization: BEARER abc.def-123456",
    'PASSWORD = "hunter22"',
    "Api-Key: 0123456789abcdef",
    "aws_access_key_id: ABCDEFGHIJ0123",
    ...["password", "passwd", "passphrase", "pwd", "secret", "token", "credential", "credentials", "authorization", "api_key", "access-key", "secretKey", "private_key", "openai_key", "anthropic-key", "master_key", "encryption_key", "signing-key", "accessKeyId"].map((word) => `${word}: value0123`),
  ];
  it.each(secrets)("%s is masked at the start, middle and end of 4 KB of prose, first time and again", (secret) => {
    for (const text of [`${secret} ${prose(4096)}`, `${prose(2048)} ${secret} ${prose(2048)}`, `${prose(4096)} ${secret}`]) {
      const expected = maskPatternsExhaustively(text);
      expect(expected).not.toBe(text);
      expect(maskSecrets(text)).toBe(expected);
      expect(maskSecrets(text)).toBe(expected); // from the cache
    }
  });

  it("on random text made of credential fragments, the pre-check never skips what the full patterns mask", () => {
    const parts = ["sk-", "sk_live_", "rk_test_", "AKIA", "ASIA", "eyJ", ".eyJ", "ghp_", "github_pat_", "xoxb-", "AIza", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "://", "u:", "@", "Bearer ", "basic\t", "password", "PassWord", "pwd", "secret", "token", "credentials", "authorization", "api_key", "ACCESS-KEY", "access_key_id", "keyid", "=", ":", ' "', "'", "\\", " ", "\n", "abcdefghijklmnop", "ABCDEFGHIJKLMNOP", "0123456789", "_-.~+/", "the agent said ", "{", "}", ","];
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let masked = 0;
    const words = ["password", "passwd", "passphrase", "pwd", "secret", "token", "credential", "authorization", "api_key", "access-key", "openai_key", "signing_key", "access_key_id", "KEYID", "bearer", "basic"];
    const seps = ["=", ":", " = ", '": "', "\\=", "'=", "\t:", " "];
    for (let i = 0; i < 5000; i++) {
      let text = "";
      const count = 1 + next(40);
      // Half the strings are built as key, separator, value, so that every key word meets every separator.
      for (let j = 0; j < count; j++) text += i % 2 === 0 ? parts[next(parts.length)] : [words, seps, parts][j % 3]![next([words, seps, parts][j % 3]!.length)];
      const expected = maskPatternsExhaustively(text);
      if (expected !== text) masked++;
      expect(maskSecrets(text), JSON.stringify(text)).toBe(expected);
    }
    expect(masked).toBeGreaterThan(500); // the generator does produce credentials
  });

  it("prose with no credential comes back as the very same string", () => {
    const text = prose(8192);
    expect(maskSecrets(text)).toBe(text);
  });
});

describe("maskSecrets with a client's own secrets", () => {
  it("masks the given secrets in long and short text, again from the cache, and never serves one list's result for another", () => {
    const long = `${"The agent called the API. ".repeat(200)} key tr-live-0123456789 end`;
    const short = "key tr-live-0123456789";
    const mine = ["tr-live-0123456789"];
    const other = ["tr-other-abcdefghij"];
    for (let i = 0; i < 2; i++) {
      expect(maskSecrets(long, mine)).toBe(long.replace("tr-live-0123456789", REDACTED));
      expect(maskSecrets(short, mine)).toBe(`key ${REDACTED}`);
    }
    expect(maskSecrets(long, other)).toBe(long);
    expect(maskSecrets(short, other)).toBe(short);
    expect(maskSecrets(short, mine)).toBe(`key ${REDACTED}`);
    expect(maskSecrets(short, [])).toBe(short);
    expect(maskSecrets(short, [""])).toBe(short); // an empty secret masks nothing
  });
});

describe("JSON texts recorded again (tool results an agent resends on every call)", () => {
  const toolResult = JSON.stringify({ results: Array.from({ length: 20 }, (_, i) => ({ id: `doc-${i}`, snippet: "text ".repeat(20) })), config: { api_key: "k-0123456789" } });
  it("are redacted the same way every time, and the same text is returned when nothing is secret", () => {
    const clean = JSON.stringify({ results: [{ id: "a", snippet: "x ".repeat(50) }] });
    for (let i = 0; i < 3; i++) {
      const out = sanitize({ messages: [{ role: "tool", content: toolResult }, { role: "tool", content: clean }] }, { secrets: ["tr-x-123456"] }) as { messages: Array<{ content: string }> };
      expect(JSON.parse(out.messages[0]!.content).config.api_key).toBe(REDACTED);
      expect(out.messages[1]!.content).toBe(clean);
    }
  });

  it("a redact function is asked every time, never answered from the cache", () => {
    let calls = 0;
    const redact = (v: unknown): unknown => {
      if (v === "doc-3") calls++;
      return v === "doc-3" ? `masked-${calls}` : v;
    };
    const first = sanitize(toolResult, { redact }) as string;
    const second = sanitize(toolResult, { redact }) as string;
    expect(calls).toBe(2);
    expect(first).toContain("masked-1");
    expect(second).toContain("masked-2");
  });

  it("a text first seen beyond the depth limit (not walked) is still redacted where it can be walked", () => {
    const text = JSON.stringify({ a: { b: { c: { cookie: "session-abc-123" } } } });
    let nested: unknown = text;
    for (let i = 0; i < 30; i++) nested = { n: nested };
    sanitize(nested); // too deep for its keys to be checked: recorded as it is
    const shallow = sanitize({ content: text }) as { content: string };
    expect(JSON.parse(shallow.content).a.b.c.cookie).toBe(REDACTED);
  });
});
