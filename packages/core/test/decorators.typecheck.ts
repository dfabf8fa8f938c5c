// Type-checked by `tsc -p tsconfig.check.json`, not run: proves the decorators accept the real
// TypeScript 5 syntax on sync and async methods and keep the method types.
import { AgentSpan, AgentTrace } from "../src/index.js";

export class SupportAgent {
  @AgentTrace({ agentName: "support-bot" })
  async answer(question: string): Promise<string> {
    return this.lookup(question).join(" ");
  }

  @AgentSpan({ spanType: "retrieval" })
  lookup(question: string): string[] {
    return [question];
  }
}

export const typed: Promise<string> = new SupportAgent().answer("refund?");
