// scoremod/export: the Python exports come from the codegen package (one generator per output,
// so an export and the CUDA cannot disagree). FlexAttention: server/src/codegen/exportFlex.ts.
// FA4 CuTe-DSL: not in server/src/codegen yet, so it answers a failure that names what is
// missing rather than inventing Python here.
import { exportFlex } from "../codegen/exportFlex";
import type { FileAnalysis } from "../analysis/facts";
import type { ExportFlavor, ExportResult } from "../protocol";

export function exportMod(analysis: FileAnalysis, mod: string, flavor: ExportFlavor): ExportResult {
  try {
    if (flavor === "flex") return { ok: true, code: exportFlex(analysis, mod).text, language: "python", flavor };
    return { ok: false, error: `Export of "${mod}" to FA4 CuTe-DSL: the FA4 exporter is not part of this build yet (server/src/codegen has none); Export to Flex works.` };
  } catch (e) {
    return { ok: false, error: `Export of "${mod}" failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
