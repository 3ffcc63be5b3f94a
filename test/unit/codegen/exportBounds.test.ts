// The exports' aux indices (issue 11): the Python exports evaluate both sides of every condition,
// so a load whose index is not proven in range at every size without its conditions is clamped
// (Flex: _ix, never wrapped, and checked by check_bounds; FA4: guarded gathers), and only such a
// load. Executing these needs torch: test/gpu/flex_bounds_check.py (see its docstring).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { exportFa4 } from "../../../server/src/codegen/exportFa4";
import { exportFlex } from "../../../server/src/codegen/exportFlex";
import { ROOT } from "./proofCorpus";

const fixture = (name: string) => {
  const f = `${name}.scoremod.ts`;
  return analyze(f, readFileSync(join(ROOT, "test/fixtures/bounds", f), "utf8"));
};
const HEAD = `import { bf16, dim, i32, scoreMod, maskMod, tensor } from "scoremod";\n`;

describe("Flex export: aux indices never wrap", () => {
  it("a negative offset is clamped (not wrapped) and checked before use; the header says which", () => {
    const { text } = exportFlex(fixture("neg_offset"));
    expect(text).toContain(`t_prev[_ix((kv_idx - 1), d_KV, None, "prev.at(kv - 1) (line 6), index 0")]`);
    expect(text).toContain(`def make_prevBias(aux, B, H, Q, KV, scalars=None, check=True, **user_dims):`);
    expect(text).toContain(`        check_bounds("prevBias", aux, B, H, Q, KV, scalars=scalars, **user_dims)`);
    expect(text).toMatch(/# Aux indices never wrap: .*\n# .*clamped into its extent \(_ix\)/);
    expect(text).toContain("raise IndexError(");
  });

  it("a guarded load is clamped with the condition it is reached under, for ternaries, && and early returns", () => {
    expect(exportFlex(fixture("guarded")).text).toContain(`t_head_bias[_ix(kv_idx, d_LEN, lambda: _all((kv_idx < d_LEN)), "head.at(kv) (line 6), index 0")]`);
    const ret = analyze("r.scoremod.ts", HEAD + `export const t = tensor("t", bf16, ["LEN"]);\nexport const m = scoreMod((s, b, h, q, kv) => { if (kv >= dim("LEN")) return s; return s + t.at(kv); });\n`);
    expect(exportFlex(ret).text).toContain(`_ix(kv_idx, d_LEN, lambda: _all(_not((kv_idx >= d_LEN))), `);
    const and = analyze("a.scoremod.ts", HEAD + `export const t = tensor("t", i32, ["LEN"]);\nexport const m = maskMod((b, h, q, kv) => kv < dim("LEN") && t.at(kv) > 0);\n`);
    expect(exportFlex(and).text).toContain(`_ix(kv_idx, d_LEN, lambda: _all((kv_idx < d_LEN)), `);
  });

  it("loads proven at every size are left alone, and files without a clamp get no helpers", () => {
    const { text } = exportFlex(analyze("kv_bias.scoremod.ts", readFileSync(join(ROOT, "examples/kv_bias.scoremod.ts"), "utf8")));
    expect(text).not.toContain("_ix(");
    expect(text).not.toContain("def check_bounds");
    expect(text).toContain("def make_kvBiasMod(aux, B, H, Q, KV, scalars=None, **user_dims):");
  });

  it("the exports are valid Python", () => {
    const py = spawnSync("python3", ["--version"]);
    if (py.status !== 0) return;
    const dir = mkdtempSync(join(tmpdir(), "smbounds-"));
    for (const n of ["neg_offset", "guarded", "guard_off_by_one"]) {
      for (const [k, t] of [["flex", exportFlex(fixture(n)).text], ["fa4", exportFa4(fixture(n)).text]] as const) {
        const p = join(dir, `${n}_${k}.py`);
        writeFileSync(p, t);
        const r = spawnSync("python3", ["-m", "py_compile", p], { encoding: "utf8" });
        expect(r.status, r.stderr).toBe(0);
      }
    }
  });
});

describe("FA4 export: guarded gathers read inside the tensor", () => {
  it("clamps a guarded gather's index, not an unguarded or proven one, and loads it only under its guard", () => {
    const g = exportFa4(fixture("guarded")).text;
    expect(g).toMatch(/if g0_0\[i\]:\n\s+ld0_0\[i\] = a_head_bias\[x0_0_0\[i\]\]/);
    expect(g).toMatch(/x0_0_0 = _min\(_max\(kv_idx, cute\.full_like\(kv_idx, 0\)\), .* - cute\.full_like\(kv_idx, 1\)\)\)  # guarded: clamped/);
    expect(exportFa4(fixture("neg_offset")).text).not.toContain("guarded: clamped");
    expect(exportFa4(analyze("kv_bias.scoremod.ts", readFileSync(join(ROOT, "examples/kv_bias.scoremod.ts"), "utf8"))).text).not.toContain("guarded: clamped");
  });
});
