// The runner's index-safety gate (server/src/runner/boundsGate.ts), without a GPU: a violated
// index refuses the run with load, index and witness; an unproven one asks for the bounds build.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { boundsGate } from "../../../server/src/runner/boundsGate";
import { RunnerError } from "../../../server/src/runner/types";

const ROOT = join(__dirname, "../../..");
const gate = (rel: string, shape: { B: number; H: number; Q: number; KV: number }) => {
  const f = join(ROOT, rel);
  const fa = analyze(f, readFileSync(f, "utf8"), { target: "runner-sm90", vecSize: 1 });
  return () => boundsGate(fa.mods.map((mod) => ({ fa, mod })), shape, {}, Object.fromEntries(fa.scalars.map((s) => [s.name, s.defaultValue])));
};

describe("boundsGate", () => {
  it("a table shorter than its index refuses the run before launch, naming load and witness", () => {
    let err: unknown;
    try { gate("test/gpu/fixtures/short_table.scoremod.ts", { B: 1, H: 4, Q: 256, KV: 256 })(); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(RunnerError);
    const info = (err as RunnerError).info;
    expect(info).toMatchObject({ kind: "bounds", mod: "shortBias", tensor: "short_bias", load: "shortBias_.at(h, kv)", line: 8 });
    expect(info.message).toMatch(/refused before launch: short_bias in shortBias_\.at\(h, kv\) at line 8, dim 1: index \d+ not in \[0, 128\) at b=\d+, h=\d+, q=\d+, kv=\d+/);
  });
  it("the same mod within its table's length is proven and needs no bounds build", () => {
    const r = gate("test/gpu/fixtures/short_table.scoremod.ts", { B: 1, H: 4, Q: 256, KV: 128 })();
    expect(r.unproven).toBe(false);
    expect(r.loads.map((l) => l.verdict)).toEqual(["proven"]);
  });
  it("an index tensor's values are not provable: the bounds build must run", () => {
    const r = gate("test/gpu/fixtures/out_of_range.scoremod.ts", { B: 1, H: 2, Q: 64, KV: 64 })();
    expect(r.unproven).toBe(true);
  });
  it("every example is proven in range at the benchmark shape", () => {
    for (const f of ["kv_bias", "full_bias", "alibi", "relative_position", "softcap", "document_mask", "prefix_lm"]) {
      const r = gate(`examples/${f}.scoremod.ts`, { B: 1, H: 16, Q: 8192, KV: 8192 })();
      expect(r.loads.filter((l) => l.verdict !== "proven").map((l) => `${f}: ${l.text} ${l.verdict}`)).toEqual([]);
    }
  });
});
