// Packages the extension as out/score-mod-studio-<version>.vsix.
//
// The repository is a monorepo, so the .vsix is not packed from a source folder: this script
// assembles a staging folder (out/vsix-stage) from an allow-list and packs that with
// @vscode/vsce. Only the bundles and assets the extension loads at run time go in; the staged
// layout mirrors the repository's (dist/, runtime/index.d.ts, csrc/build/Release/, csrc/kernels/,
// docs/diagnostics/, syntaxes/, media/, examples/),
// so relative paths that work from the repository's dist/ work the same inside the .vsix.
// (dist/cli.js stays out: the CLI ships with the npm workspace; the "check workspace" task runs
// dist/server.js in its check mode.)
//
// The manifest is client/package.json. Paths in it may be written relative to client/
// ("../dist/extension.js", so the repository can be opened as an extension for F5 debugging);
// the staged copy rewrites a leading "../" to "./" and drops scripts and dependencies
// (everything is bundled by esbuild).
//
// Per platform (`vsce package --target`): the runner addon is a native binary, so each .vsix
// carries the one built for its target and says which in dist/vsix-target.json (csrc/index.js
// reads it to say "no runner for this platform" instead of "rebuild it"):
//   (no --target)          the host's target (linux-x64 here), csrc/build/Release's addon (npm ci),
//                          out/score-mod-studio-<version>.vsix, staged in out/vsix-stage (e2e tests this one)
//   --target linux-arm64   out/addon/linux-arm64's addon (scripts/build-addon.mjs cross-compiles it),
//                          out/score-mod-studio-linux-arm64-<version>.vsix
//   --target linux-x64     the same for x64 (csrc/build/Release on an x64 host)
//   --target universal     no addon: analysis, previews, exports; out/score-mod-studio-universal-<version>.vsix
//
// Run `node scripts/build.mjs` first. Usage: node scripts/package-vsix.mjs [--target T] [--stage-only] [--stage DIR]
// (--stage-only assembles and checks the folder without running vsce; --stage puts it elsewhere.)
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { TARGETS, elfMachine, hostTarget } from "./vsix-targets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
function fail(msg) {
  console.error(`package-vsix: ${msg}`);
  process.exit(1);
}
const targetArg = process.argv.indexOf("--target");
const explicit = targetArg > 0 ? process.argv[targetArg + 1] : null;
const target = explicit ?? hostTarget() ?? fail(`no .vsix target for this host (${process.platform}-${process.arch}); pass --target ${Object.keys(TARGETS).join("|")}`);
if (!TARGETS[target]) fail(`--target must be one of ${Object.keys(TARGETS).join(", ")} (got ${target})`);
const stageArg = process.argv.indexOf("--stage");
const stage = stageArg > 0 ? process.argv[stageArg + 1] : join(root, "out", explicit ? `vsix-stage-${target}` : "vsix-stage");
const stageOnly = process.argv.includes("--stage-only");
// The addon for the target: the host's own build (npm ci) for the host's target, else build-addon.mjs's.
const addonDir = TARGETS[target].arch === null ? null
  : target === hostTarget() ? "csrc/build/Release" : `out/addon/${target}/build/Release`;

// ---- the manifest ------------------------------------------------------------------------------
const manifestPath = join(root, "client", "package.json");
let manifest;
try {
  manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
} catch (e) {
  fail(`cannot read ${relative(root, manifestPath)}: ${e.message}`);
}
const required = ["name", "publisher", "version", "main", "engines"];
const absent = required.filter((k) => manifest[k] === undefined);
if (absent.length || !manifest.engines?.vscode) {
  fail(`client/package.json is not an extension manifest yet: missing ${[...absent, ...(manifest.engines?.vscode ? [] : ["engines.vscode"])].join(", ")}`);
}

/** Rewrites client-relative paths ("../x") to stage-relative ones ("./x"), recursively. */
function rebase(value) {
  if (typeof value === "string") return value.startsWith("../") ? "./" + value.slice(3) : value;
  if (Array.isArray(value)) return value.map(rebase);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebase(v)]));
  return value;
}
const staged = rebase(manifest);
for (const k of ["scripts", "dependencies", "devDependencies", "optionalDependencies", "workspaces", "private"]) delete staged[k];
staged.license ??= "MIT";

// ---- the allow-list ----------------------------------------------------------------------------
/** [source relative to the repo, required?, filter for directory entries, staged path (default: the source's)] */
const allow = [
  ["dist/extension.js", true],
  ["dist/server.js", true],
  ["dist/runner-worker.js", true],
  // The bundles behind those two loaders, and the loader's code cache (scripts/boot/boot.cjs).
  ["dist/lib", true, (f) => ["boot.js", "server.js", "runner-worker.js"].includes(f)],
  ["runtime/index.d.ts", true], // the DSL's typings: the server's go-to-definition into the DSL opens this file
  ["syntaxes", false, (f) => f.endsWith(".json")],
  ["media", false, (f) => !f.startsWith(".")],
  // The runner addon for the target (none in the universal package), staged where csrc/index.js looks.
  ...(addonDir ? [[addonDir, true, (f) => f === "scoremod_native.node", "csrc/build/Release"]] : []),
  ["csrc/kernels", true, (f) => /\.(cuh|h)$/.test(f)], // the runner compiles against these (nvrtc/ too)
  ["docs/diagnostics", false, (f) => f.endsWith(".md")], // the server links each diagnostic code here
  ["docs/schemas", false, (f) => f.endsWith(".json")], // contributes.jsonValidation (*.sweep.json)
  ["examples", false, (f) => f.endsWith(".scoremod.ts")],
  // The marketplace page and changelog are the user's (client/), not the repository's developer README.
  ["client/README.md", true, undefined, "README.md"],
  ["client/CHANGELOG.md", true, undefined, "CHANGELOG.md"],
  ["LICENSE", true],
];

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const copied = [];
for (const [rel, isRequired, filter, dest] of allow) {
  const src = join(root, rel);
  if (!existsSync(src)) {
    if (isRequired) fail(`${rel} is missing (${rel === addonDir && target !== hostTarget() ? `build it: node scripts/build-addon.mjs --target ${target}` : "run `npm ci` and `node scripts/build.mjs` first"})`);
    continue;
  }
  if (statSync(src).isDirectory()) {
    const files = listFiles(src).filter((f) => !filter || filter(f));
    if (isRequired && files.length === 0) fail(`${rel}/ has no files to package${rel === addonDir ? ` (build it: node scripts/build-addon.mjs --target ${target})` : ""}`);
    for (const f of files) copyInto(join(rel, f), join(dest ?? rel, f));
  } else {
    copyInto(rel, dest);
  }
}
function listFiles(dir, prefix = "") {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name), join(prefix, d.name)) : d.isFile() ? [join(prefix, d.name)] : []);
}
function copyInto(rel, dest = rel) {
  mkdirSync(dirname(join(stage, dest)), { recursive: true });
  cpSync(join(root, rel), join(stage, dest));
  copied.push(dest);
}
if (addonDir) {
  const m = elfMachine(join(stage, "csrc/build/Release/scoremod_native.node"));
  if (m !== TARGETS[target].elfMachine) fail(`${addonDir}/scoremod_native.node is for ELF machine ${m}, not ${target} (${TARGETS[target].elfMachine})`);
}
// Which package this is, for csrc/index.js's loader (bundled into dist/): a missing runner is then
// "no runner for this platform", not "build it with npm ci".
writeFileSync(join(stage, "dist", "vsix-target.json"), JSON.stringify({ target }) + "\n");
copied.push("dist/vsix-target.json");
writeFileSync(join(stage, "package.json"), JSON.stringify(staged, null, 2) + "\n");
// The stage already holds only allowed files; this keeps vsce from asking about a missing ignore file.
writeFileSync(join(stage, ".vscodeignore"), "**/*.map\n");

// Every file the manifest points at must be inside the package, or the extension would fail
// only after installation.
const fileKeys = new Set(["main", "path", "configuration", "icon", "light", "dark", "image", "markdown", "svg", "url"]);
const dangling = [];
(function walk(v, key) {
  if (typeof v === "string") {
    if (fileKeys.has(key) && v.startsWith("./") && !existsSync(join(stage, v))) dangling.push(`${key}: ${v}`);
  } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
})(staged, "");
if (dangling.length) fail(`the manifest refers to files that are not packaged:\n  ${dangling.join("\n  ")}`);

console.log(`package-vsix: staged ${copied.length + 1} files in ${relative(root, stage)}/`);
if (stageOnly) process.exit(0);

// ---- pack ----------------------------------------------------------------------------------------
const out = join(root, "out", `score-mod-studio-${explicit ? `${target}-` : ""}${staged.version}.vsix`);
const vsce = join(root, "node_modules", "@vscode", "vsce", "vsce");
if (!existsSync(vsce)) fail("@vscode/vsce is not installed (run `npm ci`)");
// A universal package has no --target: the marketplace offers it where no platform package fits.
const args = [vsce, "package", "--no-dependencies", "--no-rewrite-relative-links", "--allow-missing-repository",
  ...(TARGETS[target].arch ? ["--target", target] : []), "--out", out];
const r = spawnSync(process.execPath, args, { cwd: stage, stdio: ["ignore", "inherit", "inherit"] });
if (r.status !== 0) fail(`vsce package failed (exit ${r.status ?? r.signal})`);
console.log(`package-vsix: ${relative(root, out)} (${target}, ${(statSync(out).size / 1024).toFixed(0)} KiB)`);
