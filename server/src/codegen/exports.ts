// The export formats, one entry each: the CLI (`scoremod export --to`), the language server
// (scoremod/export) and the protocol's flavor type read this table, so a new format is one
// generator module and one entry here (ARCHITECTURE.md, "How to add an export format").
import { exportFa4 } from "./exportFa4";
import { exportFlex } from "./exportFlex";
import type { FileAnalysis } from "../analysis/facts";
import type { ExportOutput } from "./exportFile";

export interface ExportFormat {
  /** What the output is, for messages ("Export of m to <label> failed"). */
  label: string;
  /** The CLI's help line for `--to <flavor>`. */
  help: string;
  language: "python";
  /** One mod (`modName`), or every mod the file can generate. Throws what the analysis blocks. */
  generate(fa: FileAnalysis, modName?: string): ExportOutput;
}

export const EXPORTS = {
  fa4: { label: "FA4 CuTe-DSL", help: "FlashAttention-4 CuTe-DSL score_mod / mask_mod (__vec_size__, aux tensor promises)", language: "python", generate: exportFa4 },
  flex: { label: "FlexAttention", help: "PyTorch FlexAttention module: make_aux(...) and one make_<mod>(...) per mod", language: "python", generate: exportFlex },
} as const satisfies Record<string, ExportFormat>;

export type ExportFlavor = keyof typeof EXPORTS;
export const EXPORT_FLAVORS = Object.keys(EXPORTS) as ExportFlavor[];
export function isExportFlavor(x: unknown): x is ExportFlavor {
  return typeof x === "string" && Object.hasOwn(EXPORTS, x);
}
