// The bundled server (what the extension ships: esbuild of server/src/lsp/main.ts, as
// scripts/build.mjs makes dist/server.js) as a child process over stdio: it starts, answers
// initialize quickly, publishes diagnostics and hovers an example.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";

const root = join(__dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "scoremod-lsp-bundle-"));
const bundle = join(dir, "server.js");
let child: ChildProcess;
let rpc: MessageConnection;

beforeAll(async () => {
  await build({
    entryPoints: [join(root, "server/src/lsp/main.ts")], outfile: bundle, bundle: true, platform: "node", target: "node20",
    format: "cjs", external: ["vscode"], logLevel: "error",
  });
  child = spawn(process.execPath, [bundle, "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  rpc.listen();
}, 120_000);

afterAll(() => { rpc?.dispose(); child?.kill(); rmSync(dir, { recursive: true, force: true }); });

test("bundled server over stdio: initialize, diagnostics, hover", async () => {
  const t0 = performance.now();
  const init = await rpc.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { target: "fa4-sm100" } }) as { capabilities: { hoverProvider: boolean } };
  const initMs = performance.now() - t0;
  expect(init.capabilities.hoverProvider).toBe(true);
  expect(initMs).toBeLessThan(15_000); // generous: CI machines vary; the 1.5 s bar is a benchmark, not a test
  await rpc.sendNotification("initialized", {});
  const uri = "file:///bundle/kv_bias.scoremod.ts";
  const text = readFileSync(join(root, "examples/kv_bias.scoremod.ts"), "utf8");
  const published = new Promise<{ version?: number }>((resolve) => rpc.onNotification("textDocument/publishDiagnostics", (p: { uri: string; version?: number }) => { if (p.uri === uri) resolve(p); }));
  await rpc.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "scoremod", version: 1, text } });
  expect((await published).version).toBe(1);
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes("kvBias.at("));
  const hover = await rpc.sendRequest("textDocument/hover", { textDocument: { uri }, position: { line, character: lines[line].indexOf("kvBias.at(") + 2 } }) as { contents: { value: string } };
  expect(hover.contents.value).toContain("contiguous");
  // The server never executes workspace code: heat maps are the runner worker's (realWorker.test.ts).
  await expect(rpc.sendRequest("scoremod/heatMap", { uri, mod: "kvBiasMod", size: 4 })).rejects.toThrow(/Unhandled method/);
  const cuda = await rpc.sendRequest("scoremod/cuda", { uri, mod: "kvBiasMod" }) as { ok: boolean; code: string };
  expect(cuda.ok).toBe(true);
  expect(cuda.code).toContain("__device__");

  await rpc.sendRequest("shutdown");
}, 60_000);
