// The runner's pure pieces: output comparison (bitwise, tolerance, NaN), obligation checks
// against bound buffers, ptxas report parsing, align rewriting for the sweep, and input data.
import { describe, expect, it, vi } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { analyze, AnalysisHost } from "../../../server/src/analysis/index";
import type { Obligation } from "../../../server/src/analysis/facts";
import { decode16, errorCheck } from "../../../server/src/runner/compare";
import { ptxasInfo } from "../../../server/src/runner/compileInfo";
import { randomHalf } from "../../../server/src/runner/data";
import { bf16FromBits, f16FromBits } from "../../../runtime/src/dtypes";
import { checkObligation, kernelObligations, type BoundTensor } from "../../../server/src/runner/obligations";
import { mmaSmemBytes, readGeometry, wgAuxLayout, wgSmemBytes, WG_SMEM_MAX } from "../../../server/src/runner/source";
import { JobFile, jobFile, prepareMod } from "../../../server/src/runner/prepare";

const bf16 = (xs: number[]) => {
  const f = new Float32Array(xs), u = new Uint32Array(f.buffer);
  return new Uint8Array(new Uint16Array(Array.from(u, (x) => x >>> 16)).buffer);
};

describe("output checks", () => {
  it("tolerance: bf16 rounding passes, a real error fails, NaN (poisoned output) fails", () => {
    const ref = [0.5, -0.25, 1.0, 0.125];
    expect(errorCheck("reference-kernel", decode16(bf16(ref.map((x) => x * 1.002)), "bf16"), ref, "t").ok).toBe(true);
    expect(errorCheck("reference-kernel", [0.5, -0.25, 1.2, 0.125], ref, "t").ok).toBe(false);
    const poisoned = decode16(new Uint8Array([0xff, 0xff, 0, 0x3f, 0, 0x3f, 0, 0x3f]), "bf16");
    const r = errorCheck("reference-kernel", poisoned, [1, 0.5, 0.5, 0.5], "t");
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/1 outputs are NaN\/Inf \(first at element 0\)/);
  });

  it("decodes f16", () => {
    expect(Array.from(decode16(new Uint8Array([0x00, 0x3c, 0x00, 0xc0]), "f16"))).toEqual([1, -2]);
  });
});

describe("obligations", () => {
  const t: BoundTensor = { name: "kv_bias", ptr: 0x7f0000000102n, elemBytes: 2, shape: [1, 16, 8192], strides: [131072, 8192, 1], allocElements: 131072 };
  const tensors = new Map([[t.name, t]]);
  const ob = (o: Partial<Obligation>): Obligation => ({ kind: "ptr-align", text: "x", value: 16, tensor: "kv_bias", ...o });

  it.each([
    [ob({ kind: "ptr-align", value: 2 }), true],
    [ob({ kind: "ptr-align", value: 16 }), false],
    [ob({ kind: "stride-multiple", dim: 1, value: 8 }), true],
    [ob({ kind: "stride-multiple", dim: 2, value: 8 }), false],
    [ob({ kind: "dim-multiple", dim: "KV", value: 8, tensor: undefined }), true],
    [ob({ kind: "dim-multiple", dim: "KV", value: 3, tensor: undefined }), false],
    [ob({ kind: "in-bounds", value: 8 }), true],
    [ob({ tensor: "other" }), false],
  ])("%j -> %s", (o, ok) => {
    expect(checkObligation(o, tensors, { KV: 8192 }).ok).toBe(ok);
  });

  it("a failed check says what it saw", () => {
    expect(checkObligation(ob({ value: 16 }), tensors, {}).detail).toBe("kv_bias base pointer 0x7f0000000102 % 16 = 2");
  });

  it("the kernel's own: Q/K/V pointers 16-byte aligned, strides % 8", () => {
    const r = kernelObligations([{ name: "q", ptr: 0x1008n, strides: [1024, 64, 8] }, { name: "k", ptr: 0x1000n, strides: [1024, 60, 4] }]);
    expect(r.map((x) => x.ok)).toEqual([false, true, true, false]);
  });
});

describe("ptxas report", () => {
  const log = `ptxas info    : Compiling entry function 'a' for 'sm_90a'
ptxas info    : Function properties for a
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 92 registers, used 1 barriers
ptxas info    : Compiling entry function 'b' for 'sm_90a'
ptxas info    : Function properties for b
    16 bytes stack frame, 16 bytes spill stores, 20 bytes spill loads
ptxas info    : Used 255 registers, used 1 barriers`;
  it("reads the entry point's registers and spills", () => {
    expect(ptxasInfo(log, "a")).toEqual({ registers: 92, spillStores: 0, spillLoads: 0, stackBytes: 0 });
    expect(ptxasInfo(log, "b")).toEqual({ registers: 255, spillStores: 16, spillLoads: 20, stackBytes: 16 });
    expect(ptxasInfo(log, "c")).toBeNull();
  });
});

describe("sweep sources", () => {
  const file = fileURLToPath(new URL("../../../examples/kv_bias.scoremod.ts", import.meta.url));
  const text = readFileSync(file, "utf8");

  it("the align override travels in the analysis options (elem = element size); the text is not rewritten", () => {
    expect(analyze(file, text, { target: "runner-sm90", align: 4 }).tensors.map((t) => [t.align, t.alignExplicit])).toEqual([[4, true]]);
    expect(analyze(file, text, { target: "runner-sm90", align: "elem" }).tensors.map((t) => t.align)).toEqual([2]);
    expect(analyze(file, text, { target: "runner-sm90" }).tensors.map((t) => t.align)).toEqual([16]);
    const bad = analyze(file, text, { target: "runner-sm90", align: 3 });
    expect(bad.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([expect.stringContaining("align 3 is not a power of two")]);
    expect(bad.mods.every((m) => !m.ok)).toBe(true);
    expect(prepareMod(file, text, "kvBiasMod", { target: "runner-sm90", align: 4 }).text).toBe(text);
  });

  it("a job's file analyses each (target, V, align) once, shared by the mods and cells that ask again", () => {
    const jf = new JobFile(file, text);
    const spy = vi.spyOn(AnalysisHost.prototype, "analyze");
    const a = prepareMod(file, text, "kvBiasMod", { target: "runner-sm90", vec: 8, align: 16 }, jf);
    const b = prepareMod(file, text, "kvBiasMod", { target: "runner-sm90", vec: 4, align: 16 }, jf);
    expect(spy).toHaveBeenCalledTimes(3); // V = 8, V = 1 (shared), V = 4
    spy.mockRestore();
    expect(b.scalar).toEqual(a.scalar);
    expect(jf.analysis({ target: "runner-sm90", vecSize: 1, align: 16 })).toBe(jf.analysis({ target: "runner-sm90", vecSize: 1, align: 16 }));
    expect(jf.module()).toBe(jf.module());
  });

  it("jobs on the same text share one JobFile (the last four texts are kept)", () => {
    const a = jobFile(file, text);
    expect(jobFile(file, text)).toBe(a);
    expect(jobFile(file, text + "\n")).not.toBe(a);
    for (let i = 0; i < 4; i++) jobFile(file, `${text}\n// ${i}`);
    expect(jobFile(file, text)).not.toBe(a);  // evicted by four newer texts
  });

  it("re-analysis follows the align: 16 B allows one 8-wide load, elem only scalar loads", () => {
    const wide = prepareMod(file, text, "kvBiasMod", { target: "runner-sm90", align: 16 });
    const narrow = prepareMod(file, text, "kvBiasMod", { target: "runner-sm90", align: "elem" });
    expect(wide.mod.loads[0]!.widthElems).toBe(8);
    expect(narrow.mod.loads[0]!.widthElems).toBe(1);
    expect(narrow.vec.vecSize).toBe(8);
    expect(narrow.scalar.vecSize).toBe(1);
  });

  it("an unknown mod is an analysis error naming the mods", () => {
    expect(() => prepareMod(file, text, "nope", { target: "runner-sm90" })).toThrow(/no mod named 'nope'.*kvBiasMod/);
  });

  it("shared memory follows attention_launch.h's formula for the geometry", () => {
    expect(mmaSmemBytes(128, false, { warps: 4, kstages: 1 })).toBe((64 * 128 + 2 * 128 * 128) * 2);
    expect(mmaSmemBytes(64, true, { warps: 4, kstages: 1 })).toBe((64 * 64 + 2 * 128 * 64) * 2 + 64 * 128 * 4);
    expect(mmaSmemBytes(128, true, { warps: 8, kstages: 2 })).toBe((128 * 128 + 3 * 128 * 128) * 2 + 128 * 128 * 4);
  });

  it("the Hopper kernel's shared memory is attention_launch.h's formula, as g++ evaluates it", () => {
    const dir = fileURLToPath(new URL("../../../csrc/kernels", import.meta.url));
    const cases: [number, number, number, boolean][] = [[128, 0, 2, false], [64, 384, 3, false], [128, 32768, 3, true], [128, 33664, 2, false], [64, 32768, 3, false]];
    const check = (off: number) => {
      const asserts = cases.map(([D, aux, stages, q]) => `static_assert(SM_ATTN_WG_SMEM_BYTES(${D}, ${aux}, ${stages}, ${q ? 1 : 0}) == ${wgSmemBytes(D, aux, 128, { stages, qInAux: q }) + off}, "");`);
      const src = `#include "attention_launch.h"\n${asserts.join("\n")}\nstatic_assert(SM_ATTN_WG_SMEM_MAX == ${WG_SMEM_MAX}, "");\n`;
      execFileSync("g++", ["-fsyntax-only", "-x", "c++", `-I${dir}`, "-"], { input: src, stdio: ["pipe", "ignore", "ignore"] });
    };
    check(0);
    expect(() => check(128)).toThrow();  // the comparison can fail
  });

  it("gives the Hopper kernel's aux ring a third stage: rows where it fits, a tile where Q's memory is that stage", () => {
    // kv-bias row (384 B), D = 128: three stages beside Q.
    expect(wgAuxLayout(128, 384, 384, false, 176)).toEqual({ stages: 3, qInAux: false });
    // A 32 KB tile at D = 128: Q, K/V and two stages fill the 227 KB; Q's memory is the third stage.
    expect(wgAuxLayout(128, 32768, 32768, true, 128)).toEqual({ stages: 3, qInAux: true });
    expect(wgSmemBytes(128, 32768, 128, { stages: 3, qInAux: true })).toBeLessThanOrEqual(WG_SMEM_MAX);
    expect(wgSmemBytes(128, 32768, 128, { stages: 3, qInAux: false })).toBeGreaterThan(WG_SMEM_MAX);
    // At D = 64 a third stage would fit beside Q, but was measured slower there: two.
    expect(wgAuxLayout(64, 32768, 32768, true, 128)).toEqual({ stages: 2, qInAux: false });
    expect(wgAuxLayout(64, 384, 384, false, 128)).toEqual({ stages: 3, qInAux: false });
    // A tile plus rows and a mask's rows: no third stage even without Q; rows alone never displace Q.
    expect(wgAuxLayout(128, 33664, 33024, true, 128)).toEqual({ stages: 2, qInAux: false });
    expect(wgAuxLayout(128, 40960, 40960, false, 128)).toEqual({ stages: 2, qInAux: false });
    // No staging, or the A/B switch: two.
    expect(wgAuxLayout(128, 0, 0, false, 128)).toEqual({ stages: 2, qInAux: false });
    expect(wgAuxLayout(128, 32768, 32768, true, 128, { SCOREMOD_WG_AUX_STAGES: "2" })).toEqual({ stages: 2, qInAux: false });
  });

  it("reads the geometry defaults from the kernel header; env overrides", () => {
    const dir = fileURLToPath(new URL("../../../csrc/kernels", import.meta.url));
    const g = readGeometry(dir, {});
    const header = readFileSync(`${dir}/attention_launch.h`, "utf8");
    expect(g.warps).toBe(Number(/#define\s+SM_ATTN_MMA_WARPS\s+(\d+)/.exec(header)![1]));
    expect(readGeometry(dir, { SCOREMOD_MMA_WARPS: "4", SCOREMOD_MMA_KSTAGES: "2" })).toEqual({ warps: 4, kstages: 2 });
    expect(readGeometry("/nonexistent", {})).toEqual({ warps: 4, kstages: 1 });
  });
});

describe("input data", () => {
  it("random f16 inputs hold the f16 bits of their values, bf16 the bf16 bits", () => {
    for (const [dtype, fromBits] of [["f16", f16FromBits], ["bf16", bf16FromBits]] as const) {
      const { bytes, values } = randomHalf(1024, 5, dtype, true);
      const u16 = new Uint16Array(bytes.buffer);
      expect(values!.every((x, i) => x === fromBits(u16[i]!) && x !== 0 && Number.isFinite(x))).toBe(true);
    }
    // The same seed gives different bits in the two formats (f16 keeps 10 mantissa bits, bf16 7).
    expect(randomHalf(64, 5, "f16", false).bytes).not.toEqual(randomHalf(64, 5, "bf16", false).bytes);
  });

  it("random bf16 inputs have no zeros", () => {
    const { values } = randomHalf(4096, 3, "bf16", true);
    expect(values!.every((x) => x !== 0 && Number.isFinite(x))).toBe(true);
  });
});
