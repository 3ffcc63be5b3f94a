// `scoremod cuda FILE [--mod NAME] [--target T] [--vec V] [--preview | --ptx]`: the generated CUDA
// (the compiled translation unit, or with --preview the editor's Show CUDA rendering), and with
// --ptx the PTX nvcc makes of it, each source line's instructions grouped under that line, plus
// the PTX proof (loads per line vs the analysis); with --sass, the SASS of a cubin for the
// target's sm (toolchain/sass.ts), by source line where nvdisasm gives the line table, with
// registers and spills.
import { analyzeInBudget as analyze } from "../budget/budgetedAnalysis"; // TypeScript under a time and memory budget
import { TARGETS, type TargetId } from "../analysis/targets";
import { CodegenError, generateCuda, type GeneratedCuda } from "../codegen/cuda";
import { groupBySource, parsePtx } from "../codegen/ptxMap";
import { checkProof, describeMismatch } from "../codegen/ptxProof";
import { NvccError, NvccMissingError, compileToPtx } from "../toolchain/nvcc";
import { compileToSass } from "../toolchain/sass";
import { sassPreview } from "../codegen/sassPreview";
import { EXIT, UsageError, parseArgs, processIo, readSourceFile, reportUsageError, singleFile, targetFlag, vecFlag, type Io } from "./args";
import { GenerationBlocked, selectMods } from "./modSelect";

const SPEC = { mod: "string", target: "string", vec: "int", ptx: "boolean", sass: "boolean", preview: "boolean", help: "boolean" } as const;
const USAGE = `usage: scoremod cuda FILE [--mod NAME] [--target T] [--vec V] [--preview | --ptx | --sass]
  --mod NAME   one mod (default: every mod in the file)
  --target T   ${Object.keys(TARGETS).join(" | ")} (default fa4-sm100)
  --vec V      override the mods' vecSize (a power of two within the target's cap)
  --preview    the mod's functions only, as the editor's Show CUDA: no #line, prelude or proof kernel
               (default: the translation unit nvcc compiles)
  --ptx        compile with nvcc (-lineinfo) and print the PTX grouped by source line, with the load proof
  --sass       compile to a cubin for the target's sm and print its SASS (nvdisasm or cuobjdump beside
               nvcc; by source line with nvdisasm) with ptxas's registers and spills; without a
               disassembler, the registers and spills and the reason
exit: 0 ok, 1 the mod has errors / nvcc failed or is missing / the PTX contradicts the analysis, 2 bad usage or input
`;

export async function run(argv: string[], io: Io = processIo): Promise<number> {
  try {
    const { positional, flags } = parseArgs(argv, SPEC);
    if (flags.help) { io.out(USAGE); return EXIT.ok; }
    const file = singleFile(positional);
    const target = targetFlag(flags.target);
    const vec = vecFlag(flags.vec);
    const text = readSourceFile(file);
    const fa = analyze(file, text, { target, vecSize: vec });
    const mods = selectMods(fa, file, flags.mod);
    if ([flags.preview, flags.ptx, flags.sass].filter(Boolean).length > 1) throw new UsageError("--preview, --ptx and --sass are exclusive (--ptx and --sass compile the full translation unit)");
    const gens = mods.map((m) => generateCuda(fa, m.name, { render: flags.preview ? "preview" : "compile" }));
    if (flags.sass) return await printSass(gens, fa.target, text, io);
    if (!flags.ptx) {
      io.out(gens.map((g) => g.text).join("\n"));
      return EXIT.ok;
    }
    return await printPtx(gens, fa.target, file, text, io);
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError("cuda", err, io, USAGE);
    if (err instanceof GenerationBlocked || err instanceof CodegenError || err instanceof NvccMissingError || err instanceof NvccError) {
      io.err(`scoremod cuda: ${err.message}\n`);
      return EXIT.errors;
    }
    throw err;
  }
}

async function printPtx(gens: GeneratedCuda[], target: TargetId, file: string, text: string, io: Io): Promise<number> {
  const unit = gens.map((g) => g.text).join("");
  const r = await compileToPtx(unit, { target, fileName: gens.length === 1 ? `${gens[0]!.lineFile.replace(/\.scoremod\.ts$/, "")}.${gens[0]!.mod}.cu` : "mods.cu" });
  const map = parsePtx(r.ptx, (n) => n.endsWith(gens[0]!.lineFile));
  const src = text.split(/\r?\n/);
  let bad = 0;
  for (const g of gens) {
    io.out(`// ===== ${g.mod} (${g.kind} mod) on ${target} (${TARGETS[target].arch}), V=${g.vecSize}: PTX of ${g.kernelName}, nvcc ${r.ms.toFixed(0)} ms\n`);
    io.out(groupBySource(map, g.kernelName, src, g.lineFile));
    const mm = checkProof(g, map);
    if (mm.length === 0) {
      io.out(`// load proof: every source line's global loads match the analysis (${g.loads.filter((l) => l.sameAs === null).length} load site(s))\n\n`);
    } else {
      bad++;
      for (const m of mm) io.out(`// load proof FAILED: ${describeMismatch(m)}\n`);
      io.out("\n");
    }
  }
  if (bad) io.err(`scoremod cuda: the PTX contradicts the analysis for ${bad} mod(s) (see 'load proof FAILED' above); please report this file\n`);
  return bad ? EXIT.errors : EXIT.ok;
}

/** One cubin per mod (each its own proof kernel), so each listing's line table is the mod's. */
async function printSass(gens: GeneratedCuda[], target: TargetId, text: string, io: Io): Promise<number> {
  const src = text.split(/\r?\n/);
  for (const g of gens) {
    const r = await compileToSass(g.text, { target, fileName: `${g.functionName}.cu` });
    io.out(`// ===== ${g.mod} (${g.kind} mod) on ${target} (${TARGETS[target].arch}), V=${g.vecSize}: nvcc -cubin and disassembly ${r.ms.toFixed(0)} ms\n`);
    io.out(sassPreview(r.listing, r.resources, g, src, r.note).text + "\n\n");
  }
  return EXIT.ok;
}
