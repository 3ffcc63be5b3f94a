// The packaged extension carries the DSL's typings, and go-to-definition into the DSL opens them
// there: the .vsix's staged folder (scripts/package-vsix.mjs --stage-only: exactly what vsce
// packs) is laid out as installed, and its own dist/server.js answers textDocument/definition on
// `scoreMod` with runtime/index.d.ts inside that folder. Needs the bundles (npm test builds first).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";

const root = join(__dirname, "..", "..");
const stage = join(mkdtempSync(join(tmpdir(), "scoremod-vsix-")), "extension");
let child: ChildProcess | undefined;
let rpc: MessageConnection | undefined;

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, "scripts/package-vsix.mjs"), "--stage-only", "--stage", stage], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`package-vsix --stage-only failed (run node scripts/build.mjs first): ${r.stderr}`);
  child = spawn(process.execPath, [join(stage, "dist/server.js"), "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  rpc.listen();
}, 120_000);

afterAll(() => { rpc?.dispose(); child?.kill(); rmSync(join(stage, ".."), { recursive: true, force: true }); });

test("the staged .vsix holds runtime/index.d.ts, the same text the analysis embeds", () => {
  expect(readFileSync(join(stage, "runtime/index.d.ts"), "utf8")).toBe(readFileSync(join(root, "runtime/index.d.ts"), "utf8"));
});

test("go-to-definition on scoreMod opens the packaged typings", async () => {
  await rpc!.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  await rpc!.sendNotification("initialized", {});
  const uri = "file:///vsix/m.scoremod.ts";
  const text = 'import { scoreMod } from "scoremod";\nexport const m = scoreMod((s, b, h, q, kv) => s);\n';
  const published = new Promise<void>((resolve) => rpc!.onNotification("textDocument/publishDiagnostics", (p: { uri: string }) => { if (p.uri === uri) resolve(); }));
  await rpc!.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "scoremod", version: 1, text } });
  await published;
  const defs = await rpc!.sendRequest("textDocument/definition", { textDocument: { uri }, position: { line: 1, character: 18 } }) as { uri: string; range: { start: { line: number } } }[];
  expect(defs.length).toBeGreaterThan(0);
  const file = fileURLToPath(defs[0]!.uri);
  expect(file).toBe(join(stage, "runtime/index.d.ts"));
  expect(existsSync(file)).toBe(true);
  expect(readFileSync(file, "utf8").split("\n")[defs[0]!.range.start.line]).toContain("scoreMod");
}, 60_000);
