// Parsers (pure) for the three texts the SASS view reads: `cuobjdump -sass` (per function, no
// source lines), `nvdisasm -c -gi` (per function, each instruction under the inline chain of
// source locations its line table gives) and `ptxas -v` (registers, stack and spills per function).
// Formats as the CUDA tools print them; test/fixtures/sass holds real captures.

export interface SrcLoc { file: string; line: number }
export interface SassInstr {
  /** Byte offset in the function (the `/*0040*\/` column). */
  offset: number;
  /** The instruction as printed, without the encoding comment: `@P0 EXIT ;`, `LDG.E.128 R4, [R4.64] ;`. */
  text: string;
  /** nvdisasm -gi: the inline chain of this instruction, innermost first; [] without line info. */
  where: SrcLoc[];
}
export interface SassFunction {
  name: string;
  /** cuobjdump: the `code for sm_XX` it was listed under. */
  arch: string | null;
  /** nvdisasm: the section's SHI_REGISTERS. */
  registers: number | null;
  instrs: SassInstr[];
}
export interface SassListing { tool: "cuobjdump" | "nvdisasm"; functions: SassFunction[] }

// `        /*00a0*/                   LDG.E R4, [R4.64] ;      /* 0x0000000404047981 */`; the
// encoding's second half sits alone on the next line (`/* 0x000ea8000c1e1900 */`), which has no offset.
const INSTR = /^\s*\/\*([0-9a-f]{4,})\*\/\s+(.*?)\s*(?:\/\*\s*0x[0-9a-f]+\s*\*\/)?\s*$/i;

function instr(line: string): { offset: number; text: string } | null {
  const m = INSTR.exec(line);
  return m && m[2] ? { offset: parseInt(m[1]!, 16), text: m[2] } : null;
}

/** `cuobjdump -sass` of a cubin or fatbin: functions under `code for sm_XX` / `Function : NAME`. */
export function parseCuobjdumpSass(text: string): SassListing {
  const functions: SassFunction[] = [];
  let arch: string | null = null;
  let cur: SassFunction | null = null;
  for (const line of text.split(/\r?\n/)) {
    const code = /^\s*code for (sm_\w+)/.exec(line);
    if (code) { arch = code[1]!; cur = null; continue; }
    const fn = /^\s*Function\s*:\s*(\S+)/.exec(line);
    if (fn) { cur = { name: fn[1]!, arch, registers: null, instrs: [] }; functions.push(cur); continue; }
    if (/^\s*\.{6,}\s*$/.test(line)) { cur = null; continue; } // the dotted line that closes a function
    const i = cur && instr(line);
    if (i) cur!.instrs.push({ ...i, where: [] });
  }
  return { tool: "cuobjdump", functions };
}

// `	//## File "/tmp/d/kv_bias.scoremod.ts", line 8 inlined at "/tmp/d/mod.cu", line 140`
const FILE_LINE = /^\s*\/\/## File "((?:[^"\\]|\\.)*)", line (\d+)(?: inlined at "((?:[^"\\]|\\.)*)", line (\d+))?/;

/**
 * `nvdisasm -c -gi` (or `-g`): a function per `.text.NAME` section. Before each run of instructions
 * a block of `//## File` lines gives the inline chain, innermost first (with -g, one line: the
 * innermost location only); it holds until the next block.
 */
export function parseNvdisasm(text: string): SassListing {
  const functions: SassFunction[] = [];
  let cur: SassFunction | null = null;
  let where: SrcLoc[] = [];
  let inBlock = false;
  for (const line of text.split(/\r?\n/)) {
    const sec = /^\/\/-+ \.text\.(\S+)\s+-+/.exec(line);
    if (sec) { cur = { name: sec[1]!, arch: null, registers: null, instrs: [] }; functions.push(cur); where = []; inBlock = false; continue; }
    if (!cur) continue;
    const regs = /\.sectioninfo\s+@"SHI_REGISTERS=(\d+)"/.exec(line);
    if (regs) { cur.registers = Number(regs[1]); continue; }
    const loc = FILE_LINE.exec(line);
    if (loc) {
      if (!inBlock) { where = []; inBlock = true; }
      const add = (file: string, n: string): void => {
        const last = where[where.length - 1];
        if (!last || last.file !== file || last.line !== Number(n)) where.push({ file, line: Number(n) });
      };
      add(loc[1]!, loc[2]!);
      if (loc[3] !== undefined) add(loc[3], loc[4]!);
      continue;
    }
    const i = instr(line);
    if (i) { inBlock = false; cur.instrs.push({ ...i, where }); }
  }
  return { tool: "nvdisasm", functions };
}

export interface FunctionResources {
  registers: number | null;
  stackBytes: number | null;
  spillStoreBytes: number | null;
  spillLoadBytes: number | null;
}

/**
 * `ptxas -v` (through nvcc `-Xptxas -v`, on stderr): per function its stack frame and spills
 * (`Function properties for NAME` and the line after it) and, for the entry being compiled, its
 * registers (`Used N registers`, after `Compiling entry function 'NAME'`).
 */
export function parsePtxasInfo(text: string): Map<string, FunctionResources> {
  const out = new Map<string, FunctionResources>();
  const get = (name: string): FunctionResources => {
    let r = out.get(name);
    if (!r) { r = { registers: null, stackBytes: null, spillStoreBytes: null, spillLoadBytes: null }; out.set(name, r); }
    return r;
  };
  let compiling: string | null = null;
  let props: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const entry = /Compiling entry function '([^']+)'/.exec(line);
    if (entry) { compiling = entry[1]!; props = null; continue; }
    const p = /Function properties for (\S+)/.exec(line);
    if (p) { props = p[1]!; continue; }
    const frame = /(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads/.exec(line);
    if (frame && props) {
      Object.assign(get(props), { stackBytes: Number(frame[1]), spillStoreBytes: Number(frame[2]), spillLoadBytes: Number(frame[3]) });
      props = null;
      continue;
    }
    const used = /Used (\d+) registers/.exec(line);
    if (used && compiling) get(compiling).registers = Number(used[1]);
  }
  return out;
}
