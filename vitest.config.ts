import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: { alias: { scoremod: fileURLToPath(new URL("./runtime/src/dsl.ts", import.meta.url)) } },
  test: {
    include: ["test/unit/**/*.test.ts", "test/lsp/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
  },
});
