// The GPU test suite (`npm run test:gpu`, bundled to dist/gpu-tests.js by scripts/test-gpu.sh).
// Runs on a machine with an NVIDIA GPU and no node_modules: everything goes through the
// supervised runner process (dist/runner-worker.js) exactly as the CLI and the extension do.
//   node dist/gpu-tests.js run OUTDIR      checks, fault injection, benchmarks, sweep -> OUTDIR/*.json
//   node dist/gpu-tests.js sass OUTDIR     the SASS view's path for real (nvcc -cubin + nvdisasm/cuobjdump) -> OUTDIR/sass.json
//   node dist/gpu-tests.js report OUTDIR   merges the Flex/SDPA figures (flex_check.py) into the tables
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as native from "../../csrc/index";
import { kernelsIncludeDir, nvccOrEmpty } from "../../server/src/toolchain/nvcc";
import { compileToSass, findDisassembler, noDisassemblerReason } from "../../server/src/toolchain/sass";
import { opcode, sassPreview } from "../../server/src/codegen/sassPreview";
import { analyze } from "../../server/src/analysis/index";
import { generateCuda } from "../../server/src/codegen/cuda";
import { prepareMod } from "../../server/src/runner/prepare";
import { buildProgram, readGeometry } from "../../server/src/runner/source";
import { createRng, resolveDims, sampleBindings, sampleTensor } from "../../runtime/src/sample";
import { loadUserModule } from "../../server/src/view/loadModule";
import { dtypeBytes } from "../../runtime/src/dtypes";
import { Buffers } from "../../server/src/runner/buffers";
import { randomHalf } from "../../server/src/runner/data";
import { GpuSampler } from "../../server/src/runner/gpuSample";
import { GpuCompare } from "../../server/src/runner/gpuCompare";
import { decode16, errorCheck } from "../../server/src/runner/compare";
import { auxSampleSpec, halfSampleSpec, INIT_KIND, SAMPLE_FLAG, type SampleSpec } from "../../server/src/runner/sampleSpec";
import { SAMPLE_DECLS, SAMPLE_DIMS } from "./sampleDecls";
import { formatBench, formatPct, formatStep, formatSweep, formatVsNone } from "../../server/src/runner/format";
import { RunnerSupervisor } from "../../server/src/runner/supervisor";
import { RunnerError, TIMING, type BenchJob, type BenchResult, type Shape, type SweepResult } from "../../server/src/runner/types";
import { BENCH, CASES as ALL_CASES, MASKS_MEDIUM, SMALL, SMALL_D128, WALK, type Case } from "./cases";
import { varlenChecks } from "./varlen";

const root = resolve(__dirname, "..");
/** SCOREMOD_GPU_PARTS=data,checks,varlen,faults,bench,sweep (default all) runs a subset. */
/** SCOREMOD_GPU_CASES=kv-bias,causal (labels; default all) runs a subset of the cases. */
const ONLY = process.env.SCOREMOD_GPU_CASES?.split(",");
const CASES = ONLY ? ALL_CASES.filter((c) => ONLY.includes(c.label)) : ALL_CASES;
const KV_BIAS = ALL_CASES.find((c) => c.label === "kv-bias")!;
const PARTS = new Set((process.env.SCOREMOD_GPU_PARTS ?? "data,checks,varlen,faults,bench,sweep").split(","));
/** Cases whose small-shape dumps the --aux round trip reads back from .npy/.safetensors files. */
export const ROUNDTRIP = ["spatial-bias", "graph-distance", "kv-bias+document"];
let passed = 0, failed = 0;
const log: string[] = [];
function say(s: string): void { console.log(s); log.push(s); }
/** One run's checks on a line: "vec-vs-scalar ok; reference-kernel ok relL2 2.2e-3; ...". */
function checkSummary(r: BenchResult): string {
  return r.checks.map((x) => `${x.name} ${x.skipped ? `skipped (${x.skipped})` : x.ok ? "ok" : "FAILED"}${x.relL2 !== undefined ? ` relL2 ${x.relL2.toExponential(1)}` : ""}`).join("; ");
}

function result(name: string, ok: boolean, detail: string): void {
  if (ok) passed++; else failed++;
  say(`${ok ? "PASS" : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
}

function fileOf(c: Pick<Case, "file" | "fixture">): string {
  return join(root, c.fixture ? "test/gpu/fixtures" : "examples", `${c.file}.scoremod.ts`);
}
function job(c: Case, shape: BenchJob["shape"], extra: Partial<BenchJob> = {}): BenchJob {
  const fileName = fileOf(c);
  return { fileName, text: readFileSync(fileName, "utf8"), mod: c.mod, pair: c.pair, shape, ...(c.dims ? { dims: c.dims(shape) } : {}), ...extra };
}

async function expectError(sup: RunnerSupervisor, j: BenchJob): Promise<RunnerError | null> {
  try { await sup.bench(j); return null; } catch (e) { if (e instanceof RunnerError) return e; throw e; }
}

async function runAll(out: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  const probe = native.probe(nvccOrEmpty());
  if (!probe.ok) {
    result("probe", false, `${probe.reason}: ${probe.detail}`);
    writeFileSync(join(out, "runner.json"), JSON.stringify({ probe, date: new Date().toISOString(), passed, failed }, null, 1));
    return;
  }
  const d = probe.devices[0]!;
  say(`device: ${d.name} sm_${d.sm}, ${d.smCount} SMs, ${(d.memoryBytes / 2 ** 30).toFixed(0)} GiB, driver ${probe.driverVersion}, NVRTC ${probe.nvrtcVersion ?? "absent (nvcc)"}; ${new Date().toISOString()}`);
  result("probe", d.sm >= 80, `${d.name}`);
  const sup = new RunnerSupervisor({ idleLimitMs: 180_000 });
  const saved: Record<string, unknown> = { device: d, probe, date: new Date().toISOString() };
  try {
    if (PARTS.has("data")) { await dataChecks(d.sm); writeMakeAuxExpectations(out); }
    // ---- 1. every example checked three ways on small shapes (and dumped for the Flex check) ----
    const checks: BenchResult[] = [];
    for (const c of PARTS.has("checks") ? CASES : []) {
      // D = 128 too for a staged row, a mask pair, the 176-column tiles (none, alibi: source.ts wgBlockN), whose KV tail at 256 is 80 columns,
      // and a staged tile, whose build holds Q in registers (source.ts wgAuxLayout).
      const d128 = ["kv-bias", "full-bias", "softcap+causal", "none", "alibi"].includes(c.label);
      const shapes: [string, Shape][] = [["small", SMALL], ...(d128 ? [["small-d128", SMALL_D128] as [string, Shape]] : [])];
      for (const [tag, shape] of shapes) {
        const name = `check ${c.label} ${tag}`;
        try {
          const r = await sup.bench(job(c, shape, { checks: { jsReference: true, bounds: true }, dumpDir: join(out, "cases", `${c.label}.${tag}`) }));
          checks.push(r);
          const three = ["vec-vs-scalar", "reference-kernel", "js-reference"].map((n) => r.checks.find((x) => x.name === n));
          const missing = three.some((x) => !x);
          result(name, r.ok && !missing, checkSummary(r));
          if (!r.ok) say(formatBench(r));
        } catch (e) {
          result(name, false, e instanceof Error ? e.message : String(e));
        }
      }
    }
    // f16 inputs: the same three checks for one score mod and one mask pairing.
    for (const c of PARTS.has("checks") ? CASES.filter((x) => x.label === "kv-bias" || x.label === "softcap+causal") : []) {
      const name = `check ${c.label} small f16`;
      try {
        const r = await sup.bench(job(c, SMALL, { dtype: "f16", checks: { jsReference: true, bounds: true } }));
        checks.push(r);
        result(name, r.ok && r.dtype === "f16", checkSummary(r));
        if (!r.ok) say(formatBench(r));
      } catch (e) {
        result(name, false, e instanceof Error ? e.message : String(e));
      }
    }
    // Persistent Hopper blocks (source.ts wgPersistent) walking several work items each: more items
    // than the card has SMs, a Q tail, GQA, a KV tail, D = 128 (176-column tiles). The fp32
    // reference kernel is one block per item, so a block that loses its place in the K/V or aux
    // ring, or stores an item's O in another's rows, fails it.
    for (const c of PARTS.has("checks") ? CASES.filter((x) => ["none", "kv-bias", "alibi"].includes(x.label)) : []) {
      const name = `check ${c.label} walk`;
      try {
        const r = await sup.bench(job(c, WALK, { checks: { jsReference: false } }));
        checks.push(r);
        const items = WALK.B * WALK.H * Math.ceil(WALK.Q / 128);
        const walked = r.persistentBlocks !== undefined && r.persistentBlocks < items;
        result(name, r.ok && walked, `${r.persistentBlocks ?? "no"} persistent blocks for ${items} work items; ` + checkSummary(r));
        if (!r.ok) say(formatBench(r));
      } catch (e) {
        result(name, false, e instanceof Error ? e.message : String(e));
      }
    }
    // The portable kernel as a second opinion (it is the fallback for sm_80-89 and for V > 2):
    // the same three checks, forced onto it.
    for (const c of PARTS.has("checks") ? CASES.filter((x) => ["kv-bias", "softcap+causal", "document"].includes(x.label)) : []) {
      const name = `check ${c.label} small on the portable kernel`;
      try {
        const r = await sup.bench(job(c, SMALL, { kernel: "mma", checks: { jsReference: true } }));
        checks.push(r);
        result(name, r.ok && r.kernel === "mma", checkSummary(r));
        if (!r.ok) say(formatBench(r));
      } catch (e) {
        result(name, false, e instanceof Error ? e.message : String(e));
      }
    }
    // Block sparsity: every mask on both kernels at a size with many empty and full tiles; the
    // reference kernel ignores the map, so a tile skipped or left unmasked wrongly fails it.
    const MASK_LABELS = ["causal", "softcap+causal", "sliding-window", "prefix-lm", "document", "document-causal", "sliding-with-sinks", "block-causal", "top-keys"];
    for (const c of PARTS.has("checks") ? CASES.filter((x) => MASK_LABELS.includes(x.label)) : []) {
      for (const kernel of ["auto", "mma"] as const) {
        const name = `check ${c.label} block map ${kernel === "mma" ? "portable" : "default"} kernel`;
        try {
          const r = await sup.bench(job(c, MASKS_MEDIUM, { kernel, checks: { jsReference: false } }));
          checks.push(r);
          const bs = r.blockSparsity;
          result(name, r.ok && bs !== undefined && bs.empty > 0, `${bs ? `${bs.empty}/${bs.tiles} empty, ${bs.full} full, ${bs.proof}` : "no block map"}; ${r.checks.map((x) => `${x.name} ${x.skipped ? "skipped" : x.ok ? "ok" : `FAILED (${x.detail})`}`).join("; ")}`);
          if (!r.ok) say(formatBench(r));
        } catch (e) {
          result(name, false, e instanceof Error ? e.message : String(e));
        }
      }
    }
    // ---- varlen batches (test/gpu/varlen.ts) ----
    if (PARTS.has("varlen")) checks.push(...await varlenChecks(sup, out, result, say));
    saved.checks = checks;

    // ---- 2. fault injection on the real GPU ----
    if (PARTS.has("faults")) {
    const oor = { file: "out_of_range", mod: "farGather", label: "out-of-range", fixture: true };
    const pidBefore = sup.pid;
    const fault = await expectError(sup, job(oor, SMALL, { checks: { bounds: false, referenceKernel: false, vecVsScalar: false, jsReference: false } }));
    result("fault: out-of-range index is reported, naming the mod", fault !== null && (fault.info.kind === "fault" || fault.info.kind === "crash") && fault.message.includes("farGather"), fault ? `${fault.info.kind}: ${fault.message}` : "no error");
    const after = await sup.bench(job(KV_BIAS, SMALL, { checks: { jsReference: false } })).catch((e: Error) => e);
    result("fault: the host survives and the next run starts a fresh process", !(after instanceof Error) && sup.pid !== pidBefore, after instanceof Error ? after.message : `worker pid ${pidBefore} -> ${sup.pid}`);
    const bounds = await expectError(sup, job(oor, SMALL, { checks: { bounds: true, jsReference: false } }));
    result("fault: bounds-checked build names tensor, load line and index", bounds?.info.kind === "bounds" && /far_index|table/.test(bounds.message) && /index \d+ not in \[0, 64\)/.test(bounds.message) && bounds.info.line === 9,
      bounds ? bounds.message : "no error");
    const mis = await expectError(sup, job(KV_BIAS, SMALL, { misalignAux: { kv_bias: 2 } }));
    result("fault: misaligned promise refused before launch", mis?.info.kind === "refused" && mis.info.tensor === "kv_bias" && /data_ptr\(\) % (4|16) == 0/.test(mis.info.obligation ?? ""), mis ? mis.message : "no error");
    const okAfter = await sup.bench(job(KV_BIAS, SMALL, { checks: { jsReference: false } })).catch((e: Error) => e);
    result("fault: a refusal keeps the runner usable", !(okAfter instanceof Error) && okAfter.ok, okAfter instanceof Error ? okAfter.message : "");
    // Index safety: a table shorter than its index is refused before launch (the analysis's
    // witness); an index read from another tensor is checked by the bounds build that runs by
    // default. Neither is ever timed.
    const short = { file: "short_table", mod: "shortBias", label: "short-table", fixture: true };
    const refusedShort = await expectError(sup, job(short, SMALL, { timing: TIMING.smoke }));
    result("bounds: a table shorter than its index is refused before launch, naming the load", refusedShort?.info.kind === "bounds" && /refused before launch: short_bias in shortBias_\.at\(h, kv\)/.test(refusedShort.message),
      refusedShort ? refusedShort.message : "no error: it ran");
    const checkedOor = await expectError(sup, job(oor, SMALL, { timing: TIMING.smoke }));
    result("bounds: an unprovable index is caught by the default bounds-checked build, never timed", checkedOor?.info.kind === "bounds" && /far_index|table/.test(checkedOor.message) && /not in \[0, 64\)/.test(checkedOor.message),
      checkedOor ? checkedOor.message : "no error: it ran");
    const broken = { file: "broken_values", mod: "promisedGather", label: "broken-values", fixture: true };
    const refusedValues = await expectError(sup, job(broken, SMALL, { timing: TIMING.smoke }));
    result("bounds: a broken value promise of an index tensor is refused before launch", refusedValues?.info.kind === "refused" && /ids values in \[0, 64\) fails \(ids holds 1\d\d at element \d+/.test(refusedValues.message),
      refusedValues ? refusedValues.message : "no error: it ran");
    // A wrong block map (each row's last tile dropped) must fail the reference check.
    const causalCase = CASES.find((x) => x.label === "causal") ?? ALL_CASES.find((x) => x.label === "causal")!;
    const wrong = await sup.bench(job(causalCase, MASKS_MEDIUM, { sabotageBlockMap: true, checks: { jsReference: false } })).catch((e: Error) => e);
    result("fault: a wrong block map fails the reference check", !(wrong instanceof Error) && !wrong.ok && wrong.checks.some((x) => x.name === "reference-kernel" && !x.ok),
      wrong instanceof Error ? wrong.message : wrong.checks.map((x) => `${x.name} ${x.ok ? "ok" : "failed"}`).join("; "));
    }

    // ---- 3. benchmarks at B1 H16 S8192 D128 bf16 ----
    const benches: BenchResult[] = [];
    for (const c of PARTS.has("bench") ? CASES.filter((x) => !x.checksOnly) : []) {
      try {
        // Every mod but "none" itself is timed alternated with the same kernel with no mod (vsNone).
        const r = await sup.bench(job(c, BENCH, { checks: { jsReference: false }, timing: TIMING.cli, vsNone: c.label !== "none" }));
        benches.push(r);
        say(formatBench(r));
        result(`bench ${c.label}`, r.ok, `${r.timing!.ms.toFixed(3)} ms, ${r.timing!.tflops.toFixed(1)} TFLOPS`);
      } catch (e) {
        result(`bench ${c.label}`, false, e instanceof Error ? e.message : String(e));
      }
    }
    saved.benches = benches.map((b) => {
      const c = CASES.find((x) => x.mod === b.mod && x.pair === b.pair)!;
      return { ...b, label: c.label, file: c.file, causal: c.causal === true };
    });

    // ---- 4. the kv-bias sweep ----
    if (PARTS.has("sweep")) try {
      const s: SweepResult = await sup.sweep({ ...job(KV_BIAS, BENCH), checks: { referenceKernel: false, jsReference: false }, timing: TIMING.cli });
      saved.sweep = s;
      say(formatSweep(s));
      // A cell the analysis refuses (e.g. V beyond what it can prove) is a finding, not a failure.
      const refused = s.cells.filter((c) => c.error?.kind === "analysis");
      const bad = s.cells.filter((c) => (c.error && c.error.kind !== "analysis") || (c.result && !c.result.ok));
      for (const c of refused) say(`  sweep cell V=${c.vec} align=${c.align} not run: ${c.error!.message}`);
      result("sweep kv-bias", bad.length === 0 && s.cells.some((c) => c.result), bad.map((c) => `V=${c.vec}/${c.align}: ${c.error ? c.error.message : c.result!.checks.filter((x) => !x.ok).map((x) => x.detail).join("; ")}`).join(" | ") || `${s.cells.filter((c) => c.result).length} cells ran, ${refused.length} refused by the analysis`);
    } catch (e) {
      result("sweep kv-bias", false, e instanceof Error ? e.message : String(e));
    }
  } finally {
    sup.dispose();
    writeFileSync(join(out, "runner.json"), JSON.stringify({ ...saved, passed, failed }, null, 1));
  }
}

// ---- 0. the GPU sample generator against the CPU sampler, in this process ----
async function dataChecks(sm: number): Promise<void> {
  native.init(0);
  const sampler = await GpuSampler.open(sm === 90 ? "sm_90a" : `sm_${sm}`, kernelsIncludeDir());
  const bufs = new Buffers();
  const onGpu = async (spec: SampleSpec): Promise<Buffer> => {
    const bytes = spec.allocElements * (spec.dtype === "f64" ? 8 : dtypeBytes(spec.dtype));
    const ptr = bufs.alloc(bytes);
    native.memset(ptr, 0, bytes);
    await sampler.fill(spec, ptr);
    return native.download(ptr, bytes);
  };
  const firstDiff = (a: Uint8Array, b: Uint8Array) => (a.length !== b.length ? -2 : a.findIndex((x, i) => x !== b[i]));
  try {
    const bad: string[] = [];
    for (const [i, t] of SAMPLE_DECLS.entries()) {
      const at = firstDiff(await onGpu(auxSampleSpec(t, SAMPLE_DIMS, 1 + i)), sampleTensor(t, SAMPLE_DIMS, 1 + i).bytes);
      if (at !== -1) bad.push(`${t.name} (${t.dtype.name}) at byte ${at}`);
    }
    result("sample data: GPU generator == CPU sampler for every init kind, dtype and layout", bad.length === 0, bad.join(", ") || `${SAMPLE_DECLS.length} tensors bitwise equal`);
    // The doubles before rounding (a last-ulp slip in the math hides behind bf16 rounding).
    const n = 1 << 20, seed = 0x9e3779b9;
    const normal: SampleSpec = { ...halfSampleSpec("z", n, seed, "bf16"), dtype: "f64", flags: SAMPLE_FLAG.rowMajor, a: 0.25, b: 3 };
    const uniform: SampleSpec = { ...normal, kind: INIT_KIND.uniform, a: -1.5, b: 2.5 };
    const rn = createRng(seed), ru = createRng(seed);
    const dn = firstDiff(await onGpu(normal), new Uint8Array(Float64Array.from({ length: n }, () => 0.25 + 3 * rn.normal()).buffer));
    const du = firstDiff(await onGpu(uniform), new Uint8Array(Float64Array.from({ length: n }, () => -1.5 + (2.5 - -1.5) * ru.next()).buffer));
    result("sample data: GPU doubles == CPU doubles before rounding (2^20 normals, 2^20 uniforms)", dn === -1 && du === -1, `first differing byte: normal ${dn}, uniform ${du}`);
    const m = 3 << 20;
    const dq = firstDiff(await onGpu(halfSampleSpec("Q", m, 11, "bf16")), randomHalf(m, 11, "bf16", false).bytes);
    const dk = firstDiff(await onGpu(halfSampleSpec("K", m, 12, "f16")), randomHalf(m, 12, "f16", false).bytes);
    result("sample data: GPU Q/K/V == CPU randomHalf (bf16 and f16, 3M elements each)", dq === -1 && dk === -1, `first differing byte: bf16 ${dq}, f16 ${dk}`);
    // The value-range scan against the CPU on a strided tensor with values outside [0, 64).
    const ids = SAMPLE_DECLS.find((t) => t.name === "docs8")!;
    const spec = auxSampleSpec(ids, SAMPLE_DIMS, 3);
    const bytes = spec.allocElements;
    const ptr = bufs.alloc(bytes);
    native.memset(ptr, 0, bytes);
    await sampler.fill(spec, ptr);
    const cpu = [...sampleTensor(ids, SAMPLE_DIMS, 3).values];
    const logical = Array.from({ length: spec.total }, (_, e) => cpu[Math.floor(e / spec.shape[1]!) * spec.strides[0]! + (e % spec.shape[1]!)]!);
    const rep = await sampler.scan(spec, ptr, 0, 5);
    const firstBad = logical.findIndex((v) => v < 0 || v >= 5);
    const ok = rep.firstBad === firstBad && Number(rep.lo) === Math.min(...logical) && Number(rep.hi) === Math.max(...logical) && Number(rep.badValue) === logical[firstBad];
    result("sample data: GPU range scan == CPU (strided u8 segment ids, values outside [0, 5))", ok && firstBad >= 0, `gpu lo ${rep.lo} hi ${rep.hi} first ${rep.firstBad}=${rep.badValue}; cpu first ${firstBad}=${logical[firstBad]}`);
    // The output checks on the GPU (gpuCompare.ts) against compare.ts on the host.
    const cmp = await GpuCompare.open(sm === 90 ? "sm_90a" : `sm_${sm}`, kernelsIncludeDir());
    const nOut = 1 << 20;
    const ref32 = Float32Array.from({ length: nOut }, (_, i) => Math.sin(i * 0.37) * 2);
    const out16 = new Uint16Array(nOut).map((_, i) => (new Uint32Array(new Float32Array([ref32[i]! * (1 + 0.003 * Math.cos(i))]).buffer)[0]! + 0x8000) >>> 16);
    const up = (bytes: Uint8Array) => { const p = bufs.alloc(bytes.length); native.upload(p, bytes); return p; };
    const pOut = up(new Uint8Array(out16.buffer)), pRef = up(new Uint8Array(ref32.buffer));
    const host = errorCheck("reference-kernel", decode16(new Uint8Array(out16.buffer), "bf16"), ref32, "t");
    const dev = await cmp.error("reference-kernel", pOut, pRef, nOut, "bf16", "t");
    result("output checks: GPU error check == host compare.ts (max abs, its element, rel L2)", dev.maxAbsErr === host.maxAbsErr && dev.detail.split(",")[0] === host.detail.split(",")[0] && Math.abs(dev.relL2! - host.relL2!) <= 1e-12 * host.relL2!,
      `gpu: ${dev.detail} | host: ${host.detail}`);
    const other = out16.slice();
    other[777] ^= 1;
    other[5000] ^= 4;
    const dOther = await cmp.bitwise(pOut, up(new Uint8Array(other.buffer)), nOut, "t");
    const dSame = await cmp.bitwise(pOut, up(new Uint8Array(out16.buffer)), nOut, "t");
    const pois = out16.slice();
    pois[3] = 0xffff;
    const dPois = await cmp.bitwise(up(new Uint8Array(pois.buffer)), up(new Uint8Array(pois.buffer)), nOut, "t");
    result("output checks: GPU bitwise check locates differences and refuses two poisoned outputs", dSame.ok && !dOther.ok && /2 of 1048576 outputs differ; first at element 777/.test(dOther.detail) && !dPois.ok && /1 of 1048576 outputs still hold the poison 0xffff.*first at element 3/.test(dPois.detail),
      `${dSame.detail} | ${dOther.detail} | ${dPois.detail}`);
    // Size and speed: a [1, 8192, 8192] i32 distance tensor and a [1, 16, 8192, 8192] bf16 bias.
    for (const [what, t] of [["i32 [1, 8192, 8192] range", SAMPLE_DECLS.find((x) => x.name === "ids")!], ["bf16 [1, 16, 8192, 8192] normal", SAMPLE_DECLS.find((x) => x.name === "bias")!]] as const) {
      const big = { B: 1, H: 16, Q: 8192, KV: 8192 };
      const sp = what.startsWith("i32") ? { ...auxSampleSpec(t, big, 1), shape: [1, 8192, 8192], strides: [8192 * 8192, 8192, 1], total: 8192 * 8192, allocElements: 8192 * 8192 } : auxSampleSpec(t, big, 1);
      const nb = sp.allocElements * dtypeBytes(sp.dtype as "bf16");
      const p = bufs.alloc(nb);
      const t0 = performance.now();
      await sampler.fill(sp, p);
      const ms = performance.now() - t0;
      say(`sample data: ${what}: ${(nb / 2 ** 20).toFixed(0)} MiB generated on the GPU in ${ms.toFixed(1)} ms`);
    }
  } catch (e) {
    result("sample data", false, e instanceof Error ? e.message : String(e));
  } finally {
    bufs.freeAll();
  }
}

// What the CPU sampler makes for the examples' tensors (sampleBindings, seed 1), for
// test/gpu/make_aux_check.py to compare with the Flex exports' make_aux on the GPU.
export const MAKE_AUX = { files: ["spatial_bias", "graph_distance", "document_mask", "full_bias", "kv_bias", "relative_position"], dims: { B: 2, H: 4, Q: 96, KV: 96 }, seed: 1 };
function writeMakeAuxExpectations(out: string): void {
  for (const base of MAKE_AUX.files) {
    const file = join(root, "examples", `${base}.scoremod.ts`);
    const loaded = loadUserModule(file, readFileSync(file, "utf8"));
    const dims = resolveDims(loaded.tensors, MAKE_AUX.dims);
    const b = sampleBindings(loaded.tensors, dims, MAKE_AUX.seed);
    const dir = join(out, "make_aux", base);
    mkdirSync(dir, { recursive: true });
    for (const t of Object.values(b.tensors)) writeFileSync(join(dir, `${t.name}.bin`), t.bytes);
    writeFileSync(join(dir, "meta.json"), JSON.stringify({ dims: MAKE_AUX.dims, seed: MAKE_AUX.seed, tensors: Object.values(b.tensors).map((t) => ({ name: t.name, dtype: t.dtype, bytes: t.bytes.length })) }));
  }
}

// ---- the --aux round trip: the small dumps of ROUNDTRIP written as .npy/.safetensors by
// test/gpu/aux_roundtrip.py (numpy and safetensors on this machine), read back by the runner ----
async function auxRoundTrip(out: string): Promise<void> {
  const sup = new RunnerSupervisor({ idleLimitMs: 180_000 });
  const checks: { name: string; ok: boolean; detail: string }[] = [];
  try {
    for (const label of ROUNDTRIP) {
      const c = ALL_CASES.find((x) => x.label === label)!;
      const dir = join(out, "roundtrip", label);
      const name = `aux round trip ${label}`;
      try {
        const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { auxFiles: Record<string, string>; writers: string };
        const r = await sup.bench(job(c, SMALL, { auxFiles: manifest.auxFiles, checks: { jsReference: true, bounds: true }, dumpDir: join(dir, "run") }));
        const mine = readFileSync(join(dir, "run", "out.bin")), generated = readFileSync(join(out, "cases", `${label}.small`, "out.bin"));
        const fromFiles = Object.entries(r.auxSources ?? {}).filter(([, src]) => src !== "generated").length;
        const ok = r.ok && Buffer.compare(mine, generated) === 0 && fromFiles === Object.keys(manifest.auxFiles).length;
        checks.push({ name, ok, detail: `${fromFiles} tensors from files (${manifest.writers}); output ${Buffer.compare(mine, generated) === 0 ? "bitwise equal to" : "DIFFERS from"} the run on generated data; ${r.checks.map((x) => `${x.name} ${x.skipped ? "skipped" : x.ok ? "ok" : "FAILED"}`).join("; ")}` });
      } catch (e) {
        checks.push({ name, ok: false, detail: e instanceof Error ? e.message : String(e) });
      }
    }
  } finally {
    sup.dispose();
  }
  for (const c of checks) result(c.name, c.ok, c.detail);
  writeFileSync(join(out, "aux.json"), JSON.stringify({ checks }, null, 1));
}

/**
 * The SASS view's path with the machine's real toolkit (this needs nvcc and nvdisasm or cuobjdump
 * beside it, not the GPU itself): the kv-bias mod's proof kernel for runner-hopper (sm_90a), as
 * Show SASS compiles it, must list global loads (LDG) and report its registers; the Hopper
 * attention kernel with the mod inlined, as a run compiles it, must contain HGMMA.
 */
async function sassChecks(out: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  const checks: { name: string; ok: boolean; detail: string }[] = [];
  const check = async (name: string, f: () => Promise<string>): Promise<void> => {
    try { checks.push({ name, ok: true, detail: await f() }); } catch (e) { checks.push({ name, ok: false, detail: e instanceof Error ? e.message : String(e) }); }
  };
  const file = fileOf(KV_BIAS);
  const text = readFileSync(file, "utf8");
  const nvcc = nvccOrEmpty();
  const dis = nvcc ? findDisassembler(nvcc) : null;
  const must = (cond: boolean, msg: string): void => { if (!cond) throw new Error(msg); };
  await check("sass: Show SASS of kv-bias on runner-hopper lists LDG and the registers", async () => {
    must(!!nvcc, "nvcc not found");
    must(!!dis, nvcc ? noDisassemblerReason(nvcc) : "");
    const fa = analyze(file, text, { target: "runner-hopper", vecSize: 2 });
    const gen = generateCuda(fa, KV_BIAS.mod);
    const r = await compileToSass(gen.text, { target: "runner-hopper", fileName: `${gen.functionName}.cu` });
    const p = sassPreview(r.listing, r.resources, gen, text.split("\n"), r.note);
    writeFileSync(join(out, "sass-kv_bias.runner-hopper.txt"), p.text + "\n");
    const ldg = p.opcodes.filter((o) => o.startsWith("LDG"));
    must(ldg.length > 0, `no LDG among ${p.opcodes.length} opcodes (${[...new Set(p.opcodes)].slice(0, 20).join(" ")})`);
    must((p.resources?.registers ?? 0) > 0 && p.text.includes(`${p.resources!.registers} registers`), `registers not reported: ${p.text.split("\n")[1]}`);
    if (r.listing!.tool === "nvdisasm") {
      const line = text.split("\n").findIndex((l) => l.includes("kvBias.at("));
      must(p.groups.some((g) => g.sourceLine === line), `nvdisasm: no group for the load's line ${line + 1} (groups: ${p.groups.map((g) => g.sourceLine + 1).join(", ")})`);
    }
    return `${r.listing!.tool}: ${p.opcodes.length} instructions, ${ldg.join(" ")}, ${p.resources!.registers} registers, ${p.resources!.spillStoreBytes} B spill stores; ${r.ms.toFixed(0)} ms`;
  });
  await check("sass: the Hopper attention kernel with kv-bias inlined contains HGMMA", async () => {
    must(!!nvcc && !!dis, "nvcc or a disassembler missing (see the check above)");
    const score = prepareMod(file, text, KV_BIAS.mod, { vec: 2, target: "runner-hopper" });
    const prog = buildProgram({ score, kernel: "wgmma", build: "vec", dtype: "bf16", D: 128, bounds: false, geometry: readGeometry(kernelsIncludeDir()) });
    const r = await compileToSass(prog.source, { target: "runner-hopper", defines: prog.defines, fileName: "attention.cu", timeoutMs: 300_000 });
    const f = r.listing!.functions.find((x) => x.name === prog.mainKernel);
    must(!!f, `${prog.mainKernel} not in the cubin (functions: ${r.listing!.functions.map((x) => x.name).join(", ")})`);
    const ops = f!.instrs.map((i) => opcode(i.text));
    const mma = ops.filter((o) => o.startsWith("HGMMA"));
    const res = r.resources.get(prog.mainKernel);
    must(mma.length > 0, `no HGMMA in ${prog.mainKernel} (${ops.length} instructions)`);
    must((res?.registers ?? 0) > 0, `ptxas reported no registers for ${prog.mainKernel}`);
    return `${prog.mainKernel}: ${mma.length} HGMMA, ${ops.filter((o) => o.startsWith("LDG")).length} LDG, ${res!.registers} registers, ${res!.spillStoreBytes} B spill stores; ${r.ms.toFixed(0)} ms`;
  });
  for (const c of checks) result(c.name, c.ok, c.detail);
  writeFileSync(join(out, "sass.json"), JSON.stringify({ checks }, null, 1));
}

interface FlexFile { checks: { label: string; ok: boolean; detail: string }[]; bench: { label: string; flex_ms: number | null; sdpa_ms: number | null; causal: boolean; error?: string }[]; torch: string }

function report(out: string): void {
  const runnerPath = join(out, "runner.json");
  if (!existsSync(runnerPath)) { result("runner suite", false, `${runnerPath} missing (the run part did not finish)`); return; }
  const runner = JSON.parse(readFileSync(runnerPath, "utf8")) as { benches?: (BenchResult & { label: string })[]; passed: number; failed: number; device?: { name: string }; date: string };
  passed = runner.passed; failed = runner.failed;
  if (!runner.device) return;  // no GPU: nothing else ran
  const flexPath = join(out, "flex.json");
  const flex: FlexFile | null = existsSync(flexPath) ? JSON.parse(readFileSync(flexPath, "utf8")) as FlexFile : null;
  if (!flex) result("flex cross-check", false, "flex.json missing (flex_check.py did not run)");
  for (const extra of ["aux.json", "make_aux.json", "sass.json"]) {
    const p = join(out, extra);
    if (existsSync(p)) for (const c of (JSON.parse(readFileSync(p, "utf8")) as { checks: { name: string; ok: boolean; detail: string }[] }).checks) result(c.name, c.ok, c.detail);
  }
  for (const c of flex?.checks ?? []) result(`flex cross-check ${c.label}`, c.ok, c.detail);
  const flops = (causal: boolean) => 4 * BENCH.B * BENCH.H * BENCH.Q * BENCH.KV * BENCH.D * (causal ? 0.5 : 1);
  const tf = (ms: number | null | undefined, causal: boolean) => (ms ? (flops(causal) / (ms * 1e-3) / 1e12).toFixed(0) : "-");
  // "vs none": what a dense mod costs over the same implementation's "none": ours from launches
  // alternated with the no-mod kernel's in the same run (BenchJob.vsNone), Flex's from its own runs.
  const rows = [["mod", "kernel", "V", "skipped", "ours ms", "ours TFLOPS", "vs none", "Flex ms", "Flex TFLOPS", "Flex vs none", "SDPA TFLOPS", "vs Flex", "vs SDPA"]];
  const flexNone = flex?.bench.find((x) => x.label === "none")?.flex_ms;
  const cost = (ms: number | null | undefined, base: number | null | undefined) => (ms && base ? formatPct(ms / base, 0) : "-");
  for (const b of runner.benches ?? []) {
    const f = flex?.bench.find((x) => x.label === b.label);
    const causal = b.label.includes("causal");
    const ms = b.timing!.ms;
    const dense = !causal && b.label !== "none" && !b.blockSparsity?.sparsity;
    rows.push([b.label, b.kernel ?? "mma", String(b.vec), b.blockSparsity ? `${(100 * b.blockSparsity.sparsity).toFixed(1)}% ${b.blockSparsity.proof}` : "-", `${b.timing!.step ? "~" : ""}${ms.toFixed(3)}`, tf(ms, causal), dense && b.timing!.vsNone ? cost(b.timing!.vsNone.ratio, 1) : "-",
      f?.flex_ms?.toFixed(3) ?? (f?.error ? "err" : "-"), tf(f?.flex_ms, causal), dense ? cost(f?.flex_ms, flexNone) : "-", tf(f?.sdpa_ms, causal),
      f?.flex_ms ? `${(f.flex_ms / ms).toFixed(2)}x` : "-", f?.sdpa_ms ? `${(f.sdpa_ms / ms).toFixed(2)}x` : "-"]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  if (!runner.benches?.length) { writeFileSync(join(out, "report.txt"), log.join("\n") + "\n"); return; }
  say(`\nB${BENCH.B} H${BENCH.H} S${BENCH.Q} D${BENCH.D} bf16 on ${runner.device!.name}, ${runner.date}; Flex/SDPA measured in the same run (${flex?.torch ?? "no torch"})`);
  for (const r of rows) say(r.map((x, i) => x.padStart(w[i]!)).join("  "));
  // Runs whose reps ran at two speeds (speedStep.ts): their median mixes both.
  for (const b of runner.benches ?? []) if (b.timing?.step) say(`~ ${b.label}: ${formatStep(b.timing.step, b.timing.reps)}`);
  for (const b of runner.benches ?? []) if (b.timing?.vsNone && !b.label.includes("causal") && !b.blockSparsity?.sparsity) say(`vs none, ${b.label}: ${formatVsNone(b)}`);
  writeFileSync(join(out, "report.txt"), log.join("\n") + "\n");
}

async function main(): Promise<void> {
  const [cmd, dir] = process.argv.slice(2);
  const out = resolve(dir ?? "artifacts/gpu");
  if (cmd === "run") await runAll(out);
  else if (cmd === "aux") await auxRoundTrip(out);
  else if (cmd === "sass") await sassChecks(out);
  else if (cmd === "report") report(out);
  else { console.error("usage: gpu-tests.js run|aux|sass|report OUTDIR"); process.exit(2); }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
void main();
