// Loads a bundle through V8's code cache. Node 20 has no compile cache of its own, and parsing a
// 7-8 MB bundle (TypeScript inside) costs about 0.25 s per process or worker thread: the CLI, the
// language server, their analysis worker threads and the runner worker each pay it. The cache
// lives in the OS temp folder, keyed by the V8 version and the bundle's hash; V8 rejects a stale
// or foreign cache itself, and any failure here falls back to an ordinary compile.
// The bundle runs as if it were the loader file: same __filename, __dirname and require, so
// every path it derives (the runner worker beside it, the kernels, its own worker thread) holds.
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const vm = require("node:vm");

function cachePathFor(bundle, source) {
  const key = createHash("sha256").update(process.versions.v8).update("\0").update(source).digest("hex").slice(0, 20);
  return path.join(os.tmpdir(), "scoremod-v8-cache", `${path.basename(bundle)}.${key}.bin`);
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
  const fn = script.runInThisContext();
  fn.call(self.exports, self.exports, require("node:module").createRequire(self.filename), self, self.filename, path.dirname(self.filename));
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    // After the top-level run the cache also holds the functions start-up compiled.
    writeCache(cacheFile, script.createCachedData());
  }
};
