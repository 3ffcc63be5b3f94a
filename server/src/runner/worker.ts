// The runner process (bundled to dist/runner-worker.js, started by the supervisor). It owns the
// CUDA context. After a kernel fault it reports and exits: a faulted context is unusable, and
// the supervisor starts a fresh process for the next request. Requests arrive as JSON lines on
// stdin, replies leave as JSON lines on the channel fd (protocol.ts); stdout is not the channel,
// so whatever a driver or compiler prints there cannot corrupt a message.
import "./warmStart";  // first: the CUDA context starts while the rest loads
import { writeSync } from "node:fs";
import * as native from "scoremod-native";
import { LineFramer, PROTOCOL_VERSION, WORKER_CHANNEL_ENV, type HostRequest, type WorkerMessage } from "./protocol";
import { openDeviceAhead, runBench, type RunHooks } from "./run";
import { runSweep } from "./sweep";
import { maskView } from "../view/maskView";
import { nvccOrEmpty } from "../toolchain/nvcc";
import { RunnerError, type RunnerErrorInfo } from "./types";
import { mark, markStart } from "./timeline";
import { saveCodeCache } from "../boot";

const channelFd = Number(process.env[WORKER_CHANNEL_ENV]);

function send(msg: WorkerMessage): void {
  // Synchronous and whole: a reply is never interleaved with another or lost to process.exit.
  const bytes = Buffer.from(JSON.stringify(msg) + "\n", "utf8");
  for (let off = 0; off < bytes.length; ) {
    try {
      off += writeSync(channelFd, bytes, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
    }
  }
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
      case "probe": {
        mark("worker: probe received");
        const result = native.probe(nvccOrEmpty());
        mark("worker: probed the driver");
        send({ type: "result", id: req.id, result });
        // The CLI's probe comes while it analyses the file, a bench right behind it: make the
        // context now so the bench does not wait for it. A device the runner cannot use says
        // why when the bench asks.
        if (result.ok && req.warm) {
          try {
            openDeviceAhead(result, req.ahead);
            mark("worker: context made, ahead work started");
          } catch { /* reported by the bench that needs it */ }
        }
        // The code cache (once per bundle version): made here, after the ahead work compiled
        // most of a bench, or, without a GPU, after the only request this process will serve. The
        // supervisor stops this process with a signal, so its exit would be too late.
        saveCodeCache();
        return;
      }
      case "bench": {
        mark(`worker: bench ${req.job.mod} received`);
        hooks.context(req.job.mod);
        const result = await runBench(req.job, hooks);
        mark(`worker: bench ${req.job.mod} done`);
        send({ type: "result", id: req.id, result });
        saveCodeCache();  // a no-op after the probe's
        return;
      }
      case "sweep":
        hooks.context(req.job.mod);
        send({ type: "result", id: req.id, result: await runSweep(req.job, hooks) });
        return;
      case "heatMap":
        // Executes the user's file (top-level code and the mod) in this process, not in the
        // language server: the supervisor's watchdog stops one that never returns.
        hooks.context(req.job.params.mod);
        send({ type: "result", id: req.id, result: maskView(req.job.fileName, req.job.text, req.job.params) });
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

process.on("uncaughtException", (e) => {
  process.stderr.write(`runner worker: uncaught ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(70);
});
if (!Number.isInteger(channelFd) || channelFd < 3) {
  process.stderr.write("runner-worker.js is started by the scoremod runner supervisor, not directly\n");
  process.exit(2);
}
let queue = Promise.resolve();
// The host is trusted; its requests are bounded only by the job's source text.
const framer = new LineFramer(256 * 1024 * 1024);
process.stdin.on("data", (chunk: Buffer) => {
  for (const line of framer.push(chunk)) {
    const req = JSON.parse(line) as HostRequest;
    queue = queue.then(() => handle(req));
  }
});
// The supervisor closed our stdin (it was disposed or died): nothing more will come.
process.stdin.on("end", () => { void queue.then(() => process.exit(0)); });
markStart("worker");
send({ type: "ready", version: PROTOCOL_VERSION, pid: process.pid });
