// An ES module app that knows nothing about Tracium: run it with `node --import @tracium/sdk/auto`.
// It calls every @google/genai major installed here (3.x only on Node >= 22), plain and streamed.
import * as v1 from "google-genai-v1";
import * as v2 from "@google/genai";

const majors = [v1, v2];
if (Number(process.versions.node.split(".")[0]) >= 22) majors.push(await import("google-genai-v3"));

const out = [];
for (const genai of majors) {
  const ai = new genai.GoogleGenAI({ apiKey: "fake", httpOptions: { baseUrl: process.env.GEMINI_BASE_URL } });
  const r = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "How do I get a refund?" });
  let streamed = "";
  for await (const chunk of await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hello there" })) streamed += chunk.text;
  out.push({ text: r.text, streamed });
}
console.log(JSON.stringify(out));
