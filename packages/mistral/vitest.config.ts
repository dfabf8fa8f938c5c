import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "mistral", include: ["test/**/*.test.ts"] },
});
