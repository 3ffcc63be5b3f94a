// The Generators the language server uses in production: server/src/codegen for CUDA and the
// exports, nvcc (server/src/toolchain) for PTX, mapped back to source lines and loads (codegen/ptxPreview.ts).
import { generateCuda, type GeneratedCuda } from "../codegen/cuda";
import { ptxPreview } from "../codegen/ptxPreview";
import { compileToPtx, NvccCancelled, NvccMissingError, NvccError } from "../toolchain/nvcc";
import { compileToSass, sassNote } from "../toolchain/sass";
import { sassPreview } from "../codegen/sassPreview";
import type { FileAnalysis } from "../analysis/facts";
import type { CudaResult, PtxResult, SassResult } from "../protocol";
import { exportMod } from "./exports";
import { modProblem, type Generators } from "./generated";

function message(e: unknown): string { return e instanceof Error ? e.message : String(e); }

/** A toolkit failure (PTX or SASS) as the request's error: nvcc missing, cancelled, or what the tool printed. */
function toolFailure(e: unknown, what: string): { ok: false; error: string } {
  if (e instanceof NvccCancelled) return { ok: false, error: "cancelled" };
  if (e instanceof NvccMissingError) return { ok: false, error: `${e.message}. Set scoremod.cuda.nvccPath or scoremod.cuda.home. (Show CUDA works without nvcc.)` };
  if (e instanceof NvccError) return { ok: false, error: `${e.message}\n${e.stderr.slice(-2000)}` };
  return { ok: false, error: `${what} failed: ${message(e)}` };
}

/** The compile rendering of a mod for PTX and SASS, or why there is none (the mod's problem, a generator failure, a cancelled request). */
function compileUnit(analysis: FileAnalysis, mod: string, opts: { isCancelled(): boolean }): GeneratedCuda | { error: string } {
  const problem = modProblem(analysis, mod);
  if (problem) return { error: problem };
  let gen: GeneratedCuda;
  try { gen = generateCuda(analysis, mod); } catch (e) { return { error: `CUDA generation failed: ${message(e)}` }; }
  return opts.isCancelled() ? { error: "cancelled" } : gen;
}

/** Generated line (0-based) -> source line (0-based) or -1; a `#line` directive maps like the statement after it. */
export function cudaLineMap(gen: GeneratedCuda): number[] {
  const lines = gen.text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const map = new Array<number>(lines.length).fill(-1);
  for (const e of gen.lineMap) {
    const g = e.genLine - 1;
    if (g < 0 || g >= map.length) continue;
    map[g] = e.srcLine - 1;
    if (g > 0 && lines[g - 1].startsWith("#line")) map[g - 1] = e.srcLine - 1;
  }
  return map;
}

export function createGenerators(): Generators {
  return {
    cuda(analysis: FileAnalysis, mod: string): CudaResult {
      const problem = modProblem(analysis, mod);
      if (problem) return { ok: false, error: problem };
      try {
        // The preview rendering: the mod's functions, no #line, prelude or proof kernel (nvcc gets the compile one).
        const gen = generateCuda(analysis, mod, { render: "preview" });
        return { ok: true, code: gen.text, lineMap: cudaLineMap(gen), target: gen.target, vecSize: gen.vecSize };
      } catch (e) {
        return { ok: false, error: `CUDA generation failed: ${message(e)}` };
      }
    },
    async ptx(analysis, mod, opts): Promise<PtxResult> {
      const gen = compileUnit(analysis, mod, opts);
      if ("error" in gen) return { ok: false, error: gen.error };
      try {
        const r = await compileToPtx(gen.text, { target: analysis.target, nvcc: opts.nvccPath || undefined, fileName: `${gen.functionName}.cu`, timeoutMs: 60_000, signal: opts.signal });
        const src = opts.sourceText.split(/\r?\n/);
        const loadText = new Map(analysis.mods.find((m) => m.name === mod)!.loads.map((l) => [l.id, l.text]));
        const p = ptxPreview(r.ptx, gen, src, loadText, sassNote(r.command[0]!));
        return { ok: true, ptx: p.text, lineMap: p.lineMap, groups: p.groups, loadsByLine: p.loadsByLine, target: gen.target, vecSize: gen.vecSize };
      } catch (e) {
        return toolFailure(e, "PTX");
      }
    },
    async sass(analysis, mod, opts): Promise<SassResult> {
      const gen = compileUnit(analysis, mod, opts);
      if ("error" in gen) return { ok: false, error: gen.error };
      try {
        const r = await compileToSass(gen.text, { target: analysis.target, nvcc: opts.nvccPath || undefined, fileName: `${gen.functionName}.cu`, timeoutMs: 60_000, signal: opts.signal });
        const p = sassPreview(r.listing, r.resources, gen, opts.sourceText.split(/\r?\n/), r.note);
        return {
          ok: true, sass: p.text, lineMap: p.lineMap, groups: p.groups, tool: r.listing?.tool ?? null,
          registers: p.resources?.registers ?? null, spillStoreBytes: p.resources?.spillStoreBytes ?? null, spillLoadBytes: p.resources?.spillLoadBytes ?? null,
          target: gen.target, vecSize: gen.vecSize,
        };
      } catch (e) {
        return toolFailure(e, "SASS");
      }
    },
    export(analysis, mod, flavor) {
      const problem = modProblem(analysis, mod);
      if (problem) return { ok: false, error: problem };
      return exportMod(analysis, mod, flavor);
    },
  };
}
