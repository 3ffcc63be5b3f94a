// A stand-in for dist/runner-worker.js that misbehaves on request: the bench job's mod name
// picks the behaviour, so one supervisor can meet every fault in turn.
"use strict";
process.send({ type: "ready", version: 1, pid: process.pid });
process.on("message", (req) => {
  const id = req.id;
  if (req.type === "probe") {
    process.send({ type: "result", id, result: { ok: false, reason: "no-device", detail: "fake", devices: [], driverVersion: 0 } });
    return;
  }
  const mod = req.job.mod;
  process.send({ type: "context", id, mod, load: "kvBias.at(b, h, kv)", line: 7 });
  switch (mod) {
    case "ok":
      process.send({ type: "progress", id, stage: "launch" });
      process.send({ type: "result", id, result: { mod, pid: process.pid } });
      break;
    case "crash":  // like a driver abort inside a kernel launch
      process.exit(134);
      break;
    case "segv":
      process.kill(process.pid, "SIGSEGV");
      break;
    case "hang":  // a kernel that never finishes: the JS thread is free but nothing progresses
      setInterval(() => {}, 1000);
      break;
    case "slow":  // long but alive: progress keeps the watchdog quiet
      { let n = 0; const t = setInterval(() => {
          process.send({ type: "progress", id, stage: "rep", detail: String(n) });
          if (++n === 20) { clearInterval(t); process.send({ type: "result", id, result: { mod, pid: process.pid } }); }
        }, 40); }
      break;
    case "chatty":  // prints on stdout, then dies: the parent must capture it, not echo it
      process.stdout.write("NOISE-ON-STDOUT from the worker\n", () => process.exit(3));
      break;
    case "malformed":
      process.send({ type: "result", id });
      break;
    case "garbage":
      process.send(42);
      break;
    case "wrong-id":
      process.send({ type: "result", id: id + 100, result: {} });
      break;
    case "fault":
      process.send({ type: "error", id, error: { kind: "fault", message: "cuCtxSynchronize: CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access was encountered)" } });
      break;
    case "oob":  // faults, but the bounds-checked build finds the index
      if (req.job.checks && req.job.checks.bounds) {
        process.send({ type: "error", id, error: { kind: "bounds", message: "mod 'oob': aux index out of range: table in table.at(h, idx.at(kv)) at line 9, dim 1: index 99 not in [0, 64)", tensor: "table", line: 9 } });
      } else {
        process.send({ type: "error", id, error: { kind: "fault", message: "mod 'oob': the kernel faulted: CUDA_ERROR_ILLEGAL_ADDRESS" } });
      }
      break;
    case "refused":
      process.send({ type: "error", id, error: { kind: "refused", message: "kv_bias.data_ptr() % 16 == 0 fails", tensor: "kv_bias", obligation: "kv_bias.data_ptr() % 16 == 0" } });
      break;
    default:
      process.send({ type: "error", id, error: { kind: "internal", message: `fake worker: unknown mod ${mod}` } });
  }
});
