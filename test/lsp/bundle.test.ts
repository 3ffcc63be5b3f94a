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
    env: { ...process.env, SCOREMOD_HEATMAP_TIMEOUT_MS: "2000" },
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
  // Requests that reach the runtime (float64 reference) and nvcc work from the bundle too.
  const heat = await rpc.sendRequest("scoremod/heatMap", { uri, mod: "kvBiasMod", size: 4 }) as { ok: boolean; error?: string };
  expect(heat.ok).toBe(false); // not trusted: this server was not told the workspace is trusted
  expect(heat.error).toMatch(/not trusted/);
  await rpc.sendNotification("workspace/didChangeConfiguration", { settings: { scoremod: { trusted: true } } });
  const heat2 = await rpc.sendRequest("scoremod/heatMap", { uri, mod: "kvBiasMod", size: 4 }) as { ok: boolean; error?: string; window: { out: unknown[] } };
  expect(heat2.ok, heat2.error).toBe(true);
  expect(heat2.window.out).toHaveLength(16);
  expect(heat2.window.out.every((v) => typeof v === "number" && Number.isFinite(v))).toBe(true);
  const cuda = await rpc.sendRequest("scoremod/cuda", { uri, mod: "kvBiasMod" }) as { ok: boolean; code: string };
  expect(cuda.ok).toBe(true);
  expect(cuda.code).toContain("__device__");

  // A trusted file whose top-level code never returns: the heat map gives up, the server lives.
  const loopUri = "file:///bundle/loop.scoremod.ts";
  // (A loop with no analysis error: an error outside the mod would block it, ModFact.blocking.)
  const loopText = text + "\nfor (;;) { /* never returns */ }\n";
  await rpc.sendNotification("textDocument/didOpen", { textDocument: { uri: loopUri, languageId: "scoremod", version: 1, text: loopText } });
  const stuck = await rpc.sendRequest("scoremod/heatMap", { uri: loopUri, mod: "kvBiasMod", size: 4 }) as { ok: boolean; error?: string };
  expect(stuck.ok).toBe(false);
  expect(stuck.error).toMatch(/did not finish within 2000 ms/);
  const after = await rpc.sendRequest("textDocument/hover", { textDocument: { uri }, position: { line, character: lines[line].indexOf("kvBias.at(") + 2 } }) as { contents: { value: string } };
  expect(after.contents.value).toContain("contiguous");
  await rpc.sendRequest("shutdown");
}, 60_000);
