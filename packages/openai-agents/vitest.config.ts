import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "openai-agents",
    include: ["test/**/*.test.ts"],
    // Sized for a loaded 2-core machine, where a test that takes 0.7 s alone can take 7 s.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
