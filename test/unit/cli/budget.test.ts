// `scoremod` as shipped (server/src/cli/main.ts bundled, the bundle doubling as the analysis
// worker) on the hostile fixtures (issue 14, items 1-2): before the budget, `check` ran ~130 s
// on the type bomb and then died of V8 heap exhaustion, and ~90 s on the backtracking one. Now
// every command answers within the budget with SM151 and exit 1, and generates nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { hostile } from "../budget/workerBundle";

const ROOT = join(__dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "scoremod-cli-budget-"));
const bundle = join(dir, "cli.js");

beforeAll(async () => {
  await build({
    entryPoints: [join(ROOT, "server/src/cli/main.ts")], outfile: bundle, bundle: true, platform: "node", target: "node20",
    format: "cjs", external: ["vscode"], logLevel: "error",
  });
}, 120_000);

function cli(args: string[]) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bundle, ...args], {
    encoding: "utf8", timeout: 90_000,
    env: { ...process.env, SCOREMOD_ANALYSIS_TIMEOUT_MS: "2000", SCOREMOD_ANALYSIS_MEMORY_MB: "512" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: performance.now() - t0, signal: r.signal };
}

describe("scoremod on hostile files", () => {
  for (const name of ["type_bomb", "async_backtrack"] as const) {
    const file = join(dir, `${name}.scoremod.ts`);
    writeFileSync(file, hostile(name));

    it(`check ${name}: SM151 within the budget, exit 1`, () => {
      const r = cli(["check", file]);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/:\d+:1 error SM151 TypeScript could not check this file within 2 s \/ 512 MB/);
      expect(r.ms).toBeLessThan(40_000); // generous; the bombs alone take minutes
    }, 100_000);

    it(`check --json ${name}: only JSON on stdout`, () => {
      const r = cli(["check", file, "--json"]);
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.out) as { diagnostics: { code: string }[]; mods: unknown[]; errors: number };
      expect(doc.diagnostics.map((d) => d.code)).toEqual(["SM151"]);
      expect(doc.mods).toEqual([]);
    }, 100_000);

    it(`cuda and export ${name}: nothing generated, exit 1`, () => {
      for (const args of [["cuda", file], ["export", file, "--to", "flex"]]) {
        const r = cli(args);
        expect(r.code, args.join(" ")).toBe(1);
        expect(r.out).toBe("");
        expect(r.err).toContain("SM151");
      }
    }, 100_000);
  }

  it("an ordinary file still checks (through the worker)", () => {
    const r = cli(["check", join(ROOT, "examples/kv_bias.scoremod.ts")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("contiguous  v8");
  }, 100_000);
});
