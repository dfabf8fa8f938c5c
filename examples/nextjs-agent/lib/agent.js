// The agent: two OpenAI calls (the second streamed) around a tool call, in one agent trace.
import * as tracium from "@tracium/sdk";

const getWeather = tracium.tool("get_weather", async ({ city }) => ({ city, forecast: "sunny" }));

const tools = [
  { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
];

export async function runAgent(openai, agentName, question) {
  return tracium.agentTrace({ agentName }, async () => {
    const messages = [{ role: "user", content: question }];
    const first = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, tools });
    const call = first.choices[0].message.tool_calls?.[0];
    const result = await getWeather(JSON.parse(call?.function.arguments ?? "{}"));
    messages.push(first.choices[0].message, { role: "tool", tool_call_id: call?.id ?? "none", content: JSON.stringify(result) });
    const stream = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } });
    let answer = "";
    for await (const chunk of stream) answer += chunk.choices[0]?.delta?.content ?? "";
    return answer;
  });
}
