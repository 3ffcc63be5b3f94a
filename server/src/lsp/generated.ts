// What the language server needs from the code generators (CUDA, PTX, exports). The server
// codes against this interface; codegenGenerators.ts implements it with server/src/codegen.
import type { FileAnalysis } from "../analysis/facts";
import { blockedMessage } from "../analysis/generatable";
import type { CudaResult, ExportFlavor, ExportResult, PtxResult, SassResult } from "../protocol";

export interface PtxOptions {
  nvccPath: string;
  /** The document's text (PTX groups quote their source lines). */
  sourceText: string;
  isCancelled(): boolean;
  /** Aborted when the request is cancelled: nvcc is killed. */
  signal?: AbortSignal;
}

export interface Generators {
  cuda(analysis: FileAnalysis, mod: string): CudaResult;
  ptx(analysis: FileAnalysis, mod: string, opts: PtxOptions): Promise<PtxResult>;
  /** The proof kernel's cubin disassembled (or its registers and spills with the reason there is no disassembly). */
  sass(analysis: FileAnalysis, mod: string, opts: PtxOptions): Promise<SassResult>;
  export(analysis: FileAnalysis, mod: string, flavor: ExportFlavor): ExportResult;
}

/** The located error for a mod that is missing or that the analysis blocks (ModFact.blocking). */
export function modProblem(analysis: FileAnalysis, mod: string): string | null {
  const m = analysis.mods.find((x) => x.name === mod);
  // A file the analysis could not process at all (SM150, SM151) has no mods: say why.
  const whole = analysis.mods.length === 0 ? analysis.diagnostics.find((d) => d.code === "SM150" || d.code === "SM151") : undefined;
  if (!m && whole) return `Nothing is generated for ${analysis.fileName} (line ${whole.range.start.line + 1}: ${whole.message})`;
  if (!m) return `No mod named "${mod}" in ${analysis.fileName} (mods: ${analysis.mods.map((x) => x.name).join(", ") || "none"})`;
  return blockedMessage(m, analysis.fileName.split(/[\\/]/).pop() ?? analysis.fileName);
}
