// Where an export lives: beside its mod file, named after what it holds, so one mod's export
// never overwrites the whole file's and a re-export updates the same file. Read by both
// generators (their `fileName`), the CLI and the editor.
import type { HelperFile } from "./sampleModule";

export interface ExportOutput {
  /** `<stem>.<flavor>.py` for every mod of the file, `<stem>.<mod>.<flavor>.py` for one. */
  fileName: string;
  text: string;
  mods: string[];
  /** Files the export imports, written beside it (the Flex export's scoremod_sample.py). */
  helpers: HelperFile[];
}

export function exportFileName(sourceFileName: string, flavor: string, modName?: string): string {
  const base = sourceFileName.split(/[\\/]/).pop() ?? sourceFileName;
  const stem = base.replace(/\.scoremod\.ts$/, "").replace(/\.ts$/, "");
  return `${modName === undefined ? stem : `${stem}.${modName}`}.${flavor}.py`;
}
