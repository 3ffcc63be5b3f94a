// PTX -> source lines (pure). Reads `.file` and `.loc` directives (nvcc -lineinfo) and attributes
// every instruction to a source line. Code inlined from headers (e.g. cuda_bf16.hpp) carries
// `inlined_at` chains: an instruction is attributed to the innermost location of the chain that
// lies in the requested source file, which is the `.scoremod.ts` line whose `#line` directive
// preceded the generated statement.

export interface PtxInstr {
  /** The instruction text, trimmed. */
  text: string;
  /** 0-based line in the PTX text. */
  ptxLine: number;
  /** The entry (kernel) or function it belongs to. */
  func: string;
  /** Attributed source: file index into PtxMap.files and 1-based line, or null when unattributed. */
  file: number | null;
  line: number | null;
}

export interface GlobalLoad {
  /** Bytes moved by the instruction (vector count x element size). */
  bytes: number;
  /** 1, 2, 4 or 8 elements per instruction (".v2" etc.). */
  vec: number;
  /** Element bits of the PTX type (.u32 -> 32). */
  bits: number;
  nc: boolean;
}

export interface PtxMap {
  files: Map<number, string>;
  instrs: PtxInstr[];
}

interface Loc { file: number; line: number; col: number; inlinedAt: Loc | null }

const LOC_RE = /^\.loc\s+(\d+)\s+(\d+)\s+(\d+)(.*)$/;
const INLINED_RE = /inlined_at\s+(\d+)\s+(\d+)\s+(\d+)/;
const FILE_RE = /^\.file\s+(\d+)\s+"((?:[^"\\]|\\.)*)"/;

export function parsePtx(ptx: string, isSource: (fileName: string) => boolean): PtxMap {
  const lines = ptx.split(/\r?\n/);
  const files = new Map<number, string>();
  for (const raw of lines) {
    const m = FILE_RE.exec(raw.trim());
    if (m) files.set(Number(m[1]), m[2]!.replace(/\\(.)/g, "$1"));
  }
  const sourceFile = (f: number) => isSource(files.get(f) ?? "");
  // The most recent .loc seen for each (file line col): the parent of an inlined_at reference.
  const lastAt = new Map<string, Loc>();
  const key = (f: number, l: number, c: number) => `${f}:${l}:${c}`;
  const attribute = (loc: Loc | null): { file: number; line: number } | null => {
    let cur = loc;
    for (let guard = 0; cur && guard < 64; guard++) {
      if (sourceFile(cur.file)) return { file: cur.file, line: cur.line };
      cur = cur.inlinedAt ? lastAt.get(key(cur.inlinedAt.file, cur.inlinedAt.line, cur.inlinedAt.col)) ?? cur.inlinedAt : null;
    }
    return null;
  };

  const instrs: PtxInstr[] = [];
  let cur: Loc | null = null;
  let func = "";
  let depth = 0;
  lines.forEach((raw, i) => {
    const t = raw.trim();
    if (!t || t.startsWith("//")) return;
    const ent = /^\.(?:visible\s+|weak\s+|extern\s+)*\.(?:entry|func)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)/.exec(t);
    if (ent) { func = ent[1]!; cur = null; return; }
    const loc = LOC_RE.exec(t);
    if (loc) {
      const inl = INLINED_RE.exec(loc[4]!);
      const l: Loc = { file: Number(loc[1]), line: Number(loc[2]), col: Number(loc[3]),
        inlinedAt: inl ? { file: Number(inl[1]), line: Number(inl[2]), col: Number(inl[3]), inlinedAt: null } : null };
      lastAt.set(key(l.file, l.line, l.col), l);
      cur = l;
      return;
    }
    if (t.startsWith("{")) depth++;
    if (t.startsWith("}")) { depth = Math.max(0, depth - 1); return; }
    if (t.startsWith(".") || t.startsWith("$") || t.endsWith(":") || t === "{" || t === ")" || t === "(") return;
    if (depth === 0) return;
    const at = attribute(cur);
    instrs.push({ text: t.replace(/\s+/g, " "), ptxLine: i, func, file: at?.file ?? null, line: at?.line ?? null });
  });
  return { files, instrs };
}

const TYPE_BITS: Record<string, number> = {
  b8: 8, u8: 8, s8: 8, b16: 16, u16: 16, s16: 16, f16: 16, bf16: 16, f16x2: 32, bf16x2: 32,
  b32: 32, u32: 32, s32: 32, f32: 32, b64: 64, u64: 64, s64: 64, f64: 64, b128: 128,
};

/** A global load (`ld.global...`, including `.nc` and cache qualifiers), or null for anything else. */
export function globalLoad(instr: string): GlobalLoad | null {
  const body = instr.replace(/^@!?%\w+\s+/, "");
  const m = /^ld\.global((?:\.[\w:]+)*)\s/.exec(body);
  if (!m) return null;
  const quals = m[1]!.split(".").filter(Boolean);
  let vec = 1, bits = 0;
  for (const q of quals) {
    const v = /^v(\d+)$/.exec(q);
    if (v) vec = Number(v[1]);
    else if (TYPE_BITS[q] !== undefined) bits = TYPE_BITS[q]!;
  }
  if (!bits) return null;
  return { bytes: (vec * bits) / 8, vec, bits, nc: quals.includes("nc") };
}

/** Global loads per source line (in `fileMatch`'s file) for one function: line -> sorted byte widths. */
export function globalLoadsByLine(map: PtxMap, func: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const ins of map.instrs) {
    if (ins.func !== func || ins.line === null) continue;
    const g = globalLoad(ins.text);
    if (!g) continue;
    const arr = out.get(ins.line) ?? [];
    arr.push(g.bytes);
    out.set(ins.line, arr);
  }
  for (const arr of out.values()) arr.sort((a, b) => a - b);
  return out;
}

/** Group instructions under source lines, for `scoremod cuda --ptx`: each source line's text, then its PTX. */
export function groupBySource(map: PtxMap, func: string, sourceLines: string[], fileName: string): string {
  const out: string[] = [];
  let last: number | null | undefined;
  for (const ins of map.instrs) {
    if (ins.func !== func) continue;
    if (ins.line !== last) {
      last = ins.line;
      if (ins.line === null) out.push(`// (generated code)`);
      else out.push(`// ${fileName}:${ins.line}: ${(sourceLines[ins.line - 1] ?? "").trim()}`);
    }
    out.push(`    ${ins.text}`);
  }
  return out.join("\n") + "\n";
}
