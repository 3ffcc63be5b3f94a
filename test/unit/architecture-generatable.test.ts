// Issue 12, item 2: one decision whether a mod can be generated (ModFact.blocking, computed by
// the analysis: analysis/generatable.ts), read by every consumer. Each file below goes through
// all of them — the analysis, the CUDA generator, both exports, the CLI's `cuda` and `export`,
// the language server's previews (generated.ts / codegenGenerators.ts) and the CodeLens offering
// (the ModSummary it reads), the heat map, and the runner's prepareMod (no GPU: it only analyses
// and generates) — and every consumer must agree, per mod, and cite the first blocking error.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../server/src/analysis/index";
import type { FileAnalysis } from "../../server/src/analysis/facts";
import { generateCuda } from "../../server/src/codegen/cuda";
import { exportFa4 } from "../../server/src/codegen/exportFa4";
import { exportFlex } from "../../server/src/codegen/exportFlex";
import { run as cudaCli } from "../../server/src/cli/cuda";
import { run as exportCli } from "../../server/src/cli/export";
import { createGenerators } from "../../server/src/lsp/codegenGenerators";
import { modProblem } from "../../server/src/lsp/generated";
import { summarize } from "../../server/src/lsp/diagnostics";
import { prepareMod } from "../../server/src/runner/prepare";

const HEAD = 'import { bf16, f32, maskMod, scalar, scoreMod, tensor } from "scoremod";\n';
const FILES: Record<string, { text: string; expect: Record<string, boolean> }> = {
  clean: {
    text: HEAD
      + 'export const bias = tensor("bias", bf16, ["B", "H", "KV"], { align: 16 });\n'
      + "export const withBias = scoreMod((score, b, h, q, kv) => score + bias.at(b, h, kv));\n"
      + "export const causal = maskMod((b, h, q, kv) => q >= kv);\n",
    expect: { withBias: true, causal: true },
  },
  errorInsideMod: {
    text: HEAD
      + 'export const bias = tensor("bias", bf16, ["B", "H", "KV"], { align: 16 });\n'
      + "export const broken = scoreMod((score, b, h, q, kv) => score + bias.at(b, h, kv) + nope);\n",
    expect: { broken: false },
  },
  duplicateTensorOutsideMod: {
    text: HEAD
      + 'export const bias = tensor("bias", bf16, ["B", "H", "KV"], { align: 16 });\n'
      + 'export const bias2 = tensor("bias", bf16, ["B", "H", "KV"], { align: 16 });\n'
      + "export const withBias = scoreMod((score, b, h, q, kv) => score + bias.at(b, h, kv));\n"
      + "export const causal = maskMod((b, h, q, kv) => q >= kv);\n",
    expect: { withBias: false, causal: false },
  },
  errorInAnotherMod: {
    text: HEAD
      + 'export const cap = scalar("cap", f32, 30);\n'
      + "export const fine = scoreMod((score) => score * cap.value);\n"
      + "export const broken = maskMod((b, h, q, kv) => q >= kv + nope);\n",
    expect: { fine: true, broken: false },
  },
};

const RUNNER = "runner-sm80" as const;
const FA4 = "fa4-sm100" as const;
const dir = mkdtempSync(join(tmpdir(), "smgen-"));

async function cli(run: typeof cudaCli, argv: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const code = await run(argv, { out: () => {}, err: (t) => { err += t; } });
  return { code, err };
}
function attempt(f: () => unknown): string | null {
  try { f(); return null; } catch (e) { return e instanceof Error ? e.message : String(e); }
}

/** Each consumer's answer for one mod: null = generated, else its refusal. */
async function consumers(file: string, text: string, mod: string, fa: FileAnalysis, fa4: FileAnalysis): Promise<Record<string, string | null>> {
  const gens = createGenerators();
  const lens = summarize({ uri: "file://" + file, fileName: file, version: 1, text, target: RUNNER, shapeKey: "", analysis: fa, elapsedMs: 0 }).mods.find((m) => m.name === mod)!;
  const res = (r: { ok: true } | { ok: false; error: string }) => (r.ok ? null : r.error);
  const code = (r: { code: number; err: string }) => (r.code === 0 ? null : r.err);
  expect([0, 1]).toContain((await cli(cudaCli, [file, "--mod", mod, "--target", RUNNER])).code);
  return {
    "codegen cuda": attempt(() => generateCuda(fa, mod)),
    "codegen flex": attempt(() => exportFlex(fa, mod)),
    "codegen fa4": attempt(() => exportFa4(fa4, mod)),
    "cli cuda": code(await cli(cudaCli, [file, "--mod", mod, "--target", RUNNER])),
    "cli export flex": code(await cli(exportCli, [file, "--to", "flex", "--mod", mod])),
    "cli export fa4": code(await cli(exportCli, [file, "--to", "fa4", "--mod", mod, "--target", FA4])),
    "lsp modProblem": modProblem(fa, mod),
    "lsp cuda preview": res(gens.cuda(fa, mod)),
    "lsp export flex": res(gens.export(fa, mod, "flex")),
    "lsp export fa4": res(gens.export(fa4, mod, "fa4")),
    "lsp codelens": lens.ok ? null : (lens.blocked ?? "(blocked, no message)"),
    "runner prepareMod": attempt(() => prepareMod(file, text, mod, { target: RUNNER })),
  };
}

describe("one decision whether a mod can be generated, read by every consumer", () => {
  for (const [name, c] of Object.entries(FILES)) {
    it(`${name}: every consumer agrees per mod`, async () => {
      const file = join(dir, `${name}.scoremod.ts`);
      writeFileSync(file, c.text);
      const fa = analyze(file, c.text, { target: RUNNER });
      const fa4 = analyze(file, c.text, { target: FA4 });
      expect(fa.mods.map((m) => m.name).sort()).toEqual(Object.keys(c.expect).sort());
      for (const mod of fa.mods) {
        // The analysis's decision, the same on both targets, and `ok` derived from `blocking`.
        expect(mod.ok, `${name}/${mod.name}: ${JSON.stringify(mod.blocking)}`).toBe(c.expect[mod.name]);
        expect(mod.ok).toBe(mod.blocking.length === 0);
        expect(fa4.mods.find((m) => m.name === mod.name)!.ok).toBe(mod.ok);
        const answers = await consumers(file, c.text, mod.name, fa, fa4);
        for (const [who, refusal] of Object.entries(answers)) {
          expect(refusal === null, `${name}/${mod.name} via ${who}: ${refusal}`).toBe(mod.ok);
          if (refusal !== null) {
            // Names the first blocking error and where it is.
            const d = mod.blocking[0];
            expect(refusal, `${who}`).toContain(`:${d.range.start.line + 1}:${d.range.start.character + 1}: `);
            expect(refusal, `${who}`).toContain(d.code);
          }
        }
      }
    });
  }

  it("the rule: errors in the mod and outside every mod block it; errors inside another mod do not", () => {
    const text = FILES.errorInAnotherMod.text;
    const fa = analyze("rule.scoremod.ts", text, { target: RUNNER });
    const broken = fa.mods.find((m) => m.name === "broken")!;
    const fine = fa.mods.find((m) => m.name === "fine")!;
    expect(fine.blocking).toEqual([]);
    expect(broken.blocking.length).toBeGreaterThan(0);
    for (const d of broken.blocking) expect(d.range.start.line).toBe(3);
    const dup = analyze("dup.scoremod.ts", FILES.duplicateTensorOutsideMod.text, { target: RUNNER });
    for (const m of dup.mods) expect(m.blocking.some((d) => d.range.start.line === 2)).toBe(true);
    // An option error (here a vecSize override that is not a power of two) blocks every mod.
    const opt = analyze("opt.scoremod.ts", FILES.clean.text, { target: RUNNER, vecSize: 3 });
    for (const m of opt.mods) expect(m.ok).toBe(false);
  });
});
