// scoremod/export: the Python exports come from the codegen package (one generator per output,
// so an export and the CUDA cannot disagree): server/src/codegen/exportFa4.ts (FA4 CuTe-DSL)
// and exportFlex.ts (PyTorch FlexAttention).
import { exportFa4 } from "../codegen/exportFa4";
import { exportFlex } from "../codegen/exportFlex";
import type { FileAnalysis } from "../analysis/facts";
import type { ExportFlavor, ExportResult } from "../protocol";

export function exportMod(analysis: FileAnalysis, mod: string, flavor: ExportFlavor): ExportResult {
  try {
    const text = flavor === "fa4" ? exportFa4(analysis, mod).text : exportFlex(analysis, mod).text;
    return { ok: true, code: text, language: "python", flavor };
  } catch (e) {
    return { ok: false, error: `Export of "${mod}" to ${flavor === "fa4" ? "FA4 CuTe-DSL" : "FlexAttention"} failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
