// Every bundled example runs in Node through the DSL with sample data, and each mod really
// changes attention (finite outputs, different from plain attention). Both ways of loading are
// covered: a direct import (how the tests and the runner bundle see it) and the CommonJS loader.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { modGrid, referenceAttention } from "../../../runtime/src/reference";
import { exportedTensors, listDslExports, loadScoreModule } from "../../../runtime/src/load";
import { randomQKV, resolveDims, sampleBindings } from "../../../runtime/src/sample";
import { withBindings } from "../../../runtime/src/dsl";
import { seqInfo, seqlensOf, varlenDims } from "../../../runtime/src/varlen";

/** A mod call's SeqInfo outside a varlen batch (one long sequence). */
const SEQ = { offsetQ: 0, offsetKv: 0, lenQ: 1 << 20, lenKv: 1 << 20 };

const dir = fileURLToPath(new URL("../../../examples/", import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith(".scoremod.ts")).sort();
const REQUIRED = ["alibi", "causal", "document_mask", "full_bias", "kv_bias", "prefix_lm", "relative_position", "sliding_window", "softcap", "varlen_document"];

// Self-attention sizes (document_mask indexes doc ids with q, so Q == KV), with GQA.
// Long enough that the default window (256) and prefix lengths (< 256) do not cover every row.
const problem = { B: 2, H: 2, Hkv: 1, Q: 320, KV: 320, D: 8 };
/** The examples' own dims at this problem (a run sets each; none is guessed): packed_mask's KVW covers KV in 32-bit words, a multiple of 4. */
const OWN_DIMS: Record<string, Record<string, number>> = { "packed_mask.scoremod.ts": { KVW: 12 } };

async function importExample(file: string): Promise<Record<string, unknown>> {
  return (await import(`../../../examples/${file}`)) as Record<string, unknown>;
}

describe("examples", () => {
  it("include every required example", () => {
    expect(files.map((f) => f.replace(".scoremod.ts", ""))).toEqual(expect.arrayContaining(REQUIRED));
  });

  it.each(files)("%s starts with a header comment and imports only scoremod", (file) => {
    const text = readFileSync(dir + file, "utf8");
    expect(text.startsWith("// ")).toBe(true);
    const imports = [...text.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(imports)).toEqual(new Set(["scoremod"]));
  });

  it.each(files)("%s evaluates every mod with sample data to finite values that differ from plain attention", async (file) => {
    const exports = await importExample(file);
    const objs = listDslExports(exports);
    const mods = objs.filter((o) => o.kind === "score" || o.kind === "mask");
    expect(mods.length).toBeGreaterThan(0);
    const tensors = exportedTensors(exports);
    const dims = resolveDims(tensors, { B: problem.B, H: problem.H, Q: problem.Q, KV: problem.KV, ...OWN_DIMS[file] });
    const bindings = sampleBindings(tensors, dims, 3);
    const { q, k, v } = randomQKV(problem, 4);
    const base = { ...problem, q: q.values, k: k.values, v: v.values, bindings };
    const plain = referenceAttention(base);
    for (const m of mods) {
      const r = m.kind === "score" ? referenceAttention({ ...base, scoreMod: m.value }) : referenceAttention({ ...base, maskMod: m.value });
      for (const x of r.out) expect(Number.isFinite(x), m.exportName).toBe(true);
      for (const x of r.lse) expect(Number.isFinite(x), m.exportName).toBe(true);
      const diff = Math.max(...r.out.map((x, i) => Math.abs(x - plain.out[i]!)));
      expect(diff, `${m.exportName} changes the output`).toBeGreaterThan(1e-6);
    }
  });

  it.each(files)("%s loads through the CommonJS loader with the same DSL objects", async (file) => {
    const text = readFileSync(dir + file, "utf8");
    const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const loaded = loadScoreModule(js, file);
    const direct = listDslExports(await importExample(file));
    expect(loaded.dslExports.map((e) => [e.exportName, e.kind])).toEqual(direct.map((e) => [e.exportName, e.kind]));
    expect(loaded.tensors.map((t) => [t.name, t.dtype.name, t.shape])).toEqual(exportedTensors(await importExample(file)).map((t) => [t.name, t.dtype.name, t.shape]));
  });
});

describe("example semantics", () => {
  const dims = { B: 2, H: 4, Q: 16, KV: 16 };

  it("varlen_document reads its tables at the packed position of each sequence's tokens", async () => {
    const ex = await import("../../../examples/varlen_document.scoremod");
    const seqlens = seqlensOf([5, 11, 7], [5, 11, 9]);
    const { B, Q, KV, TOTAL_Q, TOTAL_KV } = varlenDims(seqlens);
    const bind = { ...sampleBindings([ex.keyBias, ex.queryTemp], { B, H: 2, Q, KV, TOTAL_Q, TOTAL_KV }, 2), seqlens };
    const seq = seqInfo(seqlens, 1);
    const temp = bind.tensors.query_temp!.values, bias = bind.tensors.key_bias!.values;
    const got = withBindings(bind, () => ex.tokenBias.fn(2, 1, 1, 3, 4, seq));
    expect(got).toBe(2 * temp[TOTAL_Q + 5 + 3]! + bias[TOTAL_KV + 5 + 4]!);
    // Sequence 2 has 2 more keys than queries: query 0 sees keys 0..2.
    const s2 = seqInfo(seqlens, 2);
    expect([2, 3].map((kv) => ex.docCausal.fn(2, 0, 0, kv, s2))).toEqual([true, false]);
  });

  it("kv_bias adds kv_bias[b, h, kv]", async () => {
    const ex = await import("../../../examples/kv_bias.scoremod");
    const bind = sampleBindings([ex.kvBias], dims, 1);
    const g = modGrid({ b: 1, h: 3, Q: 16, KV: 16, score: 0.5, scoreMod: ex.kvBiasMod, bindings: bind });
    const vals = bind.tensors.kv_bias!.values;
    for (let kv = 0; kv < 16; kv++) expect(g[2 * 16 + kv]).toBe(0.5 + vals[(1 * 4 + 3) * 16 + kv]!);
  });

  it("alibi adds slope[h] * (kv - q)", async () => {
    const ex = await import("../../../examples/alibi.scoremod");
    const bind = sampleBindings([ex.slopes], dims, 1);
    const slope = bind.tensors.alibi_slopes!.values[2]!;
    expect(slope).toBeGreaterThanOrEqual(1 / 256);
    const g = modGrid({ b: 0, h: 2, Q: 16, KV: 16, score: 0, scoreMod: ex.alibi, bindings: bind });
    expect(g[5 * 16 + 1]).toBeCloseTo(slope * -4, 12);
  });

  it("softcap keeps scores inside (-cap, cap) and honours a bound cap", async () => {
    const ex = await import("../../../examples/softcap.scoremod");
    expect(withBindings({}, () => ex.softcap.fn(1e6, 0, 0, 0, 0, SEQ))).toBeCloseTo(30, 10);
    expect(withBindings({ scalars: { softcap: 5 } }, () => ex.softcap.fn(-1e6, 0, 0, 0, 0, SEQ))).toBeCloseTo(-5, 10);
    expect(withBindings({}, () => ex.softcap.fn(0.3, 0, 0, 0, 0, SEQ))).toBeCloseTo(30 * Math.tanh(0.01), 12);
  });

  it("relative_position gathers the clamped distance bucket", async () => {
    const ex = await import("../../../examples/relative_position.scoremod");
    const bind = sampleBindings([ex.relTable], { ...dims, Q: 300, KV: 300 }, 1);
    const table = bind.tensors.rel_bias!.values;
    const at = (q: number, kv: number) => withBindings(bind, () => ex.relativePosition.fn(0, 0, 1, q, kv, SEQ));
    expect(at(10, 3)).toBe(table[257 + 7 + 128]);
    expect(at(3, 10)).toBe(table[257 + -7 + 128]);
    expect(at(299, 0)).toBe(table[257 + 256]);
    expect(at(0, 299)).toBe(table[257 + 0]);
  });

  it("document_mask keeps exactly the same-document pairs", async () => {
    const ex = await import("../../../examples/document_mask.scoremod");
    const bind = sampleBindings([ex.docId], dims, 2);
    const ids = bind.tensors.doc_id!.values;
    const g = modGrid({ b: 1, h: 0, Q: 16, KV: 16, maskMod: ex.documentMask, bindings: bind });
    for (let q = 0; q < 16; q++) for (let kv = 0; kv < 16; kv++) {
      expect(g[q * 16 + kv] === 0, `${q},${kv}`).toBe(ids[16 + q] === ids[16 + kv]);
    }
  });

  it("sliding_window keeps |q - kv| <= window", async () => {
    const ex = await import("../../../examples/sliding_window.scoremod");
    const g = modGrid({ b: 0, h: 0, Q: 16, KV: 16, maskMod: ex.slidingWindow, bindings: { dims, scalars: { window: 3 } } });
    for (let q = 0; q < 16; q++) for (let kv = 0; kv < 16; kv++) expect(g[q * 16 + kv] === 0).toBe(Math.abs(q - kv) <= 3);
  });

  it("prefix_lm is bidirectional inside the prefix and causal after it", async () => {
    const ex = await import("../../../examples/prefix_lm.scoremod");
    const bind = sampleBindings([ex.prefixLen], dims, 1);
    const data = { ...bind.tensors.prefix_len!, values: Float64Array.from([5, 0]) };
    const b2 = { ...bind, tensors: { prefix_len: data } };
    const g0 = modGrid({ b: 0, h: 0, Q: 16, KV: 16, maskMod: ex.prefixLm, bindings: b2 });
    const g1 = modGrid({ b: 1, h: 0, Q: 16, KV: 16, maskMod: ex.prefixLm, bindings: b2 });
    for (let q = 0; q < 16; q++) for (let kv = 0; kv < 16; kv++) {
      expect(g0[q * 16 + kv] === 0).toBe(kv < 5 || q >= kv);
      expect(g1[q * 16 + kv] === 0).toBe(q >= kv);
    }
  });

  it("causal keeps q >= kv", async () => {
    const ex = await import("../../../examples/causal.scoremod");
    const g = modGrid({ b: 0, h: 0, Q: 4, KV: 4, maskMod: ex.causalMask, bindings: { dims } });
    expect([...g].map((x) => (x === 0 ? 1 : 0))).toEqual([1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1]);
  });
});
