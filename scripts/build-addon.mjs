// Builds the native runner addon (csrc/) for one VS Code platform target, for the per-platform
// .vsix (scripts/package-vsix.mjs --target). The addon dlopens CUDA at run time and links only
// libc and libstdc++, so a cross-compiler is all another architecture needs:
//   node scripts/build-addon.mjs --target linux-arm64   -> out/addon/linux-arm64/scoremod_native.node
//   node scripts/build-addon.mjs --target linux-x64     -> the same for x64 (native on an x64 host)
// Cross builds use Debian's cross toolchain (`apt-get install g++-aarch64-linux-gnu`) and this
// Node's own headers (--nodedir): node-gyp would otherwise download headers for the other arch.
// The build runs in a copy of csrc/ under out/addon/<target>/, so csrc/build (the host's addon,
// made by `npm ci`) is left alone.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { elfMachine, TARGETS } from "./vsix-targets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ti = process.argv.indexOf("--target");
const target = ti > 0 ? process.argv[ti + 1] : undefined;
const fail = (msg) => { console.error(`build-addon: ${msg}`); process.exit(1); };
const spec = TARGETS[target];
if (!spec || !spec.arch) fail(`--target must be one of ${Object.keys(TARGETS).filter((t) => TARGETS[t].arch).join(", ")} (got ${target})`);

const hostArch = process.arch;
const cross = spec.arch !== hostArch;
const env = { ...process.env };
if (cross) {
  const prefix = spec.crossPrefix?.[hostArch];
  if (!prefix) fail(`no cross toolchain known for ${target} on a ${hostArch} host`);
  const which = spawnSync("sh", ["-c", `command -v ${prefix}g++`], { encoding: "utf8" });
  if (which.status !== 0) fail(`${prefix}g++ not found: install the cross compiler (Debian: apt-get install ${spec.crossPackage})`);
  Object.assign(env, { CC: `${prefix}gcc`, CXX: `${prefix}g++`, LINK: `${prefix}g++`, AR: `${prefix}ar` });
}

// node-gyp: npm's own (the one `npm ci` runs for csrc's install script) before the workspace's.
function nodeGyp() {
  const list = [process.env.npm_config_node_gyp];
  const npmRoot = spawnSync("npm", ["root", "-g"], { encoding: "utf8" });
  if (npmRoot.status === 0) list.push(join(npmRoot.stdout.trim(), "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  list.push(join(root, "node_modules", "node-gyp", "bin", "node-gyp.js"));
  return list.find((p) => p && existsSync(p)) ?? fail("node-gyp not found (npm ci)");
}
// This Node's headers: N-API is the same on every architecture.
function nodeDir() {
  const list = [resolve(process.execPath, "..", ".."), process.config.variables.node_prefix, "/usr", "/usr/local"];
  return list.find((d) => d && existsSync(join(d, "include", "node", "node_api.h"))) ?? fail(`Node headers (include/node/node_api.h) not found under ${list.join(", ")}`);
}

const dir = join(root, "out", "addon", target);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
for (const f of ["src", "binding.gyp", "package.json"]) cpSync(join(root, "csrc", f), join(dir, f), { recursive: true });
// node-addon-api's include_dir is resolved from the build folder (binding.gyp runs `node -p require(...)`).
if (!existsSync(join(root, "csrc", "node_modules", "node-addon-api")) && !existsSync(join(root, "node_modules", "node-addon-api"))) fail("node-addon-api is not installed (npm ci)");
if (existsSync(join(root, "csrc", "node_modules"))) symlinkSync(join(root, "csrc", "node_modules"), join(dir, "node_modules"), "dir");

const args = [nodeGyp(), "rebuild", `--arch=${spec.arch}`, `--nodedir=${nodeDir()}`, "--loglevel=warn"];
console.log(`build-addon: ${target}${cross ? ` (cross: ${env.CXX})` : ""}: node ${args.join(" ")}`);
const r = spawnSync(process.execPath, args, { cwd: dir, env, stdio: ["ignore", "ignore", "inherit"] });
if (r.status !== 0) fail(`node-gyp failed (exit ${r.status ?? r.signal}) in ${relative(root, dir)}`);
const out = join(dir, "build", "Release", "scoremod_native.node");
if (!existsSync(out)) fail(`node-gyp wrote no ${relative(root, out)}`);
const machine = elfMachine(out);
if (machine !== spec.elfMachine) fail(`${relative(root, out)} is for ELF machine ${machine}, not ${target}'s ${spec.elfMachine}`);
console.log(`build-addon: ${relative(root, out)}`);
