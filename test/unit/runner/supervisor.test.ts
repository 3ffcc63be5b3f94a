// Fault injection against the supervisor with a fake worker (no GPU): every way a runner process
// can fail becomes a RunnerError naming the mod, and the next request gets a fresh process.
import { afterEach, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { benchDiagnosed } from "../../../server/src/runner/index";
import { RunnerSupervisor } from "../../../server/src/runner/supervisor";
import { prestartWorker, takePrestarted } from "../../../server/src/runner/spawnWorker";
import { RunnerError, type BenchJob } from "../../../server/src/runner/types";

const workerPath = fileURLToPath(new URL("./fakeWorker.cjs", import.meta.url));
const job = (mod: string): BenchJob => ({ fileName: "x.scoremod.ts", text: "", mod, shape: { B: 1, H: 1, Q: 64, KV: 64, D: 64 } });

let sup: RunnerSupervisor | null = null;
afterEach(() => { sup?.dispose(); sup = null; });

async function failure(p: Promise<unknown>): Promise<RunnerError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(RunnerError);
    return e as RunnerError;
  }
  throw new Error("expected the request to fail");
}

describe("runner supervisor", () => {
  it("adopts the runner process the CLI's loader started, only if it would have started the same one", async () => {
    const early = prestartWorker(workerPath, { SCOREMOD_TEST_X: "1" });
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000, env: { SCOREMOD_TEST_X: "1" } });
    expect(((await sup.bench(job("ok"))) as unknown as { pid: number }).pid).toBe(early.pid);
    sup.dispose();
    // Started otherwise (another environment): stopped, and a process of the supervisor's own runs.
    const other = prestartWorker(workerPath, { SCOREMOD_TEST_X: "1" });
    const exited = new Promise((done) => other.on("exit", done));
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000, env: { SCOREMOD_TEST_X: "2" } });
    expect(((await sup.bench(job("ok"))) as unknown as { pid: number }).pid).not.toBe(other.pid);
    await exited;
    // Taken once: the next supervisor starts its own.
    expect(takePrestarted(workerPath, { SCOREMOD_TEST_X: "1" }, [])).toBeUndefined();
  });

  it("returns a result and reuses the process", async () => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000 });
    const a = (await sup.bench(job("ok"))) as unknown as { pid: number };
    const b = (await sup.bench(job("ok"))) as unknown as { pid: number };
    expect(a.pid).toBe(b.pid);
    expect(sup.started).toBe(1);
  });

  it.each([
    ["crash", "crash", /exited with code 134/],
    ["segv", "crash", /killed by SIGSEGV/],
    ["malformed", "protocol", /malformed message.*result needs id and an object result/],
    ["garbage", "protocol", /malformed message.*expected an object/],
    ["wrong-id", "protocol", /reply for request/],
    ["fault", "fault", /CUDA_ERROR_ILLEGAL_ADDRESS/],
  ])("%s becomes a '%s' error naming the mod and load, then a fresh process", async (mod, kind, re) => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000 });
    const before = (await sup.bench(job("ok"))) as unknown as { pid: number };
    const err = await failure(sup.bench(job(mod)));
    expect(err.info.kind).toBe(kind);
    expect(err.info.mod).toBe(mod);
    expect(err.info.load).toBe("kvBias.at(b, h, kv)");
    expect(err.message).toMatch(re);
    if (kind !== "fault") expect(err.message).toContain(`mod '${mod}' (load kvBias.at(b, h, kv) at line 7)`);
    const after = (await sup.bench(job("ok"))) as unknown as { pid: number };
    expect(after.pid).not.toBe(before.pid);
    expect(sup.started).toBe(2);
  });

  it("the worker's stdout is captured for the crash report, not passed to the parent's stdout", async () => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000 });
    const err = await failure(sup.bench(job("chatty")));
    expect(err.info.kind).toBe("crash");
    expect(err.message).toMatch(/exited with code 3: NOISE-ON-STDOUT from the worker/);
  });

  // Hostile workers (issue 14, item 6): whatever arrives on the message channel becomes a
  // RunnerError naming the mod — never an uncaught exception in the parent, never unbounded memory.
  it("a line that is not JSON is a protocol error naming the mod, then a fresh process", async () => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000 });
    const before = (await sup.bench(job("ok"))) as unknown as { pid: number };
    const err = await failure(sup.bench(job("not-json")));
    expect(err.info).toMatchObject({ kind: "protocol", mod: "not-json", load: "kvBias.at(b, h, kv)" });
    expect(err.message).toMatch(/^mod 'not-json' \(load kvBias\.at\(b, h, kv\) at line 7\): malformed message from the runner process \(not JSON: .*this is not JSON/);
    const after = (await sup.bench(job("ok"))) as unknown as { pid: number };
    expect(after.pid).not.toBe(before.pid);
  });

  it("bytes without a newline are cut off at the size cap, well before memory trouble", async () => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 60_000 });
    const t0 = Date.now();
    const err = await failure(sup.bench(job("no-newline")));
    expect(err.info).toMatchObject({ kind: "protocol", mod: "no-newline" });
    expect(err.message).toMatch(/^mod 'no-newline' .*: the runner process sent a message over 16 MiB .*; it was stopped/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await sup.bench(job("ok"))) as unknown).toBeTruthy();
  }, 10_000);

  it("one well-formed message over the cap is refused too (the cap is an option)", async () => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000, maxMessageBytes: 1 << 20 });
    const err = await failure(sup.bench(job("huge")));
    expect(err.info).toMatchObject({ kind: "protocol", mod: "huge" });
    expect(err.message).toMatch(/over 1 MiB/);
  });

  it("output the worker writes to fd 1 never reaches the parent's stdout", async () => {
    // A parent process of its own (the supervisor bundled with esbuild) whose stdout must be
    // exactly the one JSON line it prints, as `scoremod bench --json`'s must.
    const dir = mkdtempSync(join(tmpdir(), "scoremod-sup-"));
    try {
      const bundle = join(dir, "sup.cjs");
      await build({ entryPoints: [fileURLToPath(new URL("../../../server/src/runner/supervisor.ts", import.meta.url))], bundle: true, platform: "node", format: "cjs", outfile: bundle, logLevel: "silent" });
      const script = `const { RunnerSupervisor } = require(${JSON.stringify(bundle)});
        const sup = new RunnerSupervisor({ workerPath: ${JSON.stringify(workerPath)}, idleLimitMs: 5000 });
        sup.bench(${JSON.stringify(job("stdout-fd"))}).then((r) => { console.log(JSON.stringify({ ok: true, mod: r.mod })); sup.dispose(); },
          (e) => { console.log(JSON.stringify({ ok: false, error: String(e) })); sup.dispose(); });`;
      const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
      expect(r.stdout).toBe(`{"ok":true,"mod":"stdout-fd"}\n`);
      expect(JSON.parse(r.stdout)).toEqual({ ok: true, mod: "stdout-fd" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("kills a hung worker after the idle limit and names the mod", async () => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 300 });
    const t0 = Date.now();
    const err = await failure(sup.bench(job("hang")));
    expect(err.info.kind).toBe("hang");
    expect(err.message).toMatch(/mod 'hang'.*no progress for 300 ms.*watchdog/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await sup.bench(job("ok"))) as unknown).toBeTruthy();
    expect(sup.started).toBe(2);
  });

  it("a process that never says ready is stopped after the start limit, and said so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scoremod-mute-"));
    try {
      const mute = join(dir, "mute.cjs");
      writeFileSync(mute, "setInterval(() => {}, 1000);\n");
      sup = new RunnerSupervisor({ workerPath: mute, idleLimitMs: 100, startLimitMs: 600 });
      const t0 = Date.now();
      const err = await failure(sup.bench(job("m")));
      expect(err.info.kind).toBe("hang");
      expect(err.message).toMatch(/did not start within 600 ms/);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(590);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("progress keeps a long run alive past the idle limit", async () => {
    const stages: string[] = [];
    // 20 progress messages 40 ms apart: 800 ms in all, twice the idle limit (which leaves room
    // for a slow fork on a loaded machine).
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 400, onProgress: (s) => stages.push(s) });
    await sup.bench(job("slow"));
    expect(stages.filter((s) => s === "rep").length).toBe(20);
  });

  it("an error reply that is not a fault keeps the process and carries tensor and obligation", async () => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000 });
    const err = await failure(sup.bench(job("refused")));
    expect(err.info).toMatchObject({ kind: "refused", mod: "refused", tensor: "kv_bias", obligation: "kv_bias.data_ptr() % 16 == 0" });
    await sup.bench(job("ok"));
    expect(sup.started).toBe(1);
  });

  it("benchDiagnosed reruns a fault with the bounds-checked build and names the index", async () => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000 });
    const err = await failure(benchDiagnosed(sup, job("oob")));
    expect(err.info).toMatchObject({ kind: "fault", mod: "oob", tensor: "table", line: 9 });
    expect(err.message).toMatch(/CUDA_ERROR_ILLEGAL_ADDRESS\n  cause \(bounds-checked rerun\): .*index 99 not in \[0, 64\)/);
    expect(sup.started).toBe(2);  // the fault killed the first worker; the rerun ran in a fresh one
  });

  it("benchDiagnosed keeps the plain fault when the rerun finds no bad index", async () => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000 });
    const err = await failure(benchDiagnosed(sup, job("fault")));
    expect(err.message).toMatch(/^cuCtxSynchronize: CUDA_ERROR_ILLEGAL_ADDRESS/);
  });

  it("queues concurrent requests one at a time", async () => {
    sup = new RunnerSupervisor({ workerPath, idleLimitMs: 2000 });
    const results = await Promise.allSettled([sup.bench(job("ok")), sup.bench(job("crash")), sup.bench(job("ok"))]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  it("a missing worker script is a clear error, not a crash", async () => {
    sup = new RunnerSupervisor({ workerPath: "/nonexistent/runner-worker.js" });
    const err = await failure(sup.probe());
    expect(err.info.kind).toBe("internal");
    expect(err.message).toMatch(/runner worker not found.*npm run build/);
  });
});
