// The runner process (bundled to dist/runner-worker.js, started by the supervisor with fork).
// It owns the CUDA context. After a kernel fault it reports and exits: a faulted context is
// unusable, and the supervisor starts a fresh process for the next request.
import * as native from "../../../csrc/index";
import { PROTOCOL_VERSION, type HostRequest, type WorkerMessage } from "./protocol";
import { runBench, type RunHooks } from "./run";
import { runSweep } from "./sweep";
import { RunnerError, type RunnerErrorInfo } from "./types";

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

function errorInfo(e: unknown): RunnerErrorInfo {
  if (e instanceof RunnerError) return e.info;
  const err = e instanceof Error ? e : new Error(String(e));
  // DSL errors (bad sample init, dims breaking declared facts) are the user's input, not a crash.
  return { kind: err.name === "DslError" || err.name === "ScoreModLoadError" ? "analysis" : "internal", message: err.message };
}

async function handle(req: HostRequest): Promise<void> {
  const hooks: RunHooks = {
    progress: (stage, detail) => send({ type: "progress", id: req.id, stage, detail }),
    context: (mod, load, line) => send({ type: "context", id: req.id, mod, load, line }),
  };
  try {
    switch (req.type) {
      case "probe":
        send({ type: "result", id: req.id, result: native.probe() });
        return;
      case "bench":
        hooks.context(req.job.mod);
        send({ type: "result", id: req.id, result: await runBench(req.job, hooks) });
        return;
      case "sweep":
        hooks.context(req.job.mod);
        send({ type: "result", id: req.id, result: await runSweep(req.job, hooks) });
        return;
    }
  } catch (e) {
    const info = errorInfo(e);
    send({ type: "error", id: req.id, error: info });
    // A fault, or any other error that carries a CUDA error code (it may have left the context
    // unusable): exit, so the next job starts in a fresh process with a fresh context.
    if (info.kind === "fault" || /CUDA_ERROR_/.test(info.message)) setTimeout(() => process.exit(3), 50);
  }
}

let queue = Promise.resolve();
process.on("message", (raw: unknown) => {
  queue = queue.then(() => handle(raw as HostRequest));
});
process.on("uncaughtException", (e) => {
  process.stderr.write(`runner worker: uncaught ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(70);
});
if (!process.send) {
  process.stderr.write("runner-worker.js is started by the scoremod runner supervisor (child_process.fork), not directly\n");
  process.exit(2);
}
send({ type: "ready", version: PROTOCOL_VERSION, pid: process.pid });
