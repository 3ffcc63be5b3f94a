// Kernel development (not a test): the runner's translation unit for a mod, as an sm_90 GPU's runner
// would build it (the Hopper kernel at the width it picks), written with its defines and compiled
// here with nvcc to a cubin, so registers, spills and PTX can be read without a GPU and the
// cubin's SASS on the GPU machine (cuobjdump -sass).
//   node scripts/runner-tu.mjs OUTDIR FILE:MOD[+PAIR] ... [--build vec|scalar] [--ptx] [-D SM_X=1 ...]
// Per mod: OUTDIR/NAME.cu, NAME.defines, NAME.cubin (NAME.ptx with --ptx), and one line of ptxas
// registers and spills for the main kernel (and ptxas's C75xx codes if it serialised wgmmas).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [v] = args.splice(i, 2).slice(1);
  return v;
};
const extra = [];
for (let i = args.indexOf("-D"); i >= 0; i = args.indexOf("-D")) extra.push(args.splice(i, 2)[1]);
const which = flag("--build") ?? "vec";
const ptx = args.includes("--ptx");
const [outDir, ...specs] = args.filter((a) => a !== "--ptx");
if (!outDir || specs.length === 0) {
  console.error("usage: node scripts/runner-tu.mjs OUTDIR FILE:MOD[+PAIR] ... [--build vec|scalar] [--ptx] [-D SM_X=1 ...]");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "scoremod-runner-tu-"));
const entry = join(dir, "entry.ts");
writeFileSync(entry, `export { prepareJob } from ${JSON.stringify(join(root, "server/src/runner/prepare.ts"))};\n`);
const bundle = join(dir, "tu.cjs");
await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", outfile: bundle, logLevel: "warning", nodePaths: [join(root, "node_modules")] });
const { prepareJob } = createRequire(import.meta.url)(bundle);

mkdirSync(outDir, { recursive: true });
const nvcc = process.env.NVCC ?? "nvcc";
for (const spec of specs) {
  const [file, mods] = spec.split(":");
  const [mod, pair] = mods.split("+");
  const path = resolve(file);
  const job = {
    fileName: basename(path), text: readFileSync(path, "utf8"), mod, pair,
    shape: { B: 1, H: 16, Q: 8192, KV: 8192, D: 128 }, kernelDir: join(root, "csrc/kernels"),
  };
  const prepared = prepareJob({ sm: 90, name: "sm_90 (runner-tu.mjs)" }, job);
  const prog = prepared.programs[which];
  const name = `${basename(path).replace(/\.scoremod\.ts$/, "")}.${mods.replace("+", "_")}.${which}`;
  const defines = [...prog.defines, ...extra];
  writeFileSync(join(outDir, `${name}.cu`), prog.source);
  writeFileSync(join(outDir, `${name}.defines`), defines.join("\n") + "\n");
  const common = ["-std=c++17", "-gencode=arch=compute_90a,code=sm_90a", `-I${join(root, "csrc/kernels")}`, ...defines.map((d) => `-D${d}`)];
  // ptxas -v prints on stderr.
  const q = (a) => `'${a.replaceAll("'", "'\\''")}'`;
  const ptxas = execFileSync("bash", ["-c", `${q(nvcc)} -cubin -Xptxas -v ${common.map(q).join(" ")} -o ${q(join(outDir, `${name}.cubin`))} ${q(join(outDir, `${name}.cu`))} 2>&1`], { encoding: "utf8" });
  if (ptx) execFileSync(nvcc, ["-ptx", ...common, "-o", join(outDir, `${name}.ptx`), join(outDir, `${name}.cu`)]);
  const lines = ptxas.split("\n");
  const at = lines.findIndex((l) => l.includes(`Compiling entry function '${prog.mainKernel}'`));
  const info = lines.slice(at, at + 4).filter((l) => /registers|spill/.test(l)).map((l) => l.replace(/ptxas info\s*:\s*/, "").trim()).join("; ");
  const ring = prog.auxStageBytes ? ` x${prog.auxLayout.stages}${prog.auxLayout.qInAux ? " (Q in registers)" : ""}` : "";
  // ptxas's serialised-wgmma reports (C75xx) are info lines, easy to miss: name them.
  const serial = lines.filter((l) => /C75\d\d/.test(l)).map((l) => l.match(/C75\d\d/)[0]);
  console.log(`${name}: ${prog.mainKernel} blockN=${prog.blockN} aux=${prog.auxStageBytes}${ring} smem=${prog.smemBytes}: ${info}${serial.length ? `; WGMMA SERIALISED (${serial.join(", ")})` : ""}`);
}
