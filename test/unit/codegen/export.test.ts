// FA4 and FlexAttention exports: goldens for every example, valid Python (py_compile), the
// semantics that differ between Python and C, and the CLI.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { run } from "../../../server/src/cli/export";
import { exportFa4 } from "../../../server/src/codegen/exportFa4";
import { exportFlex } from "../../../server/src/codegen/exportFlex";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { EXPORTS, EXPORT_FLAVORS } from "../../../server/src/codegen/exports";
import { PY_MAKE_AUX, PY_SAMPLER } from "../../../server/src/codegen/pySample";
import { SAMPLE_ID, SAMPLE_MODULE } from "../../../server/src/codegen/sampleModule";
import { expectGolden } from "./golden";
import { ROOT, corpus } from "./proofCorpus";

const examples = corpus(["examples"]);
const all = corpus();
const python = (() => {
  const r = spawnSync("python3", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? "python3" : null;
})();
if (!python) console.warn("export tests: py_compile SKIPPED: python3 not found");

/** py_compile every file in one python3 process; returns failures. */
function pyCompile(files: { name: string; text: string }[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "smexport-"));
  const paths = files.map((f) => { const p = join(dir, f.name); writeFileSync(p, f.text); return p; });
  const script = "import json, py_compile, sys\nbad = []\nfor p in sys.argv[1:]:\n    try:\n        py_compile.compile(p, doraise=True)\n    except py_compile.PyCompileError as e:\n        bad.append(str(e))\nprint(json.dumps(bad))\n";
  const out = execFileSync(python!, ["-c", script, ...paths], { encoding: "utf8" });
  return JSON.parse(out) as string[];
}

// Every format of the table (codegen/exports.ts): a new one gets goldens and the Python check
// without a test edit (UPDATE_GOLDENS=1 writes them).
describe("export goldens", () => {
  for (const f of examples) {
    it(`${f.name}: ${EXPORT_FLAVORS.join(" and ")}`, () => {
      const fa = analyze(f.name, f.text);
      const stem = f.name.replace(/\.scoremod\.ts$/, "");
      for (const flavor of EXPORT_FLAVORS) expectGolden(join(ROOT, "test/golden/export", `${stem}.${flavor}.py`), EXPORTS[flavor].generate(fa).text);
    });
  }
});

describe("the Flex export's sample-data module", () => {
  it("is one golden module, the sampler twin verbatim, and every Flex export names it as its one helper", () => {
    expectGolden(join(ROOT, "test/golden/export", SAMPLE_MODULE.fileName), SAMPLE_MODULE.text);
    expect(SAMPLE_MODULE.text).toContain(PY_SAMPLER.trimEnd());
    for (const f of examples) {
      const x = exportFlex(analyze(f.name, f.text));
      expect(x.helpers).toEqual([SAMPLE_MODULE]);
      // Inlined no more: the sampler's functions are defined only in the module.
      expect(x.text).not.toContain("def _uniforms(");
      expect(x.text).toContain(PY_MAKE_AUX.trimEnd());
    }
  });
});

describe.skipIf(!python)("a Flex export loads its sample module from beside its own file", () => {
  // torch is not needed to check the wiring: a stub answers every attribute.
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), "smsample-"));
    const stubs = join(dir, "stubs"), out = join(dir, "out");
    mkdirSync(stubs); mkdirSync(out);
    writeFileSync(join(stubs, "torch.py"), "def __getattr__(name):\n    return name\n");
    const kvFile = join(ROOT, "examples/kv_bias.scoremod.ts");
    const x = exportFlex(analyze(kvFile, readFileSync(kvFile, "utf8")));
    writeFileSync(join(out, x.fileName), x.text);
    return { stubs, out, path: join(out, x.fileName) };
  };
  const load = (stubs: string, path: string) => spawnSync(python!, ["-c", [
    "import importlib.util, sys",
    `spec = importlib.util.spec_from_file_location("exp", sys.argv[1])`,
    "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)",
    "print(sorted(k for k in ('make_aux', 'TENSORS', 'DIVISIBLE', '_eval_poly', 'MODS') if hasattr(m, k)))",
    "print(m._eval_poly([(2, ['KV']), (3, [])], {'KV': 5}))",
    "print(m._sample_module().SAMPLE_ID)",
  ].join("\n"), path], { cwd: tmpdir(), encoding: "utf8", env: { ...process.env, PYTHONPATH: stubs } });

  it("by path from another directory, with make_aux, TENSORS, DIVISIBLE, _eval_poly and MODS in the export's namespace", () => {
    const { stubs, out, path } = setup();
    writeFileSync(join(out, SAMPLE_MODULE.fileName), SAMPLE_MODULE.text);
    const r = load(stubs, path);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")).toEqual(["['DIVISIBLE', 'MODS', 'TENSORS', '_eval_poly', 'make_aux']", "13", SAMPLE_ID, ""]);
  });
  it("says what is missing, or from which version it is", () => {
    const { stubs, out, path } = setup();
    expect(load(stubs, path).stderr).toMatch(/ImportError: make_aux needs .*scoremod_sample\.py \(the sample-data helpers\)/);
    writeFileSync(join(out, SAMPLE_MODULE.fileName), SAMPLE_MODULE.text.replace(SAMPLE_ID, "0123456789abcdef"));
    expect(load(stubs, path).stderr).toMatch(/is from another Score Mod Studio version \(SAMPLE_ID 0123456789abcdef/);
  });
});

describe.skipIf(!python)("exports are valid Python", () => {
  it("every example and trap, both targets, compiles with py_compile", () => {
    const files = all.flatMap((f) => {
      const fa = analyze(f.name, f.text);
      return EXPORT_FLAVORS.map((flavor) => EXPORTS[flavor].generate(fa)).map((x) => ({ name: x.fileName, text: x.text }));
    });
    expect(files.length).toBe(EXPORT_FLAVORS.length * all.length);
    expect(pyCompile([...files, { name: SAMPLE_MODULE.fileName, text: SAMPLE_MODULE.text }])).toEqual([]);
  });
  it("the check can fail (a broken file is reported)", () => {
    expect(pyCompile([{ name: "bad.py", text: "def f(:\n" }]).length).toBe(1);
  });
});

describe("export semantics", () => {
  const src = (body: string, decl = "") =>
    `import { scoreMod, maskMod, idiv, tensor, bf16, i32, f32 } from "scoremod";\n${decl}\nexport const m = ${body};\n`;
  it("Flex: C truncation for idiv and %, float division for /", () => {
    const fa = analyze("t.scoremod.ts", src("scoreMod((s, b, h, q, kv) => s + idiv(q - kv, 3) + (q - kv) % 5 + q / 2)"));
    const py = exportFlex(fa).text;
    expect(py).toContain("_trunc_div((q_idx - kv_idx), 3)");
    expect(py).toContain("_c_mod((q_idx - kv_idx), 5)");
    expect(py).toContain('torch.div(a, b, rounding_mode="trunc")');
    expect(py).toContain("torch.fmod(a, b)");
    expect(py).toMatch(/\(q_idx\)\.to\(torch\.float32\) \/ 2\.0\)|\(\(q_idx\)\.to\(torch\.float32\) \/ float\(2\)\)/);
  });
  it("Flex: bf16 loads upcast to float32, aux tensors closed over by name", () => {
    const fa = analyze("t.scoremod.ts", src("scoreMod((s, b, h, q, kv) => s + bias.at(b, kv))", `export const bias = tensor("kvb", bf16, ["B", "KV"]);`));
    const py = exportFlex(fa).text;
    expect(py).toContain('t_kvb = aux["kvb"]');
    expect(py).toContain("t_kvb[b, kv_idx].float()");
    expect(py).toContain('{"name": "kvb", "dtype": "bf16", "bytes": 2, "shape": ["B", "KV"], "strides": [[(1, ["KV"])], [(1, [])]]');
  });
  it("Flex: if/else becomes torch.where with both branches evaluated", () => {
    const fa = analyze("t.scoremod.ts", src("scoreMod((s, b, h, q, kv) => { if (q >= kv) { return s * 2; } return s; })"));
    expect(exportFlex(fa).text).toContain("return torch.where(torch.as_tensor((q_idx >= kv_idx)), (score * 2.0), score)");
  });
  it("FA4: calling convention, __vec_size__, promises per aux tensor", () => {
    const fa = analyze("t.scoremod.ts", src("scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => s + bias.at(b, kv))",
      `export const bias = tensor("kvb", bf16, ["B", "KV"], { align: 16, divisible: { KV: 8 } });`));
    const py = exportFa4(fa).text;
    expect(py).toContain("def m(tSrS_ssa, b_idx, h_idx, q_idx, kv_idx, seqlen_info, aux_tensors):");
    expect(py).toContain("m.__vec_size__ = 8");
    expect(py).toContain("#     kvb.__assumed_align__ = 16");
    expect(py).toContain("#     kvb.__leading_dim__ = 1");
    expect(py).toContain("divby=8)");
    expect(py).toContain("cute.autovec_copy(");
  });
  it("FA4: mask mods use the mask calling convention", () => {
    const fa = analyze("t.scoremod.ts", src("maskMod((b, h, q, kv) => q >= kv)"));
    expect(exportFa4(fa).text).toContain("def m(b_idx, h_idx, q_idx, kv_idx, seqlen_info, aux_tensors):\n");
  });
});

describe("scoremod export", () => {
  async function cli(...argv: string[]) {
    let out = "", err = "";
    const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, out, err };
  }
  const kv = join(ROOT, "examples/kv_bias.scoremod.ts");
  it("prints fa4 and flex", async () => {
    const a = await cli(kv, "--to", "fa4");
    expect(a.code).toBe(0);
    expect(a.out).toContain("kvBiasMod.__vec_size__ = 8");
    const b = await cli(kv, "--to", "flex", "--mod", "kvBiasMod");
    expect(b.code).toBe(0);
    expect(b.out).toContain("def make_kvBiasMod(aux, B, H, Q, KV, scalars=None, **user_dims):");
  });
  it("clear errors", async () => {
    expect((await cli(kv)).err).toContain("missing --to fa4|flex");
    expect((await cli(kv, "--to", "triton")).err).toContain("--to must be fa4 or flex, got 'triton'");
    const r = await cli(kv, "--to", "flex", "--mod", "nope");
    expect(r.code).toBe(2);
    expect(r.err).toContain("no mod named 'nope' (mods: kvBiasMod)");
    const dir = mkdtempSync(join(tmpdir(), "smexp-"));
    writeFileSync(join(dir, "bad.scoremod.ts"), 'import { scoreMod } from "scoremod";\nexport const m = scoreMod((s) => s + foo);\n');
    const bad = await cli(join(dir, "bad.scoremod.ts"), "--to", "fa4");
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("mod 'm' cannot be generated until its errors are fixed");
  });
  it("--out never overwrites the input file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smexp-"));
    const src = join(dir, "kv.scoremod.ts");
    const text = readFileSync(kv, "utf8");
    writeFileSync(src, text);
    const r = await cli(src, "--to", "flex", "--out", src);
    expect(r.code).toBe(2);
    expect(r.err).toContain("is the input file");
    expect(readFileSync(src, "utf8")).toBe(text);
    const ok = await cli(src, "--to", "flex", "--out", join(dir, "kv_flex.py"));
    expect(ok.code).toBe(0);
  });
  it("--out DIR writes <stem>.<flavor>.py and the sample module beside it, and a re-export updates both", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smexp-"));
    const fa = analyze(kv, readFileSync(kv, "utf8"));
    writeFileSync(join(dir, "kv_bias.flex.py"), "stale\n");
    writeFileSync(join(dir, SAMPLE_MODULE.fileName), "stale\n");
    const r = await cli(kv, "--to", "flex", "--out", dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    expect(r.err).toContain(`wrote ${join(dir, "kv_bias.flex.py")}, ${join(dir, SAMPLE_MODULE.fileName)} (kvBiasMod)`);
    expect(readFileSync(join(dir, "kv_bias.flex.py"), "utf8")).toBe(exportFlex(fa).text);
    expect(readFileSync(join(dir, SAMPLE_MODULE.fileName), "utf8")).toBe(SAMPLE_MODULE.text);
    expect(readdirSync(dir).sort()).toEqual(["kv_bias.flex.py", SAMPLE_MODULE.fileName].sort());
  });
  it("-o PATH with --mod: that file, the helper beside it; fa4 has no helper", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smexp-"));
    const r = await cli(kv, "--to", "flex", "--mod", "kvBiasMod", "-o", join(dir, "x.py"));
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([SAMPLE_MODULE.fileName, "x.py"].sort());
    const d2 = mkdtempSync(join(tmpdir(), "smexp-"));
    expect((await cli(kv, "--to", "fa4", "--mod", "kvBiasMod", "--out", d2)).code).toBe(0);
    expect(readdirSync(d2)).toEqual(["kv_bias.kvBiasMod.fa4.py"]);
  });
  it("printing keeps stdout the export alone and names the helper on stderr", async () => {
    const r = await cli(kv, "--to", "flex");
    expect(r.out).toBe(exportFlex(analyze(kv, readFileSync(kv, "utf8"))).text);
    expect(r.err).toBe(`scoremod export: make_aux loads ${SAMPLE_MODULE.fileName} from beside the export; --out writes it\n`);
    expect((await cli(kv, "--to", "fa4")).err).toBe("");
  });
});

describe("Flex export: block masks", () => {
  const ROOT = join(__dirname, "../../..");
  const flexOf = (rel: string) => {
    const f = join(ROOT, rel);
    return exportFlex(analyze(f, readFileSync(f, "utf8"), { target: "fa4-sm100" })).text;
  };
  it("broadcasts b and h only where the mask provably ignores them", () => {
    expect(flexOf("examples/causal.scoremod.ts")).toContain(`MASK_DEPENDS = {"causalMask": (False, False)}`);
    expect(flexOf("examples/document_mask.scoremod.ts")).toContain(`MASK_DEPENDS = {"documentMask": (True, False)}`);
    expect(flexOf("test/fixtures/masks/head_window.scoremod.ts")).toContain(`MASK_DEPENDS = {"headWindow": (False, True)}`);
  });
  it("states the proven sparsity, or that it depends on the data", () => {
    expect(flexOf("examples/sliding_window.scoremod.ts")).toMatch(/#   slidingWindow: 92\.3% of tiles empty, 4\.6% full, 3\.0% partial/);
    expect(flexOf("examples/prefix_lm.scoremod.ts")).toMatch(/#   prefixLm: reads aux data; the sparsity depends on it/);
    expect(flexOf("examples/kv_bias.scoremod.ts")).not.toContain("make_block_mask");
  });
});

describe("FA4 export: block sparsity", () => {
  const ROOT = join(__dirname, "../../..");
  const fa4Of = (rel: string, target: "fa4-sm100" | "fa4-sm90" | "fa4-sm80") => {
    const f = join(ROOT, rel);
    return exportFa4(analyze(f, readFileSync(f, "utf8"), { target, vecSize: 1 })).text;
  };
  it("follows FA4's block-size contract per target", () => {
    expect(fa4Of("examples/causal.scoremod.ts", "fa4-sm100")).toContain("return (256 if seqlen_q > 128 else 128, 128)");
    expect(fa4Of("examples/causal.scoremod.ts", "fa4-sm90")).toContain("    return (128, 128)");
    const sm80 = fa4Of("examples/causal.scoremod.ts", "fa4-sm80");
    expect(sm80).toMatch(/# Not emitted for fa4-sm80: FA4 accepts block_sparse_tensors there but its sm80 forward kernel/);
    expect(sm80).not.toContain("def block_sparse_tensors");
  });
  it("maps the BlockMask's fields to FA4's mask and full blocks, and only for files with a mask", () => {
    const t = fa4Of("examples/sliding_window.scoremod.ts", "fa4-sm100");
    expect(t).toContain("mask_block_cnt=i32(block_mask.kv_num_blocks), mask_block_idx=i32(block_mask.kv_indices)");
    expect(t).toContain("full_block_cnt=i32(block_mask.full_kv_num_blocks), full_block_idx=i32(block_mask.full_kv_indices)");
    expect(t).toMatch(/#   slidingWindow: 92\.3% of tiles empty/);
    expect(fa4Of("examples/kv_bias.scoremod.ts", "fa4-sm100")).not.toContain("block_sparse_tensors");
  });
});

describe("exports: tensors whose variable names differ only in characters Python drops", () => {
  it("keep distinct Python names (issue 14, item 5)", () => {
    const text = `import { bf16, scoreMod, tensor } from "scoremod";
export const α = tensor("alpha_bias", bf16, ["KV"]);
export const β = tensor("beta_bias", bf16, ["KV"]);
export const m = scoreMod((s, b, h, q, kv) => s + α.at(kv) - β.at(kv));
`;
    const fa = analyze("u.scoremod.ts", text);
    const flex = exportFlex(fa).text, fa4 = exportFa4(fa).text;
    expect(flex).toContain("return ((score + t_alpha_bias[kv_idx].float()) - t_beta_bias[kv_idx].float())");
    expect(fa4).toMatch(/a_alpha_bias/);
    expect(fa4).toMatch(/a_beta_bias/);
  });
});

describe("FA4 export follows FA4's contracts (issue 10, item 8)", () => {
  const fa4 = (text: string, opts: { target?: "fa4-sm100" | "fa4-sm90" | "fa4-sm80" | "fa4-sm120"; vecSize?: number } = {}) =>
    exportFa4(analyze("c.scoremod.ts", text, opts));
  const CAUSAL = readFileSync(join(ROOT, "examples/causal.scoremod.ts"), "utf8");

  it("an aux-free mask defaults to V = 1 on FA4 targets (FA4's mask default), returning booleans", () => {
    const t = fa4(CAUSAL).text;
    expect(t).toContain("causalMask.__vec_size__ = 1");
    expect(t).toContain("    return operator.ge(q_idx, kv_idx)\n");
    expect(t).not.toContain("_pack_keep");
  });

  it("a mask with V > 1 on fa4-sm100 returns packed Uint32 words: max(1, V / 32) of them, bit i = lane i", () => {
    for (const [V, words] of [[8, 1], [32, 1], [64, 2], [128, 4]] as const) {
      const t = fa4(CAUSAL, { vecSize: V }).text;
      expect(t).toContain(`causalMask.__vec_size__ = ${V}`);
      expect(t).toContain(`    keep = operator.ge(q_idx, kv_idx)\n    return _pack_keep(keep, ${V})  # ${words} Uint32 word(s): bit i keeps lane i`);
      expect(t).toContain("def _pack_keep(keep, n):");
      expect(t).toMatch(/words = cute\.make_rmem_tensor\(max\(1, n \/\/ 32\), cutlass\.Uint32\)/);
      expect(t).toContain("acc = acc | (cutlass.Uint32(keep[32 * w + i]) << i)");
      expect(t).toContain("# causalMask: __vec_size__ > 1, so it returns packed Uint32 keep words, which FA4 takes");
    }
  });

  it("a mask with V > 1 is refused with a located SM172 where FA4 raises (fa4-sm90, fa4-sm80, fa4-sm120)", () => {
    for (const target of ["fa4-sm90", "fa4-sm80", "fa4-sm120"] as const) {
      const fa = analyze("c.scoremod.ts", CAUSAL.replace("maskMod((b", "maskMod({ vecSize: 2 }, (b"), { target });
      const d = fa.diagnostics.find((x) => x.code === "SM172")!;
      expect(d.severity, target).toBe("error");
      expect(d.range.start.line, target).toBe(3);
      expect(d.message).toMatch(/refused by FA4 on fa4-sm(90|80|120)/);
      expect(d.fixes?.[0]?.edits[0]?.newText).toBe("1");
      expect(() => exportFa4(fa)).toThrow(/SM172/);
    }
  });

  it("score mods: FA4 raises on sm80 (SM173); sm120 runs them forward only (SM174 warning)", () => {
    const src = readFileSync(join(ROOT, "examples/softcap.scoremod.ts"), "utf8");
    const sm80 = analyze("s.scoremod.ts", src, { target: "fa4-sm80" });
    expect(sm80.diagnostics.filter((d) => d.code === "SM173").map((d) => d.severity)).toContain("error");
    expect(sm80.mods.find((m) => m.kind === "score")!.ok).toBe(false);
    const sm120 = analyze("s.scoremod.ts", src, { target: "fa4-sm120" });
    expect(sm120.diagnostics.filter((d) => d.code === "SM174").every((d) => d.severity === "warning")).toBe(true);
    expect(sm120.mods.every((m) => m.ok)).toBe(true);
    const t = exportFa4(sm120).text;
    expect(t).toContain("# fa4-sm120: forward only.");
    expect(t).toMatch(/# Not emitted for fa4-sm120: FA4 asserts block sparsity is not supported there/);
    expect(analyze("s.scoremod.ts", src, { target: "fa4-sm90" }).diagnostics.filter((d) => /^SM17[234]$/.test(d.code))).toEqual([]);
  });

  it("a gather the analysis keeps under its `||` loads only the lanes the condition selects", () => {
    // When q >= kv fails, q - kv is negative: the load may leave the table, so the analysis keeps it
    // under its condition (gather) and the CUDA's lane function runs it only there.
    const text = `import { i32, maskMod, tensor } from "scoremod";
export const band = tensor("band", i32, ["B", 64]);
export const m = maskMod({ vecSize: 4 }, (b, h, q, kv) => q < kv || band.at(b, q - kv) > 0);
`;
    const fa = analyze("g.scoremod.ts", text);
    expect(fa.mods[0]!.loads[0]!.class).toBe("gather");
    const t = exportFa4(fa).text;
    const body = t.slice(t.indexOf("def m("));
    expect(body).toMatch(/g0_\d+ = \(~operator\.lt\(q_idx, kv_idx\)\)/);
    expect(body).toMatch(/ld0_\d+\[i\] = a_band\.element_type\(0\)\n {8}if g0_\d+\[i\]:\n {12}ld0_\d+\[i\] = a_band\[x0_\d+_0\[i\], x0_\d+_1\[i\]\]/);
    // Unguarded gathers load every lane, as before.
    const plain = exportFa4(analyze("p.scoremod.ts", text.replace("q < kv || band.at(b, q - kv) > 0", "band.at(b, (q * kv) % 64) > 0"))).text;
    expect(plain).not.toMatch(/if g0/);
    expect(plain).toMatch(/ld0\[i\] = a_band\[x0_0\[i\], x0_1\[i\]\]/);
  });

  it("a load under `||` whose index is in range at every size is hoisted, in the FA4 export and the CUDA alike", () => {
    // min(q, 63) into 64 rows: the bounds analysis proves it whatever the condition says, so the
    // verdict is uniform; q into a KV-long row needs Q <= KV, so that one stays under its condition.
    const text = readFileSync(join(ROOT, "test/fixtures/traps/guarded_uniform.scoremod.ts"), "utf8");
    const fa = analyze("guarded_uniform.scoremod.ts", text);
    const or = fa.mods.find((m) => m.name === "orUniform")!;
    expect(or.loads.map((l) => l.class)).toEqual(["uniform"]);
    const t = exportFa4(fa, "orUniform").text;
    const body = t.slice(t.indexOf("def orUniform("));
    expect(body).not.toMatch(/if g0/);
    expect(body).toMatch(/ld0 = cute\.make_rmem_tensor\(1, a_rows\.element_type\)\n {4}ld0\[0\] = a_rows\[/);
    // The CUDA loads it once in the entry and passes it to the lane function, which keeps the `||`.
    const cu = generateCuda(fa, "orUniform", { render: "preview" }).text;
    expect(cu).toMatch(/int ld0;\n.*sm_unpack_i32<1>/);
    expect(cu).toMatch(/return \(\(kv < 8\) \|\| \(u0 > 0\)\);/);
    const arm = fa.mods.find((m) => m.name === "armUniform")!;
    expect(arm.loads.map((l) => [l.text, l.class])).toEqual([["scale.at(h, min(q, 63))", "uniform"], ["allow.at(b, q)", "gather"]]);
    const armPy = exportFa4(fa, "armUniform").text;
    expect(armPy).toMatch(/if g1_\d+\[i\]:/);
    expect(armPy).not.toMatch(/if g0/);
  });

  it("the same load under the two sides of an if is loaded once per side, each under its own condition", () => {
    const text = `import { i32, scoreMod, tensor } from "scoremod";
export const band = tensor("band", i32, ["B", 64]);
export const m = scoreMod((s, b, h, q, kv) => {
  if (q < kv) return s;
  const d = band.at(b, q - kv);
  return s + d;
});
`;
    const t = exportFa4(analyze("i.scoremod.ts", text)).text;
    expect((t.match(/^ {4}g0_\d+ = /gm) ?? []).length).toBe(1);
    expect(t).toMatch(/g0_\d+ = \(~operator\.lt\(q_idx, kv_idx\)\)/);
  });

  it("scalars are FA4 aux_scalars: read at run time, declared defaults in the usage", () => {
    const src = `import { f32, i32, maskMod, scalar, scoreMod } from "scoremod";
export const cap = scalar("cap", f32, 30);
export const win = scalar("win", i32, 256);
export const capped = scoreMod((s, b, h, q, kv) => cap.value * s);
export const windowed = maskMod((b, h, q, kv) => q - kv < win.value);
`;
    const t = fa4(src).text;
    expect(t).toContain("S_cap = cutlass.Float32(30.0)");
    expect(t).toContain("S_win = cutlass.Int32(256)");
    expect(t).toContain("flash_attn_func(q, k, v, score_mod=capped, aux_tensors=[], aux_scalars=[S_cap, S_win])");
    expect(t).toContain("def capped(tSrS_ssa, b_idx, h_idx, q_idx, kv_idx, seqlen_info, aux_tensors, aux_scalars=None):");
    expect(t).toContain("def windowed(b_idx, h_idx, q_idx, kv_idx, seqlen_info, aux_tensors, aux_scalars=None):");
    expect(t).toContain("cute.full_like(tSrS_ssa, cutlass.Float32(aux_scalars[0]))");
    expect(t).toContain("cute.full_like(kv_idx, cutlass.Int32(aux_scalars[1]))");
    expect(t).not.toContain("baked in");
  });

  it.skipIf(!python)("every variant above is valid Python", () => {
    const texts = [fa4(CAUSAL, { vecSize: 64 }).text, fa4(CAUSAL, { target: "fa4-sm120" }).text];
    expect(pyCompile(texts.map((text, i) => ({ name: `v${i}.py`, text })))).toEqual([]);
  });
});
