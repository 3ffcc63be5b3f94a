// Custom requests with hostile parameters (issue 14, item 8): an invalid vecSize or export
// flavour is a clear error, not silently replaced by a default; cancelling a PTX request stops
// nvcc (and whatever nvcc started).
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CancellationTokenSource } from "vscode-jsonrpc/node";
import { startHarness, type Harness } from "./harness";

const root = join(__dirname, "..", "..");
const KV_BIAS = readFileSync(join(root, "examples", "kv_bias.scoremod.ts"), "utf8");
const uri = "file:///ws/requests.scoremod.ts";
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.open(uri, KV_BIAS, 1);
  await h.waitFor(uri, 1);
});
afterAll(() => h.close());

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

describe("request parameters", () => {
  test.each([3, 0, -8, 1.5, 256, 6442450944, "8"])("scoremod/cuda with vecSize %s is refused with the reason", async (vecSize) => {
    const r = await h.rpc.sendRequest("scoremod/cuda", { uri, mod: "kvBiasMod", vecSize }) as { ok: boolean; error?: string; vecSize?: number };
    expect(r.ok, JSON.stringify(r).slice(0, 200)).toBe(false);
    expect(r.error).toMatch(/vecSize must be a power of two from 1 to 128/);
  });

  test("a valid vecSize is used", async () => {
    const r = await h.rpc.sendRequest("scoremod/cuda", { uri, mod: "kvBiasMod", vecSize: 4 }) as { ok: boolean; vecSize: number };
    expect(r).toMatchObject({ ok: true, vecSize: 4 });
  });

  test("scoremod/ptx checks vecSize too", async () => {
    const r = await h.rpc.sendRequest("scoremod/ptx", { uri, mod: "kvBiasMod", vecSize: 12 }) as { ok: boolean; error?: string };
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/vecSize must be a power of two/) });
  });

  test.each(["pytorch", "", "FA4", 7])("scoremod/export with flavour %s is refused with the reason", async (flavor) => {
    const r = await h.rpc.sendRequest("scoremod/export", { uri, mod: "kvBiasMod", flavor }) as { ok: boolean; error?: string };
    expect(r.ok, JSON.stringify(r).slice(0, 200)).toBe(false);
    expect(r.error).toMatch(/flavor must be "fa4" or "flex"/);
  });

  test.runIf(process.platform !== "win32")("cancelling scoremod/ptx kills nvcc and its children", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scoremod-fake-nvcc-"));
    try {
      // A stand-in nvcc that starts a child (as nvcc starts cicc and ptxas) and never finishes.
      const nvcc = join(dir, "nvcc");
      writeFileSync(nvcc, `#!/bin/sh\necho $$ > "${dir}/nvcc.pid"\nsleep 300 &\necho $! > "${dir}/child.pid"\nwait\n`);
      chmodSync(nvcc, 0o755);
      await h.rpc.sendNotification("workspace/didChangeConfiguration", { settings: { scoremod: { nvccPath: nvcc } } });
      const cts = new CancellationTokenSource();
      const reply = h.rpc.sendRequest("scoremod/ptx", { uri, mod: "kvBiasMod" }, cts.token) as Promise<{ ok: boolean; error?: string }>;
      for (let i = 0; i < 500 && !existsSync(join(dir, "child.pid")); i++) await new Promise((r) => setTimeout(r, 10));
      const pids = ["nvcc.pid", "child.pid"].map((f) => Number(readFileSync(join(dir, f), "utf8")));
      expect(pids.every(alive)).toBe(true);
      cts.cancel();
      const r = await reply.catch((e: unknown) => ({ ok: false, error: String(e) }));
      expect(r.ok).toBe(false);
      for (let i = 0; i < 200 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 10));
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      await h.rpc.sendNotification("workspace/didChangeConfiguration", { settings: { scoremod: { nvccPath: "" } } });
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
