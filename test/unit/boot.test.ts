// The bundles' loader (scripts/boot/boot.cjs): the bundle runs as the loader module (its
// __filename, __dirname, require and require.main), V8's code cache is written on the first start
// (when the bundle says its first work is done, else at exit) and used on the next, one per role,
// a corrupt cache is rejected and rewritten, and SCOREMOD_NO_CODE_CACHE=1 turns it off.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

function setup(): { dir: string; tmp: string; run: (env?: Record<string, string>, args?: string[]) => Record<string, unknown> } {
  const dir = mkdtempSync(join(tmpdir(), "scoremod-boot-"));
  const tmp = join(dir, "tmp");
  mkdirSync(join(dir, "lib"), { recursive: true });
  mkdirSync(tmp);
  copyFileSync(join(root, "scripts/boot/boot.cjs"), join(dir, "lib/boot.js"));
  writeFileSync(join(dir, "lib/app.js"), [
    "const path = require('node:path');",
    "function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }",
    "process.stdout.write(JSON.stringify({ file: __filename, dir: __dirname, main: require.main === module, sep: path.sep, sum: work(10) }));",
    // A long-lived process stopped by a signal: its exit handlers never run, so it saves when told.
    "if (process.argv[2] === 'killed') { globalThis[Symbol.for('scoremod.saveCodeCache')]?.(); process.kill(process.pid, 'SIGKILL'); }",
  ].join("\n"));
  writeFileSync(join(dir, "app.js"), `require("./lib/boot.js")(require("node:path").join(__dirname, "lib", "app.js"), module);\n`);
  const run = (env: Record<string, string> = {}, args: string[] = []) => {
    const r = spawnSync(process.execPath, [join(dir, "app.js"), ...args], { encoding: "utf8", env: { ...process.env, TMPDIR: tmp, ...env } });
    if (args[0] === "killed") return { signal: r.signal };
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  return { dir, tmp, run };
}

const cacheFiles = (tmp: string) => {
  try { return readdirSync(join(tmp, "scoremod-v8-cache")).filter((f) => f.endsWith(".bin")); } catch { return []; }
};

describe("bundle loader with V8's code cache", () => {
  it("runs the bundle as the loader module, writes the cache once and reuses it", () => {
    const { dir, tmp, run } = setup();
    const first = run();
    expect(first).toEqual({ file: join(dir, "app.js"), dir, main: true, sep: "/", sum: 45 });
    const files = cacheFiles(tmp);
    expect(files).toHaveLength(1);
    expect(run()).toEqual(first);
    expect(cacheFiles(tmp)).toEqual(files);
  });

  it("survives a corrupt cache (V8 rejects it; it is rewritten) and can be turned off", () => {
    const { tmp, run } = setup();
    run();
    const [file] = cacheFiles(tmp);
    writeFileSync(join(tmp, "scoremod-v8-cache", file!), "not a cache");
    expect(run().sum).toBe(45);
    expect(readFileSync(join(tmp, "scoremod-v8-cache", file!), "utf8")).not.toBe("not a cache");
    const off = setup();
    expect(off.run({ SCOREMOD_NO_CODE_CACHE: "1" }).sum).toBe(45);
    expect(cacheFiles(off.tmp)).toEqual([]);
  });

  it("keeps one cache per role (a CLI command), written when the bundle says or at exit", () => {
    const { tmp, run } = setup();
    run({}, ["check"]);
    run({}, ["bench"]);
    run({}, ["--version"]);
    expect(cacheFiles(tmp).map((f) => f.split(".")[2]).sort()).toEqual(["bench", "check", "main"]);
    // Killed by a signal after saving: the cache is there all the same.
    expect(run({}, ["killed"])).toEqual({ signal: "SIGKILL" });
    expect(cacheFiles(tmp).filter((f) => f.includes(".killed."))).toHaveLength(1);
  });
});
