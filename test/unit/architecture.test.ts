// ARCHITECTURE.md's invariant "the analysis and the code generators do no IO", checked on the
// source: no Node IO modules, no `process`, no `vscode` under server/src/analysis and codegen.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";

const root = join(__dirname, "..", "..");
const pureDirs = ["server/src/analysis", "server/src/codegen"];
const forbidden = [
  /from\s+["'](node:)?(fs|fs\/promises|child_process|path|os|net|http|worker_threads)["']/,
  /require\(/,
  /\bprocess\.(env|argv|exit|cwd|stdout|stderr)/,
  /from\s+["']vscode["']/,
  /from\s+["'][^"']*\/(lsp|cli|toolchain|client)\//,
];

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

describe("pure core does no IO", () => {
  for (const dir of pureDirs) {
    test(dir, () => {
      const offenders: string[] = [];
      for (const f of files(dir)) {
        readFileSync(join(root, f), "utf8").split("\n").forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, "");
          if (forbidden.some((re) => re.test(code))) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
        });
      }
      expect(files(dir).length).toBeGreaterThan(3);
      expect(offenders).toEqual([]);
    });
  }
});
