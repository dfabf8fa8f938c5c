/**
 * Tracium's provider names (the `provider` metadata the plugins set, LangChain's `ls_provider`,
 * the AI SDK's provider ids) mapped to the price table's provider ids.
 */
const ALIASES: Readonly<Record<string, string>> = {
  "gcp.vertex_ai": "google",
  "gcp.gemini": "google",
  "google.vertex": "google",
  "google-vertex": "google",
  google_genai: "google",
  google_vertexai: "google",
  gemini: "google",
  vertex: "google",
  "aws.bedrock": "aws",
  bedrock: "aws",
  amazon_bedrock: "aws",
  mistralai: "mistral",
  azure_openai: "azure",
  "azure.ai.openai": "azure",
  "az.ai.openai": "azure",
};

/** The table's provider id for a span's provider, e.g. `openai.chat` (AI SDK) → `openai`. */
export function tableProvider(provider: string | undefined): string | undefined {
  if (!provider) return undefined;
  const p = provider.trim().toLowerCase();
  if (ALIASES[p]) return ALIASES[p];
  const head = p.split(".")[0] ?? p;
  return ALIASES[head] ?? head;
}
