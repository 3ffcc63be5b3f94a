// The analysis worker for tests: the TypeScript sources bundled (esbuild) into one script that
// serves server/src/budget/entry.ts's worker, as dist/cli.js and dist/server.js do. Built once per
// test file into a temporary folder, so tests run the current sources, not a stale dist/.
import { buildSync } from "esbuild";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "../../..");
let built: string | null = null;

export function workerBundle(): string {
  if (built) return built;
  const out = join(mkdtempSync(join(tmpdir(), "scoremod-budget-")), "analysis-worker.js");
  buildSync({
    stdin: {
      contents: `import { isAnalysisWorker, serveAnalysis } from "./server/src/budget/entry";\nif (isAnalysisWorker()) serveAnalysis();\n`,
      resolveDir: ROOT, sourcefile: "analysis-worker-entry.ts", loader: "ts",
    },
    outfile: out, bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "warning",
  });
  built = out;
  return out;
}

/** The hostile fixtures (test/fixtures/traps/hostile): .txt so no editor or tsc run checks them. */
export function hostile(name: "type_bomb" | "async_backtrack"): string {
  return readFileSync(join(ROOT, "test/fixtures/traps/hostile", `${name}.txt`), "utf8");
}
