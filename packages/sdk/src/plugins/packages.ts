/** The packages `@tracium/sdk` loads on first use (`load.ts`): one per SDK family, and the prices. */
import type * as AiSdk from "@tracium/ai-sdk";
import type * as Anthropic from "@tracium/anthropic";
import type * as Bedrock from "@tracium/bedrock";
import type * as Cost from "@tracium/cost";
import type * as GoogleGenAI from "@tracium/google-genai";
import type * as Groq from "@tracium/groq";
import type * as LangChain from "@tracium/langchain";
import type * as Mcp from "@tracium/mcp";
import type * as Mistral from "@tracium/mistral";
import type * as Ollama from "@tracium/ollama";
import type * as OpenAI from "@tracium/openai";
import type * as OpenAIAgents from "@tracium/openai-agents";
import { lazyPackage } from "./load.js";

export const openai = lazyPackage<typeof OpenAI>("@tracium/openai");
export const anthropic = lazyPackage<typeof Anthropic>("@tracium/anthropic");
export const langchain = lazyPackage<typeof LangChain>("@tracium/langchain");
export const mcp = lazyPackage<typeof Mcp>("@tracium/mcp");
export const googleGenAI = lazyPackage<typeof GoogleGenAI>("@tracium/google-genai");
export const aiSdk = lazyPackage<typeof AiSdk>("@tracium/ai-sdk");
export const bedrock = lazyPackage<typeof Bedrock>("@tracium/bedrock");
export const groq = lazyPackage<typeof Groq>("@tracium/groq");
export const mistral = lazyPackage<typeof Mistral>("@tracium/mistral");
export const ollama = lazyPackage<typeof Ollama>("@tracium/ollama");
export const openaiAgents = lazyPackage<typeof OpenAIAgents>("@tracium/openai-agents");
export const cost = lazyPackage<typeof Cost>("@tracium/cost");

