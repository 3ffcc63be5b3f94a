// `scoremod bench` on a machine without a GPU: the analysis runs, the plan is printed, the GPU
// part is skipped with the probe's reason, exit 0; bad usage is exit 2 with a clear message.
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { parseShape, run } from "../../../server/src/cli/bench";
import * as native from "../../../csrc/index";

const example = (n: string) => fileURLToPath(new URL(`../../../examples/${n}.scoremod.ts`, import.meta.url));
async function bench(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}
const gpu = native.probe().ok;

describe.skipIf(gpu)("scoremod bench without a GPU", () => {
  it("prints the plan and says why the GPU part was skipped", async () => {
    const r = await bench([example("kv_bias")]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/bench kvBiasMod \(score mod, V=8\) on B1 H16 Q8192 KV8192 D128 bf16: 1 aux load\(s\): kvBias\.at\(b, h, kv\) contiguous 16 B/);
    expect(r.out).toMatch(/GPU part skipped \((no-driver|no-device|no-nvrtc|no-addon): .+\); the analysis above ran, nothing was launched/);
  });

  it("--json carries the plan and the probe reason", async () => {
    const r = await bench([example("softcap"), "--mod", "softcap", "--pair", "causal", "--sweep", "--shape", "2,8,1024,1024,64", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { plan: string[]; gpu: { skipped: boolean; reason: string } };
    expect(j.gpu.skipped).toBe(true);
    expect(j.plan[0]).toMatch(/^sweep softcap \(score mod, V in \{1\.\.128\} x align in \{elem, 4, 8, 16\}, with causal\) on B2 H8 Q1024 KV1024 D64/);
  });

  it("--vec overrides the mod's V in the plan", async () => {
    const r = await bench([example("kv_bias"), "--vec", "32"]);
    expect(r.out).toMatch(/V=32/);
  });
});

describe("scoremod bench usage errors", () => {
  it.each([
    [["--vec", "3"], /--vec must be a power of two/],
    [["--shape", "1,2,3"], /--shape needs B,H,Q,KV,D/],
    [["--shape", "1,16,128,128,96"], /head dim D must be 64 or 128/],
    [["--mod", "nope"], /no mod named 'nope'/],
    [["--pair", "causal"], /--pair needs --mod/],
    [["--kernel", "fast"], /--kernel must be auto, wgmma or mma, got 'fast'/],
    [["--compare", "--sweep"], /does not combine with --sweep/],
    [["--vs-none", "--sweep"], /--vs-none runs one configuration; it does not combine with --sweep/],
    [["--reps", "-1"], /--reps must be between 1 and 100000, got -1/],
    [["--timeout", "0"], /--timeout must be between 1 and 86400 seconds, got 0/],
  ])("%j", async (extra, re) => {
    const r = await bench([example("kv_bias"), ...extra]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(re);
  });

  it("a missing file is exit 2", async () => {
    const r = await bench(["/nonexistent/x.scoremod.ts"]);
    expect(r.code).toBe(2);
  });

  it("parses GQA shapes", () => {
    expect(parseShape("1,16,128,256,64,4")).toEqual({ B: 1, H: 16, Q: 128, KV: 256, D: 64, Hkv: 4 });
    expect(() => parseShape("1,16,128,256,64,5")).toThrow(/Hkv = 5 must divide H = 16/);
    expect(() => parseShape("100000000000000000000,16,128,256,64")).toThrow(/too large/);
    expect(() => parseShape("1,16,4294967296,256,64")).toThrow(/too large/);
  });
});
