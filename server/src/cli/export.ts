// `scoremod export FILE --to fa4|flex [--mod NAME] [--target T] [--vec V] [--out PATH]`: Python for
// FlashAttention-4's CuTe DSL or PyTorch FlexAttention, printed (or written to --out).
import { writeFileSync } from "node:fs";
import { analyzeInBudget as analyze } from "../budget/budgetedAnalysis"; // TypeScript under a time and memory budget
import { TARGETS } from "../analysis/targets";
import { CodegenError } from "../codegen/cudaExpr";
import { EXPORTS, EXPORT_FLAVORS, isExportFlavor } from "../codegen/exports";
import { EXIT, InputError, UsageError, parseArgs, processIo, readSourceFile, reportUsageError, samePath, singleFile, targetFlag, vecFlag, type Io } from "./args";
import { GenerationBlocked, selectMods } from "./modSelect";

const SPEC = { to: "string", mod: "string", target: "string", vec: "int", out: "string", help: "boolean" } as const;
const USAGE = `usage: scoremod export FILE --to ${EXPORT_FLAVORS.join("|")} [--mod NAME] [--target T] [--vec V] [--out PATH]
${EXPORT_FLAVORS.map((f) => `  --to ${f.padEnd(7)} ${EXPORTS[f].help}`).join("\n")}
  --mod NAME   one mod (default: every mod in the file)
  --target T   for fa4: ${Object.keys(TARGETS).filter((t) => t.startsWith("fa4")).join(" | ")} (default fa4-sm100; sets the V cap)
  --vec V      override the mods' vecSize (fa4)
  --out PATH   write the Python to PATH instead of printing it
exit: 0 ok, 1 the mod has errors, 2 bad usage or input
`;


export async function run(argv: string[], io: Io = processIo): Promise<number> {
  try {
    const { positional, flags } = parseArgs(argv, SPEC);
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
      if (samePath(flags.out, file)) throw new UsageError(`--out ${flags.out} is the input file: the export would overwrite the source`);
      try {
        writeFileSync(flags.out, out.text);
      } catch (err) {
        throw new InputError(`${flags.out}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
      io.err(`scoremod export: wrote ${flags.out} (${out.mods.join(", ")})\n`);
    } else io.out(out.text);
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
