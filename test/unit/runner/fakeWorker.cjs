// A stand-in for dist/runner-worker.js that misbehaves on request: the bench job's mod name
// picks the behaviour, so one supervisor can meet every fault in turn.
"use strict";
const fs = require("node:fs");
// The worker's message channel: the supervisor's pipe (SCOREMOD_RUNNER_FD), one JSON object per
// line; requests arrive as lines on stdin. Hostile behaviours write raw bytes to the channel.
const channelFd = Number(process.env.SCOREMOD_RUNNER_FD);
function raw(bytes) {
  const b = Buffer.from(bytes);
  let off = 0;
  while (off < b.length) {
    try { off += fs.writeSync(channelFd, b, off); } catch (e) { if (e.code !== "EAGAIN") throw e; }
  }
}
const send = (msg) => raw(JSON.stringify(msg) + "\n");
function onRequest(handler) {
  let buf = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 1); handler(JSON.parse(line)); }
  });
  process.stdin.on("end", () => process.exit(0));
}
send({ type: "ready", version: 1, pid: process.pid });
onRequest((req) => {
  const id = req.id;
  if (req.type === "probe") {
    send({ type: "result", id, result: { ok: false, reason: "no-device", detail: "fake", devices: [], driverVersion: 0 } });
    return;
  }
  const mod = req.job.mod;
  send({ type: "context", id, mod, load: "kvBias.at(b, h, kv)", line: 7 });
  switch (mod) {
    case "ok":
      send({ type: "progress", id, stage: "launch" });
      send({ type: "result", id, result: { mod, pid: process.pid } });
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
          send({ type: "progress", id, stage: "rep", detail: String(n) });
          if (++n === 20) { clearInterval(t); send({ type: "result", id, result: { mod, pid: process.pid } }); }
        }, 40); }
      break;
    case "chatty":  // prints on stdout, then dies: the parent must capture it, not echo it
      process.stdout.write("NOISE-ON-STDOUT from the worker\n", () => process.exit(3));
      break;
    case "malformed":
      send({ type: "result", id });
      break;
    case "garbage":
      send(42);
      break;
    case "wrong-id":
      send({ type: "result", id: id + 100, result: {} });
      break;
    case "fault":
      send({ type: "error", id, error: { kind: "fault", message: "cuCtxSynchronize: CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access was encountered)" } });
      break;
    case "oob":  // faults, but the bounds-checked build finds the index
      if (req.job.checks && req.job.checks.bounds) {
        send({ type: "error", id, error: { kind: "bounds", message: "mod 'oob': aux index out of range: table in table.at(h, idx.at(kv)) at line 9, dim 1: index 99 not in [0, 64)", tensor: "table", line: 9 } });
      } else {
        send({ type: "error", id, error: { kind: "fault", message: "mod 'oob': the kernel faulted: CUDA_ERROR_ILLEGAL_ADDRESS" } });
      }
      break;
    case "not-json":  // a line on the message channel that is not JSON
      raw("this is not JSON {\n");
      break;
    case "no-newline":  // bytes without end on the message channel: must be cut off at the cap
      { const chunk = "x".repeat(64 * 1024); const t = setInterval(() => { for (let i = 0; i < 16; i++) raw(chunk); }, 1); void t; }
      break;
    case "huge":  // one well-formed message far over the size cap
      send({ type: "progress", id, stage: "rep", detail: "y".repeat(4 * 1024 * 1024) });
      break;
    case "half-then-exit":  // a message cut off by the worker's exit
      raw('{"type":"result","id":' + id + ',"res');
      process.exit(0);
      break;
    case "stdout-fd":  // writes to fd 1 directly (as a driver's printf would), then succeeds
      fs.writeSync(1, "RAW-STDOUT-FROM-THE-WORKER\n");
      process.stdout.write("JS-STDOUT-FROM-THE-WORKER\n");
      send({ type: "result", id, result: { mod, pid: process.pid } });
      break;
    case "refused":
      send({ type: "error", id, error: { kind: "refused", message: "kv_bias.data_ptr() % 16 == 0 fails", tensor: "kv_bias", obligation: "kv_bias.data_ptr() % 16 == 0" } });
      break;
    default:
      send({ type: "error", id, error: { kind: "internal", message: `fake worker: unknown mod ${mod}` } });
  }
});
