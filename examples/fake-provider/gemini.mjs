// The Gemini part of the fake provider: the Gemini API (and Vertex AI) routes `@google/genai` calls,
// `POST .../models/{model}:generateContent`, `:streamGenerateContent?alt=sse`, `:embedContent`,
// `:batchEmbedContents` and `:countTokens`. Point the SDK at it with
// `new GoogleGenAI({ apiKey: "fake", httpOptions: { baseUrl: provider.url } })`.
//
// Answers follow the shared rules of the fake (`kit.decide`): a tool call (a `functionCall` part,
// no id, as the Gemini API sends it) when tools are offered and no function response is there yet,
// else text. Usage has cached and thinking tokens once the prompt is long, like Gemini 2.5 models.

const ROUTE = /\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents|countTokens)$/;

function partsText(parts, kit) {
  return kit.textOf((Array.isArray(parts) ? parts : []).filter((p) => typeof p?.text === "string"));
}

function conversation(body, kit) {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const tools = [];
  for (const t of body.tools ?? []) {
    for (const d of t?.functionDeclarations ?? []) tools.push({ name: d.name, description: d.description, schema: d.parametersJsonSchema ?? d.parameters });
  }
  const toolResults = [];
  let lastUser = "";
  for (const c of contents) {
    for (const p of c?.parts ?? []) if (p?.functionResponse) toolResults.push(JSON.stringify(p.functionResponse.response ?? {}));
    const text = partsText(c?.parts, kit);
    if (c?.role !== "model" && text) lastUser = text;
  }
  const system = partsText(body.systemInstruction?.parts, kit);
  const promptText = contents.map((c) => partsText(c?.parts, kit)).join(" ") + " " + system;
  return { contents, tools, toolResults, lastUser, system, promptText };
}

function usageFor(promptText, tools, outputText, kit) {
  const prompt = kit.countTokens(promptText) + 20 * tools.length;
  const cached = prompt > 60 ? 32 : 0;
  const thoughts = prompt > 60 ? 8 : 0;
  const candidates = outputText ? kit.countTokens(outputText) : 10;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates + thoughts,
    ...(cached ? { cachedContentTokenCount: cached } : {}),
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
  };
}

function generate(model, body, res, state, stream, kit) {
  const conv = conversation(body, kit);
  const reply = kit.decide({ model, tools: conv.tools, lastUser: conv.lastUser, toolResults: conv.toolResults, system: conv.system });
  const responseId = `gemini-fake-${++state.seq}`;
  const usage = usageFor(conv.promptText, conv.tools, reply.text, kit);
  const modelVersion = `${model}-001`;
  const parts = reply.toolCall ? [{ functionCall: { name: reply.toolCall.name, args: reply.toolCall.arguments } }] : [{ text: reply.text }];
  if (!stream) {
    return kit.sendJson(res, 200, { candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }], usageMetadata: usage, modelVersion, responseId });
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  const pieces = reply.toolCall ? [parts] : kit.chunkText(reply.text).map((text) => [{ text }]);
  pieces.forEach((p, i) => {
    const last = i === pieces.length - 1;
    // Every chunk carries the usage so far; the last one the final counts.
    const soFar = last ? usage : { ...usage, candidatesTokenCount: i + 1, totalTokenCount: usage.promptTokenCount + i + 1 };
    const chunk = { candidates: [{ content: { role: "model", parts: p }, ...(last ? { finishReason: "STOP" } : {}), index: 0 }], usageMetadata: soFar, modelVersion, responseId };
    res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  });
  res.end();
}

function embedding(text) {
  return Array.from({ length: 8 }, (_, i) => Math.sin((String(text).length + 1) * (i + 1)) / 2);
}

/**
 * Answers a Gemini request; returns false when `path` is not a Gemini route.
 * @param {{ method: string, path: string, body: any, res: import("node:http").ServerResponse, state: { seq: number }, kit: Record<string, Function> }} call
 */
export function geminiRoute({ method, path, body, res, state, kit }) {
  const m = method === "POST" ? ROUTE.exec(path) : null;
  if (!m) return false;
  const model = decodeURIComponent(m[1]);
  const action = m[2];
  if (model.includes("error")) {
    kit.sendJson(res, 404, { error: { code: 404, message: `models/${model} is not found for API version v1beta`, status: "NOT_FOUND" } });
    return true;
  }
  if (action === "generateContent" || action === "streamGenerateContent") generate(model, body, res, state, action === "streamGenerateContent", kit);
  else if (action === "countTokens") kit.sendJson(res, 200, { totalTokens: kit.countTokens(conversation(body, kit).promptText) });
  else if (action === "batchEmbedContents") kit.sendJson(res, 200, { embeddings: (body.requests ?? []).map((r) => ({ values: embedding(partsText(r?.content?.parts, kit)) })) });
  else kit.sendJson(res, 200, { embedding: { values: embedding(partsText(body.content?.parts, kit)) } });
  return true;
}
