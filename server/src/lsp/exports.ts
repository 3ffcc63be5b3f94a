// scoremod/export: the Python exports (FA4 CuTe-DSL, PyTorch FlexAttention) come from the codegen
// package's exporters. They are not in server/src/codegen yet, so this answers a clear failure
// that names what is missing instead of inventing Python here (one generator per output, owned
// by codegen, so the export and the CUDA cannot disagree).
import type { FileAnalysis } from "../analysis/facts";
import type { ExportFlavor, ExportResult } from "../protocol";

export function exportMod(analysis: FileAnalysis, mod: string, flavor: ExportFlavor): ExportResult {
  void analysis;
  const what = flavor === "fa4" ? "FA4 CuTe-DSL" : "FlexAttention";
  return { ok: false, error: `Export of "${mod}" to ${what}: the exporter is not part of this build yet (server/src/codegen has no ${flavor} exporter).` };
}
