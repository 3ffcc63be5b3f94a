// Every program the GPU suite runs is generated and compiled here with nvcc for sm_90a (no GPU
// needed): the mod functions, the macros that plug them into the kernels, and the entry points
// must form valid CUDA for each example, at its V and at V = 1, plus a bounds-checked build.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as native from "../../../csrc/index";
import { nvccOrEmpty } from "../../../server/src/toolchain/nvcc";
import { buildProgram, mainGrid, readGeometry, wgBlockN, wgPeelTail, wgPersistent, WG_SMEM_MAX, type PreparedMod } from "../../../server/src/runner/source";
import { prepareJob, prepareMod } from "../../../server/src/runner/prepare";
import { CASES } from "../../gpu/cases";

const root = fileURLToPath(new URL("../../../", import.meta.url));
// The one nvcc finder (the addon searches for none; it runs the nvcc it is given).
const NVCC = nvccOrEmpty();
const hasNvcc = NVCC !== "";
const geometry = readGeometry(`${root}csrc/kernels`);
const fileOf = (c: { file: string; fixture?: boolean }) => `${root}${c.fixture ? "test/gpu/fixtures" : "examples"}/${c.file}.scoremod.ts`;

function prepared(c: { file: string; mod: string; pair?: string; fixture?: boolean }, hopper = false): { score?: PreparedMod; mask?: PreparedMod } {
  const f = fileOf(c);
  const text = readFileSync(f, "utf8");
  // The Hopper kernel's target caps V at 2 (the runner's planKernel does the same).
  const opts = hopper ? { target: "runner-hopper" as const, vec: 2 } : { target: "runner-sm90" as const };
  const a = prepareMod(f, text, c.mod, opts);
  const b = c.pair ? prepareMod(f, text, c.pair, opts) : undefined;
  return a.mod.kind === "score" ? { score: a, mask: b } : { score: b, mask: a };
}

describe("runner programs", () => {
  it("every case prepares, and its program plugs the V and V = 1 functions in", () => {
    for (const c of CASES) {
      const p = prepared(c);
      const prog = buildProgram({ ...p, build: "vec", dtype: "bf16", D: 128, bounds: false, geometry });
      expect(prog.mainKernel).toBe("sm_attn_fwd_mma_bf16_d128");
      const m = (p.score ?? p.mask)!;
      expect(prog.source).toContain(m.vec.functionName);
      expect(prog.source).toContain(`SM_REF_${m.mod.kind === "score" ? "SCORE" : "MASK"}_MOD`);
      expect(prog.source).toContain(m.scalar.functionName);
      expect(prog.defines).toEqual(["SM_ATTN_DTYPE_BF16", "SM_ATTN_D128", `SM_ATTN_MMA_WARPS=${geometry.warps}`, `SM_ATTN_MMA_KSTAGES=${geometry.kstages}`]);
    }
  });

  it("every case also builds for the Hopper kernel at V <= 2: its entry, its define, its launch shape", () => {
    for (const c of CASES) {
      const prog = buildProgram({ ...prepared(c, true), build: "vec", dtype: "bf16", D: 128, bounds: false, geometry, kernel: "wgmma" });
      expect(prog.mainKernel).toBe("sm_attn_fwd_wgmma_bf16_d128");
      expect(prog.defines).toContain("SM_ATTN_WGMMA");
      // Q (unless it lives in the aux ring) + K/V rings + 14 or 16 mbarriers (to 128 B) + the aux
      // ring (three stages of the staged bytes where they fit, else two) + slack.
      const aux = prog.auxStageBytes;
      const stages = aux === 0 ? 0 : Number(prog.defines.find((d) => d.startsWith("SM_WG_AUX_STAGES="))!.split("=")[1]);
      const qInAux = prog.defines.includes("SM_WG_Q_IN_AUX=1");
      expect(aux === 0 || stages === 3).toBe(true);
      expect([prog.threads, prog.blockM, prog.smemBytes]).toEqual([384, 128, ((qInAux ? 0 : 128 * 128) + 4 * 128 * 128) * 2 + 128 + stages * aux + 1024]);
      expect(prog.smemBytes).toBeLessThanOrEqual(WG_SMEM_MAX);
    }
  });

  it("stages the Hopper kernel's aux loads as the analysis says, in the vec build only", () => {
    const build = (label: string, b: "vec" | "scalar", bounds = false) =>
      buildProgram({ ...prepared(CASES.find((x) => x.label === label)!, true), build: b, dtype: "bf16", D: 128, bounds, geometry, kernel: "wgmma" });
    const kv = build("kv-bias", "vec");
    expect(kv.auxStageBytes).toBe(256);
    // A score mod runs through its own entry for this kernel (unscaled scores, float positions):
    // the staged twin here.
    expect(kv.source).toMatch(/#define SM_SCORE_MOD_WG\(s, scale, b, h, q, kv0, p, kvb, kvo, qf, qo, st, tq, tkv, stw, un\) sm_\w+_v2_st<SM_FLOAT_POSITIONS != 0>\(s, scale, b, h, q, kv0, p, kvb, kvo, qf, qo, st, tq, tkv, un\)\n/);
    expect(kv.source).not.toContain("SM_SCORE_MOD_ST");
    expect(kv.source).toMatch(/#define SM_SCORE_STAGE\(dst, bar, tmap, b, h, q0, kvt, Q, KV, p, t, nt\) sm_\w+_v2_stage\(/);
    expect(kv.auxTile).toBeNull();
    // A q-dependent load: its 128 x 128 bf16 tile, one TMA copy through a map of full_bias
    // [B, H, Q, KV] with dims kv, q, h, b.
    const full = build("full-bias", "vec");
    expect(full.auxStageBytes).toBe(128 * 128 * 2);
    expect(full.source).toMatch(/sm_tma_tile<4, 128, 2, 2>\(dst \+ 0, tmap, bar, \{kvt, q0, x1, x0\}\)/);
    expect(full.source).toContain("#define SM_SCORE_AUX_TILE 1");
    // The tile's values reach the mod as the pair's word the kernel read with ldmatrix (stw).
    expect(full.source).toMatch(/sm_\w+_v2_st<SM_FLOAT_POSITIONS != 0>\(s, scale, b, h, q, kv0, p, kvb, kvo, qf, qo, st, tq, tkv, stw, un\)\n/);
    expect(full.auxTile).toEqual({ slot: 0, dims: [3, 2, 1, 0] });
    expect(prepared(CASES.find((x) => x.label === "full-bias")!, true).score!.vec.aux[full.auxTile!.slot]!.name).toBe("full_bias");
    // A score mod and a mask mod both staged: the mask's row after the score's (128-byte aligned).
    const pair = build("kv-bias+document", "vec");
    expect(pair.source).toMatch(/#define SM_SCORE_AUX_BYTES 256\n/);
    expect(pair.source).toMatch(/#define SM_MASK_AUX_BYTES 512\n/);
    expect(pair.auxStageBytes).toBe(768);
    // The scalar and bounds-checked builds read global memory: the bitwise check compares the two paths.
    for (const p of [build("kv-bias", "scalar"), build("kv-bias", "vec", true), build("none", "vec")]) {
      expect(p.auxStageBytes).toBe(0);
      expect(p.source).not.toContain("SM_SCORE_MOD_ST");
      expect(p.source).toMatch(/#define SM_SCORE_MOD_WG\(.*\) sm_\w+_wg<SM_FLOAT_POSITIONS != 0>\(s, scale, b, h, q, kv0, p, kvb, kvo, qf, qo, un\)\n/);
    }
  });

  it("peels the Hopper kernel's tail tile unless the score mod loads a uniform value or reads staged aux and gathers nothing", () => {
    const peel = (label: string) => buildProgram({ ...prepared(CASES.find((x) => x.label === label)!, true), build: "vec", dtype: "bf16", D: 128, bounds: false, geometry, kernel: "wgmma" })
      .defines.find((d) => d.startsWith("SM_WG_PEEL_TAIL="));
    for (const label of ["none", "softcap", "causal", "softcap+causal", "relative-position", "spatial-bias", "document", "block-causal", "graph-distance"])
      expect(peel(label), label).toBe("SM_WG_PEEL_TAIL=1");
    for (const label of ["kv-bias", "full-bias", "alibi", "gated-decay", "low-rank-bias", "kv-bias+document"])
      expect(peel(label), label).toBe("SM_WG_PEEL_TAIL=0");
    // The override, and the scalar build deciding as the vec build does (it stages nothing).
    const spec = prepared(CASES.find((x) => x.label === "kv-bias")!, true);
    expect(wgPeelTail(spec, { SCOREMOD_WG_PEEL: "1" })).toBe(true);
    expect(wgPeelTail(spec, { SCOREMOD_WG_PEEL: "0" })).toBe(false);
    expect(buildProgram({ ...spec, build: "scalar", dtype: "bf16", D: 128, bounds: false, geometry, kernel: "wgmma" }).defines).toContain("SM_WG_PEEL_TAIL=0");
  });

  it("runs persistent Hopper blocks without a mask and without Q in the aux ring; launches one per SM at most", () => {
    const prog = (label: string) => buildProgram({ ...prepared(CASES.find((x) => x.label === label)!, true), build: "vec", dtype: "bf16", D: 128, bounds: false, geometry, kernel: "wgmma" });
    // The program's own decision, or wgPersistent's under an override (SCOREMOD_WG_PERSISTENT).
    const persistent = (label: string, env?: NodeJS.ProcessEnv) => {
      const p = prog(label);
      expect(p.defines).toContain(`SM_WG_PERSISTENT=${p.persistent ? 1 : 0}`);
      return env ? wgPersistent(prepared(CASES.find((x) => x.label === label)!, true), p.auxLayout, env) : p.persistent;
    };
    expect(["none", "kv-bias", "alibi", "softcap"].map((l) => persistent(l))).toEqual([true, true, true, true]);
    // Masks: work items of different sizes; full-bias: Q lives in the aux ring.
    expect(["causal", "softcap+causal", "document", "full-bias"].map((l) => persistent(l))).toEqual([false, false, false, false]);
    expect(persistent("none", { SCOREMOD_WG_PERSISTENT: "0" })).toBe(false);
    expect(persistent("causal", { SCOREMOD_WG_PERSISTENT: "1" })).toBe(true);
    expect(persistent("full-bias", { SCOREMOD_WG_PERSISTENT: "1" })).toBe(false);
    expect(buildProgram({ ...prepared(CASES.find((x) => x.label === "none")!), build: "vec", dtype: "bf16", D: 128, bounds: false, geometry }).persistent).toBe(false);
    // 64 query blocks x 16 heads on 132 SMs; fewer items than SMs; one block per item otherwise.
    const p = prog("none");
    expect(mainGrid(p, 8192, 16, 1, 132)).toEqual([132, 1, 1]);
    expect(mainGrid(p, 1000, 2, 3, 132)).toEqual([48, 1, 1]);
    expect(mainGrid(prog("causal"), 1000, 2, 3, 132)).toEqual([8, 2, 3]);
  });

  it("widens the Hopper kernel's kv tiles to 176 only without a mask and without per-element aux loads, at D = 128", () => {
    const width = (label: string, D = 128, env: NodeJS.ProcessEnv = {}) => wgBlockN({ ...prepared(CASES.find((x) => x.label === label)!, true), kernel: "wgmma", D }, env);
    // alibi's one load is uniform, kv-bias's is a staged row.
    expect(["none", "alibi", "kv-bias"].map((l) => width(l))).toEqual([176, 176, 176]);
    // Special-function math (softcap: a division and tanh), a staged tile, per-element loads, masks: 128.
    expect(["softcap", "full-bias", "relative-position", "causal", "softcap+causal", "document"].map((l) => width(l))).toEqual([128, 128, 128, 128, 128, 128]);
    // Without staging kv-bias's row would be a per-element load.
    expect(width("kv-bias", 128, { SCOREMOD_AUX_STAGE: "0" })).toBe(128);
    expect(width("none", 64)).toBe(128);
    expect(width("none", 128, { SCOREMOD_WG_BLOCK_N: "128" })).toBe(128);
    expect(wgBlockN({ ...prepared(CASES.find((x) => x.label === "none")!, true), kernel: "mma", D: 128 }, {})).toBe(128);
    // The width reaches the kernel (a define), the launch (shared memory: K/V rings of 176 rows) and the host (blockN: boxes, block map).
    const prog = buildProgram({ ...prepared(CASES.find((x) => x.label === "none")!, true), build: "scalar", dtype: "bf16", D: 128, bounds: false, geometry, kernel: "wgmma", blockN: 176 });
    expect(prog.defines).toContain("SM_ATTN_WG_BLOCK_N=176");
    expect([prog.blockN, prog.smemBytes]).toEqual([176, (128 * 128 + 4 * 176 * 128) * 2 + 128 + 1024]);
  });

  it("compiles float positions for a run within the analysis's limit only, in every build", () => {
    const c = CASES.find((x) => x.label === "alibi")!;
    const text = readFileSync(fileOf(c), "utf8");
    const at = (Q: number, KV: number) => prepareJob({ sm: 90, name: "H100" }, { fileName: fileOf(c), text, mod: c.mod, shape: { B: 1, H: 2, Q, KV, D: 128 } });
    const small = at(8192, 8192);
    expect([small.programs.vec.floatPositions, small.programs.scalar.floatPositions, small.programs.bounds().floatPositions]).toEqual([true, true, true]);
    expect(small.programs.vec.defines).toContain("SM_FLOAT_POSITIONS=1");
    const huge = at(2 ** 23, 2 ** 23);
    expect(huge.programs.vec.floatPositions).toBe(false);
    expect(huge.programs.vec.defines.some((d) => d.startsWith("SM_FLOAT_POSITIONS"))).toBe(false);
    // kv-bias has no position converted to float.
    const kv = CASES.find((x) => x.label === "kv-bias")!;
    const p = prepareJob({ sm: 90, name: "H100" }, { fileName: fileOf(kv), text: readFileSync(fileOf(kv), "utf8"), mod: kv.mod, shape: { B: 1, H: 2, Q: 256, KV: 256, D: 128 } });
    expect(p.programs.vec.floatPositions).toBe(false);
  });

  it("prepares a job on 176-column tiles with its staged row that wide, in every build", () => {
    const c = CASES.find((x) => x.label === "kv-bias")!;
    const text = readFileSync(fileOf(c), "utf8");
    const job = { fileName: fileOf(c), text, mod: c.mod, shape: { B: 1, H: 2, Q: 256, KV: 256, D: 128 } };
    const p = prepareJob({ sm: 90, name: "H100" }, job);
    expect(p.primary.fa.tileN).toBe(176);
    expect([p.programs.vec.blockN, p.programs.scalar.blockN, p.programs.bounds().blockN]).toEqual([176, 176, 176]);
    expect(p.programs.vec.auxStageBytes).toBe(384);  // 176 bf16 values, to 128 bytes
    expect(p.programs.vec.source).toContain("one row of 176, 16 B chunks");
    expect(p.programs.scalar.defines).toContain("SM_ATTN_WG_BLOCK_N=176");
    // A mask pair stays on 128-column tiles, its rows 128 wide.
    const pair = prepareJob({ sm: 90, name: "H100" }, { ...job, fileName: fileOf({ file: "bias_document", fixture: true }), text: readFileSync(fileOf({ file: "bias_document", fixture: true }), "utf8"), mod: "biasMod", pair: "docMask" });
    expect([pair.programs.vec.blockN, pair.primary.fa.tileN]).toEqual([128, undefined]);
    expect(pair.programs.vec.source).toContain("one row of 128");
  });

  it("refuses to build the Hopper kernel with a mod wider than a pair", () => {
    const kv = prepared(CASES.find((x) => x.label === "kv-bias")!);
    expect(kv.score!.vec.vecSize).toBe(8);
    expect(() => buildProgram({ ...kv, build: "vec", dtype: "bf16", D: 128, bounds: false, geometry, kernel: "wgmma" })).toThrow(/V <= 2/);
  });

  it("the fault-injection fixture analyses cleanly (its fault is at run time)", () => {
    const p = prepared({ file: "out_of_range", mod: "farGather", fixture: true });
    expect(p.score!.mod.loads.map((l) => l.class)).toContain("gather");
  });

  it.runIf(hasNvcc)("compiles with nvcc for sm_90a: V builds, a V = 1 build and a bounds-checked build", async () => {
    const kernels = `${root}csrc/kernels`;
    // A representative subset keeps CI fast (each compile is ~1 s of nvcc): a contiguous
    // vector load, a score+mask pair, a gather, plus the scalar and bounds-checked builds.
    const subset = CASES.filter((c) => ["kv-bias", "softcap+causal", "relative-position"].includes(c.label));
    const jobs = subset.map((c) => ({ c, prog: buildProgram({ ...prepared(c), build: "vec", dtype: "bf16", D: 128, bounds: false, geometry }) }));
    const kv = prepared(CASES.find((c) => c.label === "kv-bias")!);
    jobs.push({ c: CASES[1]!, prog: buildProgram({ ...kv, build: "scalar", dtype: "bf16", D: 64, bounds: false, geometry }) });
    jobs.push({ c: CASES[1]!, prog: buildProgram({ ...prepared({ file: "out_of_range", mod: "farGather", fixture: true }), build: "vec", dtype: "bf16", D: 64, bounds: true, geometry }) });
    // A mask wide enough to go through the staged S tile (its full-tile skip and the pre-pass at V = 8).
    const docFile = fileOf({ file: "document_mask" });
    const doc = prepareMod(docFile, readFileSync(docFile, "utf8"), "documentMask", { target: "runner-sm90", vec: 8 });
    jobs.push({ c: CASES[1]!, prog: buildProgram({ mask: doc, build: "vec", dtype: "bf16", D: 64, bounds: false, geometry }) });
    // The Hopper kernel: staged contiguous loads (one row, a full tile) at V = 2 and a score+mask pair.
    for (const label of ["kv-bias", "full-bias", "softcap+causal", "kv-bias+document"]) {
      const c = CASES.find((x) => x.label === label)!;
      jobs.push({ c, prog: buildProgram({ ...prepared(c, true), build: "vec", dtype: "bf16", D: 128, bounds: false, geometry, kernel: "wgmma" }) });
    }
    // ... a staged tile at D = 64 (two stages beside Q; at D = 128 Q's own memory is the third).
    const fb = CASES.find((x) => x.label === "full-bias")!;
    const fb64 = buildProgram({ ...prepared(fb, true), build: "vec", dtype: "bf16", D: 64, bounds: false, geometry, kernel: "wgmma" });
    expect(fb64.defines).toEqual(expect.arrayContaining(["SM_WG_AUX_STAGES=2", "SM_WG_Q_IN_AUX=0"]));
    expect(jobs.at(-3)!.prog.defines).toEqual(expect.arrayContaining(["SM_WG_AUX_STAGES=3", "SM_WG_Q_IN_AUX=1"]));
    jobs.push({ c: fb, prog: fb64 });
    // ... and its 176-column tiles (wgmma m64n176k16 for S, 11 k-steps for P V).
    const alibi = CASES.find((x) => x.label === "alibi")!;
    jobs.push({ c: alibi, prog: buildProgram({ ...prepared(alibi, true), build: "vec", dtype: "f16", D: 128, bounds: false, geometry, kernel: "wgmma", blockN: 176 }) });
    // ... no mod: persistent blocks with the chained last turn (source.ts wgPersistent).
    const none = CASES.find((x) => x.label === "none")!;
    const noneProg = buildProgram({ ...prepared(none, true), build: "vec", dtype: "bf16", D: 128, bounds: false, geometry, kernel: "wgmma", blockN: 176 });
    expect(noneProg.defines).toContain("SM_WG_PERSISTENT=1");
    jobs.push({ c: none, prog: noneProg });
    // ... with a row staged 176 wide.
    const kvJob = prepareJob({ sm: 90, name: "H100" }, { fileName: fileOf(CASES[1]!), text: readFileSync(fileOf(CASES[1]!), "utf8"), mod: CASES[1]!.mod, shape: { B: 1, H: 2, Q: 256, KV: 256, D: 128 } });
    jobs.push({ c: CASES[1]!, prog: kvJob.programs.vec });
    const results = await Promise.all(jobs.map(({ prog }) => native.compile(prog.source, {
      arch: "sm_90a", compiler: "nvcc", nvcc: NVCC, defines: prog.defines, includeDirs: [kernels], nameExpressions: [prog.mainKernel, prog.refKernel, ...(prog.classifyKernel ? [prog.classifyKernel] : [])], lineInfo: false,
    })));
    results.forEach((r, i) => expect(r.ok, `${jobs[i]!.c.label}: ${r.log.slice(0, 600)}`).toBe(true));
    // ptxas reports serialised wgmmas (C75xx: a non-wgmma instruction or a branch inside a wgmma
    // stage) as info, not as an error: on the GPU that build ran 30% slower (BENCHMARKS.md, sixth session).
    results.forEach((r, i) => {
      if (jobs[i]!.prog.kernel !== "wgmma") return;
      expect(r.log, `${jobs[i]!.c.label}: ptxas -v output`).toMatch(/registers/);
      expect(r.log.match(/.*C75\d\d.*/g) ?? [], jobs[i]!.c.label).toEqual([]);
    });
  }, 180_000);
});
