// THE PROOF (issue 3): compile every example and every trap fixture, for every target and every
// V in {1, 2, 4, 8, 16} the target accepts, and check from the PTX that the global loads issued on
// each source line are exactly what the analysis promised: widths and counts, in both directions.
// One translation unit per target keeps this to five nvcc runs.
import { describe, expect, it } from "vitest";
import { AnalysisHost } from "../../../server/src/analysis/index";
import { TARGETS, type TargetId } from "../../../server/src/analysis/targets";
import { generateCuda, type GeneratedCuda } from "../../../server/src/codegen/cuda";
import { parsePtx, type PtxMap } from "../../../server/src/codegen/ptxMap";
import { checkProof, describeMismatch } from "../../../server/src/codegen/ptxProof";
import { compileToPtx, findNvcc } from "../../../server/src/toolchain/nvcc";
import { sample } from "./handBuilt";
import { corpus } from "./proofCorpus";

function nvccPresent(): boolean {
  try { findNvcc(); return true; } catch { return false; }
}
const HAVE_NVCC = nvccPresent();
if (!HAVE_NVCC) console.warn("ptx-proof: SKIPPED: nvcc not found (set CUDA_HOME); the PTX proof needs it");

const VS = [1, 2, 4, 8, 16];
const files = corpus();
const host = new AnalysisHost();
for (const f of files) host.setFile(f.name, f.text);

interface Unit { file: string; gen: GeneratedCuda }
const FA4_REFUSALS = new Set(["SM172", "SM173"]);
function unitsFor(t: TargetId): { units: Unit[]; skipped: string[]; refused: string[] } {
  const units: Unit[] = [], skipped: string[] = [], refused: string[] = [];
  for (const f of files) for (const V of VS) {
    if (V > TARGETS[t].vecCap) continue;
    const fa = host.analyze(f.name, { target: t, vecSize: V });
    for (const m of fa.mods) {
      // A mod FA4 itself refuses on this target (SM172: mask V > 1 off sm100; SM173: score mods on
      // sm80) has no code to prove; any other error would hide a mod from the proof.
      if (!m.ok && m.blocking.every((d) => FA4_REFUSALS.has(d.code))) { refused.push(`${f.name} ${m.name} V=${V}`); continue; }
      if (!m.ok) { skipped.push(`${f.name} ${m.name} V=${V}`); continue; }
      const prefix = f.name.replace(/\.scoremod\.ts$/, "").replace(/\W/g, "_") + "_";
      units.push({ file: f.name, gen: generateCuda(fa, m.name, { symbolPrefix: prefix }) });
    }
  }
  return { units, skipped, refused };
}

const compiled = new Map<TargetId, { units: Unit[]; map: PtxMap; refused: string[] }>();
async function compileTarget(t: TargetId): Promise<{ units: Unit[]; map: PtxMap; refused: string[] }> {
  const hit = compiled.get(t);
  if (hit) return hit;
  const { units, skipped, refused } = unitsFor(t);
  // Every example and trap must be analysable without errors: a skipped mod would hide from the proof.
  expect(skipped, `mods with errors on ${t}`).toEqual([]);
  // FA4's refusals are exactly its rules: masks at V > 1 off sm100, score mods on sm80, nothing else.
  const rules = TARGETS[t].fa4;
  for (const r of refused) expect(r, `refused on ${t}`).toMatch(rules && rules.maskVecMax === 1 ? (rules.customScoreMods ? / V=(2|4|8|16)$/ : / V=\d+$/) : /^$/);
  const r = await compileToPtx(units.map((u) => u.gen.text).join(""), { target: t, fileName: `proof_${t}.cu` });
  const out = { units, map: parsePtx(r.ptx, (n) => n.endsWith(".scoremod.ts")), refused };
  compiled.set(t, out);
  return out;
}

describe.skipIf(!HAVE_NVCC)("PTX proof: loads per source line match the analysis", () => {
  it("has a corpus (examples and traps)", () => {
    expect(files.filter((f) => f.dir === "examples").length).toBeGreaterThanOrEqual(9);
    expect(files.filter((f) => f.dir === "traps").length).toBeGreaterThanOrEqual(8);
  });

  for (const t of Object.keys(TARGETS) as TargetId[]) {
    it(`${t}: every (file, mod, V) agrees with its PTX`, async () => {
      const { units, map, refused } = await compileTarget(t);
      expect(units.length + refused.length).toBeGreaterThan(files.length);
      expect(units.length).toBeGreaterThan(0);
      const bad: string[] = [];
      let loadsSeen = 0;
      for (const u of units) {
        const mm = checkProof(u.gen, map);
        for (const m of mm) bad.push(`${t} ${u.file} ${u.gen.mod} V=${u.gen.vecSize}: ${describeMismatch(m)}`);
        loadsSeen += u.gen.loads.length;
      }
      expect(bad).toEqual([]);
      expect(loadsSeen).toBeGreaterThan(0);
    });
  }

  it("sees vector loads where the analysis promises them (not vacuous)", async () => {
    const { units, map } = await compileTarget("runner-sm90");
    const kv = units.find((u) => u.file === "kv_bias.scoremod.ts" && u.gen.vecSize === 8)!;
    expect(kv.gen.loads).toMatchObject([{ class: "contiguous", widthBytes: 16, instructions: 1 }]);
    const wide = map.instrs.filter((i) => i.func === kv.gen.kernelName && /^ld\.global(\.nc)?\.v4\.u32/.test(i.text));
    expect(wide.length).toBe(1);
    expect(wide[0]!.line).toBe(kv.gen.loads[0]!.srcLine);
  });

  it("grouped loads: V/g consecutive elements in vector loads, one broadcast element per call in one run", async () => {
    const { units, map } = await compileTarget("runner-sm90");
    const runs = units.find((u) => u.file === "grouped_runs.scoremod.ts" && u.gen.mod === "runsOf4" && u.gen.vecSize === 16)!;
    // kv >> 2 over 16 lanes: 4 bf16 = 8 B, one load (the other load of the line, idiv(kv + 2, 4), is a gather).
    expect(runs.gen.loads.find((l) => l.class === "grouped")).toMatchObject({ widthBytes: 8, instructions: 1 });
    const wide = map.instrs.filter((i) => i.func === runs.gen.kernelName && /^ld\.global(\.nc)?\.v2\.u32/.test(i.text));
    expect(wide.length).toBe(1);
    const bcast = units.find((u) => u.file === "grouped_runs.scoremod.ts" && u.gen.mod === "runsOf8" && u.gen.vecSize === 8)!;
    expect(bcast.gen.loads).toMatchObject([{ class: "grouped", widthBytes: 4, instructions: 1 }]);
  });

  // The corpus stops at V = 16; runs of 32 lanes (a packed bit mask's words) vectorize only above.
  it("packed bit mask at V = 32, 64, 128: one broadcast word, then V/32 words per load, on every row target", async () => {
    const f = files.find((x) => x.name === "packed_mask.scoremod.ts")!;
    expect(f).toBeDefined();
    for (const t of ["fa4-sm100", "runner-sm90", "runner-sm80"] as TargetId[]) {
      const gens = [32, 64, 128].map((V) => generateCuda(host.analyze(f.name, { target: t, vecSize: V }), "packedMask", { symbolPrefix: `pm${V}_` }));
      expect(gens.map((g) => g.loads.map((l) => [l.class, l.widthBytes, l.instructions]))).toEqual([[["grouped", 4, 1]], [["grouped", 8, 1]], [["grouped", 16, 1]]]);
      const r = await compileToPtx(gens.map((g) => g.text).join(""), { target: t, fileName: `proof_packed_${t}.cu` });
      const ptx = parsePtx(r.ptx, (n) => n.endsWith(".scoremod.ts"));
      expect(gens.flatMap((g) => checkProof(g, ptx).map((m) => `${t} V=${g.vecSize}: ${describeMismatch(m)}`))).toEqual([]);
      expect(ptx.instrs.filter((i) => i.func === gens[2]!.kernelName && /^ld\.global(\.nc)?\.v4\.u32/.test(i.text)).length, t).toBe(1);
    }
  });

  it("detects disagreement in both directions", async () => {
    const { units, map } = await compileTarget("runner-sm80");
    const kv = units.find((u) => u.file === "kv_bias.scoremod.ts" && u.gen.vecSize === 8)!;
    // Promise scalars where the PTX has one vector load: fewer, narrower expected than issued.
    const asScalar = { ...kv.gen, loads: kv.gen.loads.map((l) => ({ ...l, widthBytes: 2, instructions: 8 })) };
    expect(checkProof(asScalar, map).length).toBe(1);
    const gather = units.find((u) => u.file === "kv_times_2.scoremod.ts" && u.gen.vecSize === 8)!;
    // Promise one wide load where the PTX has eight scalars.
    const asVector = { ...gather.gen, loads: gather.gen.loads.map((l) => ({ ...l, widthBytes: 16, instructions: 1 })) };
    expect(checkProof(asVector, map).length).toBe(1);
    // Promise nothing on a line that has loads.
    const none = { ...gather.gen, loads: [] };
    expect(checkProof(none, map).map((m) => m.expected)).toEqual([[]]);
  });

  it("fa4-sm100 issues 32-byte loads when alignment allows (hand-built facts)", async () => {
    const fa = sample(16, "fa4-sm100", 16);
    fa.tensors[0]!.align = 32;
    const gen = generateCuda(fa, "biased");
    const r = await compileToPtx(gen.text, { target: "fa4-sm100" });
    const mm = checkProof(gen, parsePtx(r.ptx, (n) => n.endsWith(".scoremod.ts")));
    expect(gen.loads).toMatchObject([{ widthBytes: 32, instructions: 1 }]);
    expect(mm.map(describeMismatch)).toEqual([]);
  });

  it("the bounds-checked build compiles for every arch", async () => {
    for (const t of ["fa4-sm100", "fa4-sm90", "fa4-sm80", "fa4-sm120"] as TargetId[]) {
      const fa = sample(2, t, 2);
      const text = ["biased", "relpos", "document"].map((m) => generateCuda(fa, m).text).join("")
        + "__device__ SmBoundsReport sm_bounds_report;\n";
      await expect(compileToPtx(text, { target: t, defines: ["SM_BOUNDS_CHECK"] })).resolves.toMatchObject({ ptx: expect.stringContaining("sm_bounds_report") });
    }
  });
});
