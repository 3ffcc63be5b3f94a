// Benchmark (not a test): what the bundles cost at start-up, without VS Code or a GPU.
// Loads dist/extension.js in a fresh Node process with a stub `vscode` module and times the
// require (parse + top-level evaluation: the part of activation the bundle's size decides), and
// prints the bundles' sizes. The language server's own start-up is scripts/bench-server.mjs.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.env.RUNS ?? 9);
// The child stubs `vscode` (any property is a no-op function/object) and prints the require time.
const child = `
const Module = require("node:module");
const stub = new Proxy(function () {}, { get: (_, k) => k === "__esModule" ? true : k === "then" ? undefined : stub, apply: () => stub, construct: () => stub });
const resolve = Module._resolveFilename;
Module._resolveFilename = function (req, ...rest) { return req === "vscode" ? "vscode" : resolve.call(this, req, ...rest); };
require.cache.vscode = { id: "vscode", filename: "vscode", loaded: true, exports: stub };
const t0 = performance.now();
require(process.argv[1]);
process.stdout.write(String(performance.now() - t0));
`;
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = [];
for (let i = 0; i < runs; i++) {
  const r = spawnSync(process.execPath, ["-e", child, join(root, "dist/extension.js")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`loading dist/extension.js failed: ${r.stderr}`);
  ms.push(Number(r.stdout));
}
console.log(`bundle start-up, ${runs} runs, Node ${process.version}`);
console.log("| bundle | size (KiB) | require ms (median / max) |");
console.log("|---|---|---|");
// The Node processes' bundles sit in dist/lib/ behind small loaders (scripts/boot/boot.cjs).
for (const b of ["extension.js", "lib/server.js", "lib/runner-worker.js", "lib/cli.js"]) {
  const size = (statSync(join(root, "dist", b)).size / 1024).toFixed(0);
  const t = b === "extension.js" ? `${med(ms).toFixed(0)} / ${Math.max(...ms).toFixed(0)}` : "–";
  console.log(`| dist/${b} | ${size} | ${t} |`);
}
