// Varlen in the generated CUDA: an equal-length batch lowers seq.* from the dims; a varlen (packed)
// build wraps the mod (sequence lookup, cross-sequence pairs masked, local indices) and reads
// seq.* from cu_seqlens in internal aux slots. Both compile with nvcc (when present) for every
// runner target, with the loads the analysis promised (PTX proof), and the bounds-checked build.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import type { TargetId } from "../../../server/src/analysis/targets";
import { generateCuda, VARLEN_AUX } from "../../../server/src/codegen/cuda";
import { parsePtx } from "../../../server/src/codegen/ptxMap";
import { checkProof, describeMismatch } from "../../../server/src/codegen/ptxProof";
import { compileToPtx, findNvcc } from "../../../server/src/toolchain/nvcc";

const HAVE_NVCC = (() => { try { findNvcc(); return true; } catch { return false; } })();
const example = readFileSync(new URL("../../../examples/varlen_document.scoremod.ts", import.meta.url), "utf8");

describe("seq.* in generated CUDA", () => {
  it("an equal-length batch: sequence b starts at b * Q", () => {
    const fa = analyze("varlen_document.scoremod.ts", example, { target: "runner-sm90" });
    const g = generateCuda(fa, "tokenBias");
    expect(g.text).toContain("(q + (b * (int)p.dims[2]))");
    expect(g.text).toContain("(kv0 + (b * (int)p.dims[3]))");
    expect(g.varlenAux).toBeNull();
  });

  it("a varlen build: the wrapper masks pairs of two sequences and calls the mod with local positions", () => {
    const fa = analyze("varlen_document.scoremod.ts", example, { target: "runner-sm90" });
    const g = generateCuda(fa, "tokenBias", { varlen: true });
    expect(g.varlenAux).toEqual(VARLEN_AUX.map((name, i) => ({ slot: 2 + i, name })));
    expect(g.text).toContain("const int sq = static_cast<const int*>(p.aux[4].data)[q], sk = static_cast<const int*>(p.aux[5].data)[kv0];");
    expect(g.text).toContain("s[i] = (__int_as_float(0xff800000));");
    expect(g.text).toContain("sm_tokenBias_v1_seq(s, sq, h, q - static_cast<const int*>(p.aux[2].data)[sq], kv0 - static_cast<const int*>(p.aux[3].data)[sq], p);");
    expect(g.text).toContain("(q + sm_varlen_at(p, 2, b))");
    const m = generateCuda(fa, "docCausal", { varlen: true });
    expect(m.text).toContain("keep[i] = false;");
    expect(m.text).toContain("(sm_varlen_at(p, 3, b + 1) - sm_varlen_at(p, 3, b))");
  });

  it("refuses a file whose tensors leave no room for the internal arrays", () => {
    const decls = Array.from({ length: 6 }, (_, i) => `export const t${i} = tensor("t${i}", f32, ["KV"]);`).join("\n");
    const text = `import { f32, scoreMod, tensor } from "scoremod";\n${decls}\nexport const m = scoreMod((s, b, h, q, kv) => s + t0.at(kv));\n`;
    const fa = analyze("six.scoremod.ts", text, { target: "runner-sm90" });
    expect(() => generateCuda(fa, "m", { varlen: true })).toThrow(/needs 4 internal aux slots after the file's 6 tensors; the kernel ABI holds 8/);
  });

  const targets: TargetId[] = ["runner-sm90", "runner-sm80", "fa4-sm100"];
  it.skipIf(!HAVE_NVCC).each(targets)("compiles on %s, plain and varlen, V = 1 and 2, with the loads the analysis promised", async (t) => {
    const units = [];
    for (const V of [1, 2]) {
      const fa = analyze("varlen_document.scoremod.ts", example.replace("scoreMod((s,", `scoreMod({ vecSize: ${V} }, (s,`), { target: t });
      for (const m of fa.mods) {
        if (!m.ok) continue;
        units.push(generateCuda(fa, m.name, { symbolPrefix: `plain${V}_` }));
        units.push(generateCuda(fa, m.name, { symbolPrefix: `vl${V}_`, varlen: true }));
      }
    }
    expect(units.length).toBeGreaterThanOrEqual(6);
    const src = units.map((u) => u.text).join("");
    const r = await compileToPtx(src, { target: t, fileName: `varlen_${t}.cu` });
    const map = parsePtx(r.ptx, (n) => n.endsWith(".scoremod.ts"));
    const srcLines = example.split("\n");
    for (const u of units) {
      const mism = checkProof(u, map);
      if (!u.varlenAux) { expect(mism.map(describeMismatch), `${u.functionName}`).toEqual([]); continue; }
      // A varlen build also reads cu_seqlens (4 B ints) on the lines that read seq.*, as many times
      // as the compiler keeps after sharing the wrapper's reads: every load the analysis promised
      // is there, and nothing else but those reads.
      for (const m of mism) {
        const extra = [...m.actual];
        for (const w of m.expected) { const i = extra.indexOf(w); expect(i, describeMismatch(m)).toBeGreaterThanOrEqual(0); extra.splice(i, 1); }
        expect(extra.every((w) => w === 4), describeMismatch(m)).toBe(true);
        expect(srcLines[m.line - 1], describeMismatch(m)).toMatch(/seq\.(offsetQ|offsetKv|lenQ|lenKv)/);
      }
    }
    await compileToPtx(src, { target: t, fileName: `varlen_${t}_bounds.cu`, defines: ["SM_BOUNDS_CHECK"] });
  }, 120_000);
});
