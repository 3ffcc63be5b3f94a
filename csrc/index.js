// Loads the native runner addon. A missing or broken build never throws here: every entry
// point then reports *why* (probe() returns reason "no-addon"; the others throw a message that
// says how to rebuild), like sharp's and better-sqlite3's loaders.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const FILE = "scoremod_native.node";
// Where the .node file may be: an explicit override, beside this file's build (source tree),
// and beside a bundle in dist/ (esbuild bundles this loader; __dirname is then dist/).
function candidates() {
  const list = [];
  if (process.env.SCOREMOD_NATIVE) list.push(process.env.SCOREMOD_NATIVE);
  list.push(path.join(__dirname, "build", "Release", FILE));
  list.push(path.join(__dirname, "..", "csrc", "build", "Release", FILE));
  list.push(path.join(__dirname, "native", FILE));
  return list;
}

function load() {
  const tried = [];
  for (const file of candidates()) {
    if (!fs.existsSync(file)) { tried.push(`${file} (absent)`); continue; }
    try {
      // A computed path keeps bundlers from trying to inline the binary.
      const addon = require(file);
      return { addon, file, error: null };
    } catch (e) {
      tried.push(`${file} (${e && e.message ? e.message.split("\n")[0] : String(e)})`);
    }
  }
  const platform = `${process.platform}-${process.arch}`;
  const target = packageTarget();
  if (target && target !== platform) {
    // An installed .vsix (scripts/package-vsix.mjs wrote the marker): not a build to redo but a
    // package without a runner for this machine, which the user fixes by installing another one.
    const error = target === "universal"
      ? `no runner for this platform (${platform}): this is the universal Score Mod Studio package, which ships no native runner; ` +
        "analysis, previews and exports work, and the linux-x64 and linux-arm64 packages add Benchmark and Sweep"
      : `no runner for this platform (${platform}): this Score Mod Studio package's runner is built for ${target}; install the package for ${platform}`;
    return { addon: null, file: null, error, reason: "no-platform" };
  }
  const error =
    "the native runner addon (scoremod_native.node) could not be loaded. Tried: " + tried.join("; ") +
    ". Build it with `npm ci` (or `npx node-gyp rebuild` in csrc/; needs g++ and make, no CUDA toolkit), " +
    "or set SCOREMOD_NATIVE to the .node file.";
  return { addon: null, file: null, error, reason: "no-addon" };
}

/** The .vsix's target ("universal", "linux-x64", ...) from the marker package-vsix.mjs puts beside the bundles, or null. */
function packageTarget() {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "vsix-target.json"), "utf8")).target || null;
  } catch {
    return null;
  }
}

const loaded = load();

function unavailable(name) {
  return () => { throw new Error(`${name}: ${loaded.error}`); };
}

const api = {
  loadedFrom: loaded.file,
  loadError: loaded.error,
  probe(nvcc) {
    if (!loaded.addon) {
      return { ok: false, reason: loaded.reason, detail: loaded.error, driverVersion: 0, devices: [],
        libcuda: null, libnvrtc: null, nvrtcVersion: null, nvrtcError: null, nvcc: null, compiler: null };
    }
    try {
      return loaded.addon.probe(typeof nvcc === "string" ? nvcc : "");
    } catch (e) {
      return { ok: false, reason: "no-driver", detail: `probe failed: ${e && e.message}`, driverVersion: 0, devices: [],
        libcuda: null, libnvrtc: null, nvrtcVersion: null, nvrtcError: null, nvcc: null, compiler: null };
    }
  },
};
for (const name of ["compile", "init", "warmUp", "loadModule", "unloadModule", "functionInfo", "launch", "time",
  "alloc", "free", "upload", "download", "memset", "memInfo", "globalAddress", "tensorMap"]) {
  api[name] = loaded.addon ? loaded.addon[name] : unavailable(name);
}
module.exports = api;
