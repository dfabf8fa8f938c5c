// A CommonJS app that knows nothing about Tracium: run it with `node -r @tracium/sdk/auto`.
const { GoogleGenAI } = require("@google/genai");

async function main() {
  const ai = new GoogleGenAI({ apiKey: "fake", httpOptions: { baseUrl: process.env.GEMINI_BASE_URL } });
  const r = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "How do I get a refund?" });
  let streamed = "";
  for await (const chunk of await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hello there" })) streamed += chunk.text;
  console.log(JSON.stringify({ text: r.text, streamed }));
}
main();
