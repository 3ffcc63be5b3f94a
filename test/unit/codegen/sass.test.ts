// The SASS view: parsers over real tool output (test/fixtures/sass/README.md says how each file
// was captured and by which version), the view's text, and the toolchain's search for a
// disassembler. Checked against real captures: cuobjdump -sass and nvdisasm -c -gi layouts (CUDA
// 11.8, sm_80), ptxas -v (11.8 sm_80 and 13.0 sm_90a, with and without spills). Not checked here:
// CUDA 12/13 disassembler output for sm_90a (the GPU suite's `sass` part runs that for real).
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { parseCuobjdumpSass, parseNvdisasm, parsePtxasInfo } from "../../../server/src/codegen/sassParse";
import { ldgBytes, opcode, sassPreview } from "../../../server/src/codegen/sassPreview";
import { compileToSass, findDisassembler, noDisassemblerReason, sassNote } from "../../../server/src/toolchain/sass";
import { findNvcc } from "../../../server/src/toolchain/nvcc";
import { ROOT } from "./proofCorpus";

const fx = (name: string): string => readFileSync(join(ROOT, "test/fixtures/sass", name), "utf8");
const KERNEL = "sm_proof_kvBiasMod_v8";

describe("cuobjdump -sass", () => {
  const l = parseCuobjdumpSass(fx("kv_bias.runner-sm80.cuobjdump-sass.txt"));
  it("finds the one function, its arch and every instruction (not the encodings' second lines)", () => {
    expect(l.functions.map((f) => [f.name, f.arch])).toEqual([[KERNEL, "sm_80"]]);
    const f = l.functions[0]!;
    // 0x0000 .. 0x0470 step 16: 72 instructions, offsets in order.
    expect(f.instrs).toHaveLength(72);
    expect(f.instrs.map((i) => i.offset)).toEqual(f.instrs.map((_, k) => k * 16));
    expect(f.instrs[0]!.text).toBe("IMAD.MOV.U32 R1, RZ, RZ, c[0x0][0x28] ;");
    expect(f.instrs.every((i) => !i.text.includes("0x000") || i.text.includes("c[0x0]"))).toBe(true);
    expect(f.instrs.filter((i) => i.text.startsWith("LDG.E.128")).length).toBe(1);
    expect(f.instrs.every((i) => i.where.length === 0)).toBe(true);
  });
});

describe("nvdisasm -c -gi", () => {
  const l = parseNvdisasm(fx("kv_bias.runner-sm80.nvdisasm-c-gi.txt"));
  const f = l.functions[0]!;
  it("the same instructions as cuobjdump, the section's registers, and each one's inline chain", () => {
    expect(l.functions.map((x) => x.name)).toEqual([KERNEL]);
    expect(f.registers).toBe(22);
    const c = parseCuobjdumpSass(fx("kv_bias.runner-sm80.cuobjdump-sass.txt")).functions[0]!;
    expect(f.instrs.map((i) => [i.offset, i.text.replace(/\s+/g, " ")])).toEqual(c.instrs.map((i) => [i.offset, i.text.replace(/\s+/g, " ").replace(/BRA 0x\w+;/, "BRA `(.L_x_0);")]));
    // The 16-byte load: prelude helper (line 36) inlined at line 47, in the mod at kv_bias line 8, in the kernel at line 140.
    const wide = f.instrs.find((i) => i.text.startsWith("LDG.E.128"))!;
    expect(wide.where.map((w) => `${w.file.split("/").pop()}:${w.line}`)).toEqual([
      "sm_kvBiasMod_v8.cu:36", "sm_kvBiasMod_v8.cu:47", "kv_bias.scoremod.ts:8", "kv_bias.kvBiasMod.runner-sm80.v8.cu:140",
    ]);
    // The kernel's own loads of its inputs sit at line 139 only.
    expect(f.instrs[4]!.where.map((w) => w.line)).toEqual([137]);
  });
});

describe("ptxas -v", () => {
  it("registers, stack and spills per function (sm_80 by 11.8, sm_90a by 13.0)", () => {
    expect(parsePtxasInfo(fx("kv_bias.runner-sm80.ptxas-v.txt")).get(KERNEL)).toEqual({ registers: 22, stackBytes: 0, spillStoreBytes: 0, spillLoadBytes: 0 });
    expect(parsePtxasInfo(fx("kv_bias.runner-hopper.ptxas-v.txt")).get("sm_proof_kvBiasMod_v2")).toEqual({ registers: 14, stackBytes: 0, spillStoreBytes: 0, spillLoadBytes: 0 });
  });
  it("a kernel that spills, and a non-inlined device function with no register line of its own", () => {
    const m = parsePtxasInfo(fx("spill.sm90a.ptxas-v.txt"));
    expect(m.get("_Z5spillPfPKf")).toEqual({ registers: 24, stackBytes: 64, spillStoreBytes: 88, spillLoadBytes: 188 });
    expect(m.get("_Z6helperf")).toEqual({ registers: null, stackBytes: 0, spillStoreBytes: 0, spillLoadBytes: 0 });
  });
});

describe("opcodes", () => {
  it("strips predicates and sizes global loads", () => {
    expect(opcode("@P0 EXIT ;")).toBe("EXIT");
    expect(opcode("@!PT LDS RZ, [RZ] ;")).toBe("LDS");
    expect(opcode("NOP;")).toBe("NOP");
    expect([ldgBytes("LDG.E.128.CONSTANT"), ldgBytes("LDG.E.64"), ldgBytes("LDG.E.U16.CONSTANT"), ldgBytes("LDG.E"), ldgBytes("LDGSTS.E"), ldgBytes("STG.E")])
      .toEqual([16, 8, 2, 4, null, null]); // LDGSTS copies global to shared: not a load into registers
  });
});

describe("the SASS view's text", () => {
  const file = join(ROOT, "examples/kv_bias.scoremod.ts");
  const text = readFileSync(file, "utf8");
  const gen = generateCuda(analyze(file, text, { target: "runner-sm80" }), "kvBiasMod");
  const src = text.split("\n");
  const res = parsePtxasInfo(fx("kv_bias.runner-sm80.ptxas-v.txt"));
  it("is the proof kernel the fixture was made from", () => expect(gen.kernelName).toBe(KERNEL));

  it("with nvdisasm: the mod's instructions under its source line, the one 16-byte load counted, the kernel's own hidden", () => {
    const p = sassPreview(parseNvdisasm(fx("kv_bias.runner-sm80.nvdisasm-c-gi.txt")), res, gen, src, "NOTE");
    const lines = p.text.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      `// SASS of kvBiasMod (runner-sm80, V=8), inlined into the proof kernel ${KERNEL}`,
      `// ${KERNEL}: 22 registers, 0 bytes spill stores, 0 bytes spill loads, 0 bytes stack frame (ptxas -v)`,
      "// NOTE",
    ]);
    expect(p.groups.map((g) => g.sourceLine)).toEqual([7]);
    expect(p.text).toContain("// kv_bias.scoremod.ts:8: export const kvBiasMod");
    expect(p.text).toContain("//   global loads: 1 x 16 B\n");
    expect(p.text).toMatch(/\n {4}\/\*01e0\*\/ LDG\.E\.128\.CONSTANT R4, \[R4\.64\] ;\n/);
    // The kernel's input loads (lines 137/139) are not the mod's.
    expect(p.text).not.toContain("[R12.64+0x8]");
    expect(p.text).toMatch(/Not shown: the kernel's own \d+ instruction\(s\)/);
    expect(p.lineMap).toHaveLength(lines.length);
    for (const i of p.groups[0]!.sassLines) expect(p.lineMap[i]).toBe(7);
    expect(p.resources?.registers).toBe(22);
  });

  it("with cuobjdump (no line table): the whole listing, mapped to no source line", () => {
    const p = sassPreview(parseCuobjdumpSass(fx("kv_bias.runner-sm80.cuobjdump-sass.txt")), res, gen, src, "NOTE");
    expect(p.groups).toEqual([]);
    expect(p.text).toContain(`// function ${KERNEL} (sm_80): 72 instructions`);
    expect(p.text).toContain("[R12.64+0x8]");
    expect(p.lineMap.every((l) => l === -1)).toBe(true);
    expect(p.opcodes).toContain("LDG.E.128.CONSTANT");
  });

  it("without a disassembler: the header with the resources and the reason, nothing else", () => {
    const p = sassPreview(null, res, gen, src, "SASS: not shown: why");
    expect(p.text.split("\n")).toHaveLength(3);
    expect(p.text).toContain("22 registers");
    expect(p.text).toContain("SASS: not shown: why");
  });
});

describe("finding a disassembler beside nvcc", () => {
  it("prefers nvdisasm, falls back to cuobjdump, else says where it looked", () => {
    const dir = mkdtempSync(join(tmpdir(), "smsass-"));
    const nvcc = join(dir, "nvcc");
    writeFileSync(nvcc, "");
    expect(findDisassembler(nvcc)).toBeNull();
    expect(noDisassemblerReason(nvcc)).toContain(`neither is beside nvcc (${dir})`);
    expect(sassNote(nvcc)).toContain("no disassembly here");
    for (const t of ["cuobjdump", "nvdisasm"]) { writeFileSync(join(dir, t), ""); chmodSync(join(dir, t), 0o755); }
    expect(findDisassembler(nvcc)).toEqual({ tool: "nvdisasm", path: join(dir, "nvdisasm") });
    expect(sassNote(nvcc)).toContain("nvdisasm beside nvcc");
  });
});

let nvcc = "";
try { nvcc = findNvcc(); } catch { /* no toolkit: the compile tests below are skipped */ }

describe.runIf(nvcc)("compileToSass with this machine's nvcc (real cubin and ptxas -v)", () => {
  const file = join(ROOT, "examples/kv_bias.scoremod.ts");
  const text = readFileSync(file, "utf8");
  const gen = generateCuda(analyze(file, text, { target: "runner-hopper", vecSize: 2 }), "kvBiasMod");
  /** A stand-in disassembler: a script that fails, or one that prints a captured listing (the process plumbing, not the format). */
  function script(name: string, body: string): string {
    const dir = mkdtempSync(join(tmpdir(), "smsass-tool-"));
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it.runIf(process.platform !== "win32")("no disassembler: ptxas's registers for the sm_90a proof kernel, and the reason", async () => {
    const r = await compileToSass(gen.text, { target: "runner-hopper", nvcc, fileName: `${gen.functionName}.cu`, disassemblers: [] });
    expect(r.listing).toBeNull();
    expect(r.resources.get(gen.kernelName)?.registers).toBeGreaterThan(0);
    expect(r.resources.get(gen.kernelName)?.spillStoreBytes).toBe(0);
    expect(r.note).toMatch(/^SASS: not shown: disassembling needs nvdisasm or cuobjdump/);
  }, 120_000);

  it.runIf(process.platform !== "win32")("a disassembler that fails hands over to the next, and the note says so", async () => {
    const bad = script("nvdisasm", "echo 'nvdisasm fatal   : unknown option -gi' >&2; exit 1");
    const good = script("cuobjdump", `[ "$1" = -sass ] && [ -s "$2" ] && cat ${JSON.stringify(join(ROOT, "test/fixtures/sass/kv_bias.runner-sm80.cuobjdump-sass.txt"))}`);
    const r = await compileToSass(gen.text, { target: "runner-hopper", nvcc, disassemblers: [{ tool: "nvdisasm", path: bad }, { tool: "cuobjdump", path: good }] });
    expect(r.listing?.tool).toBe("cuobjdump");
    expect(r.note).toContain(`SASS by cuobjdump -sass (no line table: the whole listing): ${good} (after: ${bad} -c -gi failed (exit 1): nvdisasm fatal   : unknown option -gi)`);
    await expect(compileToSass(gen.text, { target: "runner-hopper", nvcc, disassemblers: [{ tool: "nvdisasm", path: bad }] }))
      .rejects.toThrow(/^no disassembly: .*unknown option -gi/);
  }, 120_000);
});
