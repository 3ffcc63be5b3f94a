// scoremod/export: the exports come from the codegen package's table of formats
// (server/src/codegen/exports.ts; one generator per output, so an export and the CUDA cannot disagree).
import { EXPORTS } from "../codegen/exports";
import type { FileAnalysis } from "../analysis/facts";
import type { ExportFlavor, ExportResult } from "../protocol";

export function exportMod(analysis: FileAnalysis, mod: string, flavor: ExportFlavor): ExportResult {
  const format = EXPORTS[flavor];
  try {
    const out = format.generate(analysis, mod);
    return { ok: true, code: out.text, language: format.language, flavor, fileName: out.fileName, helpers: out.helpers };
  } catch (e) {
    return { ok: false, error: `Export of "${mod}" to ${format.label} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
