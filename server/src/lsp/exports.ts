// scoremod/export: the exports come from the codegen package's table of formats
// (server/src/codegen/exports.ts; one generator per output, so an export and the CUDA cannot disagree).
import { EXPORTS } from "../codegen/exports";
import type { FileAnalysis } from "../analysis/facts";
import type { ExportFlavor, ExportResult } from "../protocol";

export function exportMod(analysis: FileAnalysis, mod: string, flavor: ExportFlavor): ExportResult {
  const format = EXPORTS[flavor];
  try {
    return { ok: true, code: format.generate(analysis, mod).text, language: format.language, flavor };
  } catch (e) {
    return { ok: false, error: `Export of "${mod}" to ${format.label} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
