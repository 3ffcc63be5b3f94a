// `scoremod export FILE --to fa4|flex [--mod NAME] [--target T] [--vec V] [--out PATH]`: Python for
// FlashAttention-4's CuTe DSL or PyTorch FlexAttention, printed (or written to --out).
import { writeFileSync } from "node:fs";
import { analyzeInBudget as analyze } from "../budget/budgetedAnalysis"; // TypeScript under a time and memory budget
import { TARGETS } from "../analysis/targets";
import { CodegenError } from "../codegen/cudaExpr";
import { exportFa4 } from "../codegen/exportFa4";
import { exportFlex } from "../codegen/exportFlex";
import { EXIT, InputError, UsageError, parseArgs, processIo, readSourceFile, reportUsageError, samePath, singleFile, targetFlag, vecFlag, type Io } from "./args";
import { GenerationBlocked, selectMods } from "./modSelect";

const SPEC = { to: "string", mod: "string", target: "string", vec: "int", out: "string", help: "boolean" } as const;
const USAGE = `usage: scoremod export FILE --to fa4|flex [--mod NAME] [--target T] [--vec V] [--out PATH]
  --to fa4     FlashAttention-4 CuTe-DSL score_mod / mask_mod (__vec_size__, aux tensor promises)
  --to flex    PyTorch FlexAttention module: make_aux(...) and one make_<mod>(...) per mod
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
    if (flags.to !== "fa4" && flags.to !== "flex") throw new UsageError(flags.to === undefined ? "missing --to fa4|flex" : `--to must be fa4 or flex, got '${flags.to}'`);
    const target = targetFlag(flags.target);
    const vec = vecFlag(flags.vec);
    const text = readSourceFile(file);
    const fa = analyze(file, text, { target, vecSize: vec });
    selectMods(fa, file, flags.mod);
    const out = flags.to === "fa4" ? exportFa4(fa, flags.mod) : exportFlex(fa, flags.mod);
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
