// `scoremod export FILE --to fa4|flex [--mod NAME] [--target T] [--vec V] [--out PATH|DIR]`: Python
// for FlashAttention-4's CuTe DSL or PyTorch FlexAttention, printed, or written to --out with the
// files it imports beside it (the Flex export's scoremod_sample.py), as the editor's export does.
import { statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { analyzeInBudget as analyze } from "../budget/budgetedAnalysis"; // TypeScript under a time and memory budget
import { TARGETS } from "../analysis/targets";
import { CodegenError } from "../codegen/cudaExpr";
import { EXPORTS, EXPORT_FLAVORS, isExportFlavor } from "../codegen/exports";
import type { ExportOutput } from "../codegen/exportFile";
import { EXIT, InputError, UsageError, parseArgs, processIo, readSourceFile, reportUsageError, samePath, singleFile, targetFlag, vecFlag, type Io } from "./args";
import { GenerationBlocked, selectMods } from "./modSelect";
import { SAMPLE_MODULE } from "../codegen/sampleModule";

const SPEC = { to: "string", mod: "string", target: "string", vec: "int", out: "string", help: "boolean" } as const;
const USAGE = `usage: scoremod export FILE --to ${EXPORT_FLAVORS.join("|")} [--mod NAME] [--target T] [--vec V] [--out PATH|DIR]
${EXPORT_FLAVORS.map((f) => `  --to ${f.padEnd(7)} ${EXPORTS[f].help}`).join("\n")}
  --mod NAME   one mod (default: every mod in the file)
  --target T   for fa4: ${Object.keys(TARGETS).filter((t) => t.startsWith("fa4")).join(" | ")} (default fa4-sm100; sets the V cap)
  --vec V      override the mods' vecSize (fa4)
  --out PATH   write the Python to PATH instead of printing it, and the files it imports beside it
               (flex: ${SAMPLE_MODULE.fileName}, which make_aux loads); -o PATH is the same.
               A directory writes DIR/<stem>.<flavor>.py (one mod: <stem>.<mod>.<flavor>.py), the
               name the editor's export uses beside the mod file
exit: 0 ok, 1 the mod has errors, 2 bad usage or input
`;


export async function run(argv: string[], io: Io = processIo): Promise<number> {
  try {
    const { positional, flags } = parseArgs(argv.map((a) => (a === "-o" ? "--out" : a)), SPEC);
    if (flags.help) { io.out(USAGE); return EXIT.ok; }
    const file = singleFile(positional);
    if (!isExportFlavor(flags.to)) throw new UsageError(flags.to === undefined ? `missing --to ${EXPORT_FLAVORS.join("|")}` : `--to must be ${EXPORT_FLAVORS.join(" or ")}, got '${flags.to}'`);
    const target = targetFlag(flags.target);
    const vec = vecFlag(flags.vec);
    const text = readSourceFile(file);
    const fa = analyze(file, text, { target, vecSize: vec });
    selectMods(fa, file, flags.mod);
    const out = EXPORTS[flags.to].generate(fa, flags.mod);
    if (flags.out) {
      const written = writeExport(out, flags.out, file);
      io.err(`scoremod export: wrote ${written.join(", ")} (${out.mods.join(", ")})\n`);
    } else {
      io.out(out.text);
      // Printed, the export is one file: say what else it needs (the GPU scripts print into a file).
      for (const h of out.helpers) io.err(`scoremod export: make_aux loads ${h.fileName} from beside the export; --out writes it\n`);
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError("export", err, io, USAGE);
    if (err instanceof GenerationBlocked || err instanceof CodegenError) {
      io.err(`scoremod export: ${err.message}\n`);
      return EXIT.errors;
    }
    throw err;
  }
}

/** Writes the export (to `dest`, or `dest/<fileName>` for a directory) and its helpers beside it; the paths written. */
function writeExport(out: ExportOutput, dest: string, source: string): string[] {
  const path = isDirectory(dest) ? join(dest, out.fileName) : dest;
  const files = [{ path, text: out.text }, ...out.helpers.map((h) => ({ path: join(dirname(path), h.fileName), text: h.text }))];
  for (const f of files) {
    if (samePath(f.path, source)) throw new UsageError(`--out ${dest}: ${f.path} is the input file: the export would overwrite the source`);
  }
  for (const f of files) {
    try {
      writeFileSync(f.path, f.text);
    } catch (err) {
      throw new InputError(`${f.path}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return files.map((f) => f.path);
}

function isDirectory(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}
