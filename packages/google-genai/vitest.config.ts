import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "google-genai", include: ["test/**/*.test.ts"] },
});
