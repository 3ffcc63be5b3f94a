// SASS for the SASS view and `scoremod cuda --sass`: the translation unit compiled by nvcc to a
// cubin for the target's arch (-lineinfo, ptxas -v for registers and spills), then disassembled by
// the toolkit's nvdisasm (-c -gi: with the line table and inline chains, so instructions map back
// to source lines) or, without it, cuobjdump -sass (no line table). Both are looked for beside
// the nvcc that findNvcc found; without either, the cubin's resources are still reported and the
// result says why there is no disassembly.
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { TARGETS, type TargetId } from "../analysis/targets";
import { parseCuobjdumpSass, parseNvdisasm, parsePtxasInfo, type FunctionResources, type SassListing } from "../codegen/sassParse";
import { NvccError, findNvcc, kernelsIncludeDir, runTool } from "./nvcc";

export interface Disassembler { tool: "nvdisasm" | "cuobjdump"; path: string }

/** The folders to look in: nvcc's own and, when nvcc is a link or a wrapper's target, the resolved one's. */
function toolDirs(nvcc: string): string[] {
  const dirs = [dirname(nvcc)];
  try { dirs.push(dirname(realpathSync(nvcc))); } catch { /* a dangling path: its own folder only */ }
  return [...new Set(dirs)];
}

/** The disassemblers beside nvcc, nvdisasm first (it has the line table), then cuobjdump. */
export function findDisassemblers(nvcc: string): Disassembler[] {
  const exe = (n: string): string => (process.platform === "win32" ? `${n}.exe` : n);
  const found: Disassembler[] = [];
  for (const tool of ["nvdisasm", "cuobjdump"] as const) {
    const d = toolDirs(nvcc).find((dir) => existsSync(join(dir, exe(tool))));
    if (d) found.push({ tool, path: join(d, exe(tool)) });
  }
  return found;
}

/** The preferred disassembler beside nvcc, or null. */
export function findDisassembler(nvcc: string): Disassembler | null {
  return findDisassemblers(nvcc)[0] ?? null;
}

/** Why there is no disassembly: a sentence for the view's header and the CLI. */
export function noDisassemblerReason(nvcc: string): string {
  return `SASS: not shown: disassembling needs nvdisasm or cuobjdump from the CUDA toolkit, and neither is beside nvcc (${toolDirs(nvcc).join(", ")}); ` +
    "install the toolkit's binary utilities (cuda-cuobjdump / cuda-nvdisasm) or point scoremod.cuda.home at a full toolkit";
}

/** The PTX view's header line about SASS: where to get it. */
export function sassNote(nvcc: string): string {
  const d = findDisassembler(nvcc);
  return d
    ? `SASS: "Score Mod: Show SASS" disassembles this code (${d.tool} beside nvcc), with registers and spills`
    : `SASS: "Score Mod: Show SASS" gives registers and spills; no disassembly here: neither nvdisasm nor cuobjdump is beside nvcc (${toolDirs(nvcc).join(", ")})`;
}

export interface SassOptions {
  target: TargetId;
  fileName?: string;
  /** Extra -D defines (the runner's programs: dtype, head dim, kernel switches). */
  defines?: string[];
  nvcc?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Tests: disassemblers other than those beside nvcc; [] forces none. */
  disassemblers?: Disassembler[];
}

export interface SassResult {
  /** null when no disassembler was found (`note` says why). */
  listing: SassListing | null;
  resources: Map<string, FunctionResources>;
  /** The view's header line: which tool disassembled it, or why nothing did. */
  note: string;
  nvcc: string;
  ms: number;
}

/** Compile one translation unit to a cubin for the target's sm and disassemble it. */
export async function compileToSass(source: string, opts: SassOptions): Promise<SassResult> {
  const nvcc = opts.nvcc ?? findNvcc();
  const tools = opts.disassemblers ?? findDisassemblers(nvcc);
  const timeout = opts.timeoutMs ?? 120_000;
  const dir = mkdtempSync(join(tmpdir(), "scoremod-sass-"));
  try {
    const cu = join(dir, opts.fileName ?? "mod.cu");
    const cubin = join(dir, "out.cubin");
    writeFileSync(cu, source);
    // -cubin with the target's -arch/-gencode gives the real-architecture code (sm_90a for sm90
    // targets); -Xptxas -v prints registers, stack and spills on stderr.
    const args = ["-cubin", "-lineinfo", "-std=c++17", ...TARGETS[opts.target].nvccArch, `-I${kernelsIncludeDir()}`,
      ...(opts.defines ?? []).map((d) => `-D${d}`), "-Xptxas", "-v", "-o", cubin, cu];
    const t0 = performance.now();
    const c = await runTool(nvcc, args, dir, timeout, opts.signal);
    if (c.code !== 0) throw new NvccError(`nvcc -cubin failed (exit ${c.code ?? "killed"}) for ${opts.target}:\n${c.stderr.trim()}`, c.stderr);
    const resources = parsePtxasInfo(c.stderr);
    if (!existsSync(cubin) || readFileSync(cubin).length === 0) throw new NvccError(`nvcc -cubin wrote no cubin for ${opts.target}`, c.stderr);
    if (!tools.length) return { listing: null, resources, note: noDisassemblerReason(nvcc), nvcc, ms: performance.now() - t0 };
    // The first tool that gives a listing; one that fails (an nvdisasm without -gi, say) hands over to the next.
    const failures: string[] = [];
    for (const dis of tools) {
      const dargs = dis.tool === "nvdisasm" ? ["-c", "-gi", cubin] : ["-sass", cubin];
      const d = await runTool(dis.path, dargs, dir, timeout, opts.signal, true);
      const listing = d.code === 0 ? (dis.tool === "nvdisasm" ? parseNvdisasm(d.stdout) : parseCuobjdumpSass(d.stdout)) : null;
      if (!listing || listing.functions.length === 0) {
        failures.push(d.code !== 0
          ? `${dis.path} ${dargs.slice(0, -1).join(" ")} failed (exit ${d.code ?? "killed"}): ${d.stderr.trim().slice(-500)}`
          : `${dis.path} listed no functions in the cubin (an output format this version does not read?): ${d.stdout.slice(0, 300)}`);
        continue;
      }
      const how = dis.tool === "nvdisasm" ? "nvdisasm -c -gi (grouped by source line from the cubin's line table)" : "cuobjdump -sass (no line table: the whole listing)";
      const earlier = failures.length ? ` (after: ${failures.join("; ")})` : "";
      return { listing, resources, note: `SASS by ${how}: ${dis.path}${earlier}`, nvcc, ms: performance.now() - t0 };
    }
    throw new NvccError(`no disassembly: ${failures.join("; ")}`, failures.join("\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
