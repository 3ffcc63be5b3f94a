// Loads a bundle through V8's code cache. Node 20 has no compile cache of its own, and parsing a
// 7-8 MB bundle (TypeScript inside) costs about 0.25 s per process or worker thread: the CLI, the
// language server, their analysis worker threads and the runner worker each pay it. The cache
// lives in the OS temp folder, keyed by the V8 version and the bundle's hash; V8 rejects a stale
// or foreign cache itself, and any failure here falls back to an ordinary compile.
// The bundle runs as if it were the loader file: same __filename, __dirname and require, so
// every path it derives (the runner worker beside it, the kernels, its own worker thread) holds.
// A cache holds the functions compiled by the time it is made, and most of a start's work (TypeScript's
// initialisation, the first analysis) runs after the top-level run, lazily: so the cache is made once
// the process has done its first real work (the bundle calls saveCodeCache(), server/src/boot.ts) or
// at its exit, whichever comes first, and each role that loads a bundle (a CLI command, a worker
// thread) has its own, since each compiles different functions.
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const vm = require("node:vm");

const SAVE = Symbol.for("scoremod.saveCodeCache");

/** What this start will run: the command of a CLI (`bench`, `check`), "thread" in a worker thread. */
function role() {
  if (!require("node:worker_threads").isMainThread) return "thread";
  const arg = process.argv[2];
  return arg && /^[a-z][a-z-]{0,30}$/.test(arg) ? arg : "main";
}

function cachePathFor(bundle, source) {
  const key = createHash("sha256").update(process.versions.v8).update("\0").update(source).digest("hex").slice(0, 20);
  return path.join(os.tmpdir(), "scoremod-v8-cache", `${path.basename(bundle)}.${role()}.${key}.bin`);
}

function writeCache(file, data) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);  // whole or absent: a reader never sees half a cache
  } catch {
    // A read-only or full temp folder: the next start compiles again.
  }
}

/** Run `bundle` in place of the loader module `self` (its module object). */
module.exports = function boot(bundle, self) {
  const source = fs.readFileSync(bundle, "utf8");
  const off = process.env.SCOREMOD_NO_CODE_CACHE === "1";
  const cacheFile = off ? null : cachePathFor(bundle, source);
  let cachedData;
  if (cacheFile) {
    try { cachedData = fs.readFileSync(cacheFile); } catch { cachedData = undefined; }
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  let pending = cacheFile !== null && (cachedData === undefined || script.cachedDataRejected);
  const save = () => {
    if (!pending) return;
    pending = false;
    writeCache(cacheFile, script.createCachedData());
  };
  globalThis[SAVE] = save;
  if (pending) process.once("exit", save);
  const fn = script.runInThisContext();
  fn.call(self.exports, self.exports, require("node:module").createRequire(self.filename), self, self.filename, path.dirname(self.filename));
};
