import { describe, expect, it } from "vitest";
import { isSecretKey, REDACTED, sanitize } from "../src/index.js";

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
