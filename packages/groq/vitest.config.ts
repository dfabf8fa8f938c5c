import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "groq", include: ["test/**/*.test.ts"] },
});
