// Benchmark (not a test): language-server start-up as the editor sees it — spawn the bundled
// server over stdio, send `initialize`, open an example, and time the first diagnostics.
// ARCHITECTURE.md "Performance bars": server ready in < 1.5 s.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const example = join(root, "examples/kv_bias.scoremod.ts");
const runs = Number(process.env.RUNS ?? 7);

function frame(msg) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...msg }), "utf8");
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
}

function once() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(root, "dist/server.js"), "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
    let buf = Buffer.alloc(0);
    const times = {};
    const timer = setTimeout(() => { child.kill(); reject(new Error("server did not answer in 20 s")); }, 20_000);
    child.stdout.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const sep = buf.indexOf("\r\n\r\n");
        if (sep < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, sep).toString())[1]);
        if (buf.length < sep + 4 + len) return;
        const msg = JSON.parse(buf.subarray(sep + 4, sep + 4 + len).toString("utf8"));
        buf = buf.subarray(sep + 4 + len);
        if (msg.id === 1 && msg.result) {
          times.initialize = performance.now() - t0;
          child.stdin.write(frame({ method: "initialized", params: {} }));
          child.stdin.write(frame({ method: "textDocument/didOpen", params: { textDocument: {
            uri: pathToFileURL(example).href, languageId: "scoremod", version: 1, text: readFileSync(example, "utf8") } } }));
        } else if (msg.method === "textDocument/publishDiagnostics" && times.initialize !== undefined) {
          times.diagnostics = performance.now() - t0;
          clearTimeout(timer);
          child.kill();
          resolve(times);
        } else if (msg.id !== undefined && msg.method) {
          child.stdin.write(frame({ id: msg.id, result: null })); // answer server->client requests
        }
      }
    });
    child.stdin.write(frame({ id: 1, method: "initialize", params: { processId: process.pid, rootUri: null, capabilities: {} } }));
  });
}

const res = [];
for (let i = 0; i < runs; i++) res.push(await once());
const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`language server start-up (dist/server.js over stdio), ${runs} runs, Node ${process.version}`);
console.log(`| step                                   | median ms | max ms |`);
console.log(`|----------------------------------------|-----------|--------|`);
for (const k of ["initialize", "diagnostics"]) {
  const xs = res.map((r) => r[k]);
  const label = k === "initialize" ? "spawn → initialize result" : "spawn → first diagnostics (kv_bias)";
  console.log(`| ${label.padEnd(38)} | ${med([...xs]).toFixed(0).padStart(9)} | ${Math.max(...xs).toFixed(0).padStart(6)} |`);
}
