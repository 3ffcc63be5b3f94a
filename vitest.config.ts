// Workspace packages (scoremod, scoremod-server, ...) resolve by name through node_modules
// links and their package.json "exports", as in the bundles.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/lsp/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
  },
});
