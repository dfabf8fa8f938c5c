import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "cost", include: ["test/**/*.test.ts"] },
});
