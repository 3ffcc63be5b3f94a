// One frame with a wrong Content-Length over --stdio (issue 14, item 8): the server used to stay
// alive but deaf (vscode-jsonrpc's reader stays mid-message and drops everything after). Now it
// says why on stderr and exits with code 1, so the client restarts it. A well-framed message that
// is not JSON is only logged: the stream is still in sync.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FrameMonitor, MAX_HEADER_BYTES } from "../../server/src/lsp/framing";

const root = join(__dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "scoremod-lsp-framing-"));
const bundle = join(dir, "server.js");

beforeAll(async () => {
  await build({
    entryPoints: [join(root, "server/src/lsp/main.ts")], outfile: bundle, bundle: true, platform: "node", target: "node20",
    format: "cjs", external: ["vscode"], logLevel: "error",
  });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frame = (msg: object, lengthDelta = 0): Buffer => {
  const body = Buffer.from(JSON.stringify(msg));
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length + lengthDelta}\r\n\r\n`), body]);
};
const INIT = { jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } };

interface Server { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> }
let server: Server | null = null;
afterEach(() => { server?.child.kill(); server = null; });

function start(): Server {
  const child = spawn(process.execPath, [bundle, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "", err = "";
  child.stdout!.on("data", (d) => { out += d; });
  child.stderr!.on("data", (d) => { err += d; });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function until(pred: () => boolean, ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms;) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return pred();
}

describe("stdio framing", () => {
  it.each([
    ["too short", -7],
    ["too long", +25],
  ])("a Content-Length %s makes the server exit with an error, not go deaf", async (_, delta) => {
    server = start();
    server.child.stdin!.write(frame(INIT));
    expect(await until(() => server!.out().includes('"id":1'), 30_000)).toBe(true);
    server.child.stdin!.write(frame({ jsonrpc: "2.0", method: "initialized", params: {} }, delta));
    server.child.stdin!.write(frame({ jsonrpc: "2.0", id: 2, method: "shutdown" }));
    server.child.stdin!.write(frame({ jsonrpc: "2.0", id: 3, method: "shutdown" }));
    const code = await Promise.race([server.exited, new Promise<"alive">((r) => setTimeout(() => r("alive"), 10_000))]);
    expect(code, `stdout: ${server.out().slice(-300)}\nstderr: ${server.err()}`).toBe(1);
    expect(server.err()).toMatch(/LSP input stream is out of sync .*Content-Length was probably wrong/);
  }, 60_000);

  it("a well-framed body that is not JSON is not fatal", async () => {
    server = start();
    server.child.stdin!.write(frame(INIT));
    expect(await until(() => server!.out().includes('"id":1'), 30_000)).toBe(true);
    const junk = Buffer.from("{ not json");
    server.child.stdin!.write(Buffer.concat([Buffer.from(`Content-Length: ${junk.length}\r\n\r\n`), junk]));
    server.child.stdin!.write(frame({ jsonrpc: "2.0", id: 2, method: "shutdown" }));
    expect(await until(() => server!.out().includes('"id":2'), 10_000)).toBe(true);
    expect(server.child.exitCode).toBeNull();
  }, 60_000);
});

describe("FrameMonitor", () => {
  const one = frame({ a: 1 }), two = frame({ b: "é".repeat(50) });
  it("follows well-formed frames split at every byte", () => {
    const m = new FrameMonitor();
    const all = Buffer.concat([one, two, Buffer.from("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"), one]);
    for (let i = 0; i < all.length; i++) expect(m.push(all.subarray(i, i + 1))).toBeNull();
    expect(m.frames).toBe(3);
  });
  it("breaks on a header without Content-Length, a runaway header and an absurd length", () => {
    expect(new FrameMonitor().push(Buffer.from("X-Other: 1\r\n\r\n{}"))).toMatch(/without Content-Length/);
    expect(new FrameMonitor().push(Buffer.alloc(MAX_HEADER_BYTES + 10, 120))).toMatch(/no end of header/);
    expect(new FrameMonitor().push(Buffer.from("Content-Length: 99999999999\r\n\r\n"))).toMatch(/over the .*limit/);
  });
});
