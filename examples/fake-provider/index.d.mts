export interface FakeRequest {
  method: string;
  path: string;
  body: Record<string, any>;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeProvider {
  url: string;
  port: number;
  /** `baseURL` for `new OpenAI(...)` (and OPENAI_BASE_URL). */
  openaiBaseURL: string;
  /** `baseURL` for `new Anthropic(...)` (and ANTHROPIC_BASE_URL). */
  anthropicBaseURL: string;
  /** `endpoint` for `new BedrockRuntimeClient(...)` (HTTP/2 cleartext; any region, fake credentials). */
  bedrockEndpoint: string;
  /** `baseURL` for `new Groq(...)` (and GROQ_BASE_URL). */
  groqBaseURL: string;
  /** `serverURL` for `new Mistral(...)`. */
  mistralServerURL: string;
  /** `host` for `new Ollama(...)` (and OLLAMA_HOST). */
  ollamaHost: string;
  /** Every request received. */
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** Starts the fake OpenAI/Anthropic provider on 127.0.0.1. */
export function startFakeProvider(options?: { port?: number; latencyMs?: number }): Promise<FakeProvider>;

/** The real provider when its key is set (and FAKE_PROVIDER is not "1"), else a fake one started here. */
export function useProvider(): Promise<{ fake: FakeProvider | undefined; close(): Promise<void> }>;
