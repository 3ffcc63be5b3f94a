// FileAnalysis -> FlashAttention-4 CuTe-DSL Python (pure). Each mod becomes a `@cute.jit` function
// with FA4's calling convention, written over TensorSSA lanes (V = __vec_size__ lanes per call):
//   score_mod(tSrS_ssa, b_idx, h_idx, q_idx, kv_idx, seqlen_info, aux_tensors)
//   mask_mod(b_idx, h_idx, q_idx, kv_idx, seqlen_info, aux_tensors)
// Loads follow the analysis: uniform -> one scalar load broadcast; contiguous -> one autovec_copy of
// V elements from an offset the analysis proved is a multiple of the vector width (cute.assume);
// grouped (runs of g lanes) -> max(1, V / g) elements the same way, lane i taking element i // g;
// gather -> one scalar load per lane. FA4 exports are checked for form (py_compile), not executed.
import { isSeqRole, usesSeq, type Expr, type SeqRole, type Ty } from "../analysis/ir";
import type { FileAnalysis, LoadFact, ModFact, TensorFact } from "../analysis/facts";
import { TARGETS, type TargetId } from "../analysis/targets";
import { unguardedOpenIndices } from "../analysis/bounds";
import { guardedLoads } from "../analysis/affine";
import { CodegenError, constIntArg } from "./cudaExpr";
import { DTYPE_SPECS, MATH_SPECS, pickVariant } from "scoremod/vocabulary";
import { pickMods, REF_SHAPE, sparsityLine } from "./exportFlex";
import { exportFileName, type ExportOutput } from "./exportFile";
import { lowerBody, pyFloat, pyIdent, pyStr, type PyEmitter } from "./pyLower";

export type Fa4Export = ExportOutput;

/** SeqInfo's fields as FA4's SeqlenInfoQK names them (flash_attn/cute/seqlen_info.py). */
const FA4_SEQLEN_INFO: Record<SeqRole, string> = { offsetQ: "offset_q", offsetKv: "offset_k", lenQ: "seqlen_q", lenKv: "seqlen_k" };

const CMP: Record<string, string> = { "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne" };
const DT: Record<Ty, string> = { float: "cutlass.Float32", int: "cutlass.Int32", bool: "cutlass.Boolean" };

function laneTy(t: TensorFact): Ty {
  return DTYPE_SPECS[t.dtype].lane;
}

/** A load's lanes in the DSL's lane type: i64 saturates to Int32 (_sat_i32), as the CUDA's sm_sat_i32. */
function laneOf(t: TensorFact, loaded: string): string {
  return t.dtype === "i64" ? `_sat_i32(${loaded})` : `${loaded}.to(${DT[laneTy(t)]})`;
}

export function exportFa4(fa: FileAnalysis, modName?: string): Fa4Export {
  const mods = pickMods(fa, modName);
  const target = TARGETS[fa.target];
  const base = fa.fileName.split(/[\\/]/).pop() ?? fa.fileName;
  // The declared name: an ASCII identifier, unique in the file (SM123); see exportFlex.ts.
  const tensorName = (t: TensorFact) => `a_${t.name}`;

  const modCode = (m: ModFact): string[] => {
    const V = m.vecSize;
    const lines: string[] = [];
    let n = 0;
    const fresh = (name: string) => `v_${pyIdent(name)}_${n++}`;
    // A load under a condition is evaluated on every lane (cute.where picks afterwards): its
    // indices not proven in range without the condition are clamped, so the discarded lanes read
    // inside the tensor, as the CUDA, which does not evaluate them, does.
    const open = unguardedOpenIndices(fa, m), guarded = guardedLoads(m.body);
    const fref = m.kind === "score" ? "tSrS_ssa" : "_f32_lanes";
    const lit = (ty: Ty, v: number | boolean): string => {
      if (ty === "bool") return v ? "operator.eq(kv_idx, kv_idx)" : "operator.ne(kv_idx, kv_idx)";
      if (ty === "int") return `cute.full_like(kv_idx, ${Number(v)})`;
      return `cute.full_like(${fref}, ${pyFloat(Number(v))})`;
    };
    const conv = (code: string, from: Ty, to: Ty): string => {
      if (from === to) return code;
      if (to === "bool") return `operator.ne(${code}, ${lit(from, 0)})`;
      return `(${code}).to(${DT[to]})`;
    };
    const bcast = (scalar: string, ty: Ty) => `fa_utils.scalar_to_ssa(${scalar}, ${DT[ty]}).broadcast_to((${V},))`;
    const loadFact = (id: number): LoadFact => {
      const f = m.loads.find((l) => l.id === id);
      if (!f) throw new CodegenError(`internal: load ${id} of mod '${m.name}' has no LoadFact`);
      return f;
    };
    const dimCode = (d: string): string => {
      if (d === "Q") return bcast("seqlen_info.seqlen_q", "int");
      if (d === "KV") return bcast("seqlen_info.seqlen_k", "int");
      const t = fa.tensors.find((x) => x.shape.includes(d));
      if (!t) throw new CodegenError(`the FA4 export cannot read dim("${d}"): FA4 passes only seqlen_q/seqlen_k, and no aux tensor has a ${d} dim`);
      return bcast(`aux_tensors[${fa.tensors.indexOf(t)}].shape[${t.shape.indexOf(d)}]`, "int");
    };

    const exprOf = (e: Expr, local: (n: string) => string): string => {
      switch (e.k) {
        case "num": return lit(e.ty, e.value);
        case "bool": return conv(lit("bool", e.value), "bool", e.ty);
        case "arg": {
          // seq.* is FA4's seqlen_info (SeqlenInfoQK): one value per sequence, broadcast to the V lanes.
          if (isSeqRole(e.role)) return conv(bcast(`seqlen_info.${FA4_SEQLEN_INFO[e.role]}`, "int"), "int", e.ty);
          const name = { score: "tSrS_ssa", b: "b_idx", h: "h_idx", q: "q_idx", kv: "kv_idx" }[e.role];
          return conv(name, e.role === "score" ? "float" : "int", e.ty);
        }
        case "dim": return conv(dimCode(e.name), "int", e.ty);
        case "scalar": {
          // FA4's aux_scalars: run-time values (the compile key holds only their types).
          const i = fa.scalars.findIndex((x) => x.varName === e.name || x.name === e.name);
          if (i < 0) throw new CodegenError(`mod '${m.name}' reads an undeclared scalar '${e.name}'`);
          const ty: Ty = fa.scalars[i]!.dtype === "f32" ? "float" : "int";
          return conv(`cute.full_like(${ty === "float" ? fref : "kv_idx"}, ${DT[ty]}(aux_scalars[${i}]))`, ty, e.ty);
        }
        case "local": return local(e.name);
        case "load": return conv(load(e, local), laneTy(tensorOf(e.tensor)), e.ty);
        case "unary":
          if (e.op === "!") return `(~${conv(exprOf(e.a, local), e.a.ty, "bool")})`;
          if (e.op === "~") return conv(`(~${conv(exprOf(e.a, local), e.a.ty, "int")})`, "int", e.ty);
          return conv(`(-${exprOf(e.a, local)})`, e.a.ty, e.ty);
        case "binary": {
          const op = e.op;
          const A = (t: Ty) => conv(exprOf(e.a, local), e.a.ty, t), B = (t: Ty) => conv(exprOf(e.b, local), e.b.ty, t);
          if (op === "&&" || op === "||") {
            // Both sides are evaluated as lane vectors; a load on the right runs for the lanes the
            // left does not decide (the analysis's verdict: guarded, guardedLoads in affine.ts).
            const a = A("bool");
            const b = underGuard(op === "&&" ? a : `(~${a})`, () => B("bool"));
            return conv(`(${a} ${op === "&&" ? "&" : "|"} ${b})`, "bool", e.ty);
          }
          if (CMP[op]) {
            const t: Ty = e.a.ty === "float" || e.b.ty === "float" ? "float" : e.a.ty === "bool" && e.b.ty === "bool" ? "bool" : "int";
            return conv(`operator.${CMP[op]}(${A(t)}, ${B(t)})`, "bool", e.ty);
          }
          if (["&", "|", "^", "<<", ">>"].includes(op)) return conv(`(${A("int")} ${op} ${B("int")})`, "int", e.ty);
          const t: Ty = op === "/" || e.ty === "float" || e.a.ty === "float" || e.b.ty === "float" ? "float" : "int";
          if (op === "%") return conv(`${t === "int" ? "_c_mod" : "_c_fmod"}(${A(t)}, ${B(t)})`, t, e.ty);
          return conv(`(${A(t)} ${op} ${B(t)})`, t, e.ty);
        }
        case "call": {
          // The vocabulary's lowering (runtime/src/vocabulary.ts): the int variant when every argument is int.
          const { fn, ty } = pickVariant(MATH_SPECS[e.fn].fa4, e.args.every((x) => x.ty === "int"));
          const ci = MATH_SPECS[e.fn].constInt?.index;
          const args = e.args.map((x, i) => (i === ci ? constIntArg(x) : conv(exprOf(x, local), x.ty, ty)));
          return conv(fn(args, { float: (v) => lit("float", v) }), ty, e.ty);
        }
        case "cond": {
          const c = conv(exprOf(e.c, local), e.c.ty, "bool");
          const a = underGuard(c, () => conv(exprOf(e.a, local), e.a.ty, e.ty));
          const b = underGuard(`(~${c})`, () => conv(exprOf(e.b, local), e.b.ty, e.ty));
          return `cute.where(${c}, ${a}, ${b})`;
        }
      }
    };
    /** The lanes the code being lowered runs for (null: all), as Boolean TensorSSA factors. */
    const guards: string[] = [];
    const underGuard = <T>(g: string, f: () => T): T => {
      guards.push(g);
      try { return f(); } finally { guards.pop(); }
    };
    const tensorOf = (v: string): TensorFact => {
      const t = fa.tensors.find((x) => x.varName === v);
      if (!t) throw new CodegenError(`mod '${m.name}' loads from an undeclared tensor '${v}'`);
      return t;
    };
    const loaded = new Map<string, string>();
    /**
     * Emits the load's statements (once per guard) and returns its lane values as a TensorSSA
     * (tensor's lane type). Uniform, grouped and contiguous loads are hoisted as the analysis proved they
     * may be; a gather under a condition loads only the lanes its condition selects (as the CUDA's
     * lane function, which runs it under the same condition), the others hold 0 and are not used.
     */
    const load = (e: Extract<Expr, { k: "load" }>, local: (n: string) => string): string => {
      const f = loadFact(e.loadId);
      const guard = f.class === "gather" && guards.length ? guards.join(" & ") : null;
      const key = guard === null ? `${e.loadId}` : `${e.loadId}|${guard}`;
      const done = loaded.get(key);
      if (done) return done;
      const t = tensorOf(e.tensor);
      const tn = tensorName(t);
      const idx = e.idx.map((x) => conv(exprOf(x, local), x.ty, "int"));
      const id = guard === null ? `${f.id}` : `${f.id}_${n++}`;
      const runs = f.class === "grouped" ? ` (runs of ${f.group} lanes)` : "";
      lines.push(`# ${f.text}: ${f.class}${runs}, ${f.widthElems} x ${t.dtype} = ${f.widthBytes} B per load, ${f.class === "gather" ? V : f.loadsPerVec} load(s) per ${V} scores`);
      // A grouped load whose call lies in one run reads one element, as a uniform one does.
      const elems = f.class === "grouped" ? Math.max(1, Math.floor(V / (f.group ?? V))) : V;
      const broadcast = f.class === "uniform" || (f.class === "grouped" && elems === 1);
      if (broadcast) {
        lines.push(`ld${id} = cute.make_rmem_tensor(1, ${tn}.element_type)`);
        lines.push(`ld${id}[0] = ${tn}[${idx.map((x) => `${x}[0]`).join(", ")}]`);
      } else if (f.class === "contiguous") {
        // One copy of V elements; the analysis proved the lane-0 offset is a multiple of the width,
        // and __assumed_align__ promises the base, so CuTe can issue V / w vector loads of w elements.
        lines.push(`ld${id} = cute.make_rmem_tensor(${V}, ${tn}.element_type)`);
        lines.push(`off${id} = cute.assume(${tn}.layout((${idx.map((x) => `${x}[0]`).join(", ")})), divby=${f.widthElems})`);
        lines.push(`cute.autovec_copy(cute.make_tensor(${tn}.iterator + off${id}, cute.make_layout(${V})), ld${id})`);
      } else if (f.class === "grouped") {
        // One copy of the V / g elements the runs read (the first at lane 0's index, a multiple of the
        // width by the analysis's proof), then each lane takes its run's element.
        lines.push(`w${id} = cute.make_rmem_tensor(${elems}, ${tn}.element_type)`);
        lines.push(`off${id} = cute.assume(${tn}.layout((${idx.map((x) => `${x}[0]`).join(", ")})), divby=${f.widthElems})`);
        lines.push(`cute.autovec_copy(cute.make_tensor(${tn}.iterator + off${id}, cute.make_layout(${elems})), w${id})`);
        lines.push(`ld${id} = cute.make_rmem_tensor(${V}, ${tn}.element_type)`);
        lines.push(`for i in cutlass.range_constexpr(${V}):`);
        lines.push(`    ld${id}[i] = w${id}[i // ${f.group}]`);
      } else {
        const clamp = guarded.has(f.id) ? open.get(f.id) ?? [] : [];
        idx.forEach((x, d) => {
          if (!clamp.includes(d)) { lines.push(`x${id}_${d} = ${x}`); return; }
          const ext = t.shape[d]!;
          const last = typeof ext === "number" ? lit("int", ext - 1) : `(${dimCode(ext)} - ${lit("int", 1)})`;
          lines.push(`x${id}_${d} = _min(_max(${x}, ${lit("int", 0)}), ${last})  # guarded: clamped, the discarded lanes stay inside`);
        });
        lines.push(`ld${id} = cute.make_rmem_tensor(${V}, ${tn}.element_type)`);
        if (guard !== null) {
          lines.push(`# runs only under its condition (the analysis keeps it there): lanes outside it are not read`);
          lines.push(`g${id} = ${guard}`);
        }
        lines.push(`for i in cutlass.range_constexpr(${V}):`);
        if (guard !== null) {
          lines.push(`    ld${id}[i] = ${tn}.element_type(0)`);
          lines.push(`    if g${id}[i]:`);
          lines.push(`        ld${id}[i] = ${tn}[${idx.map((_, d) => `x${id}_${d}[i]`).join(", ")}]`);
        } else {
          lines.push(`    ld${id}[i] = ${tn}[${idx.map((_, d) => `x${id}_${d}[i]`).join(", ")}]`);
        }
      }
      loaded.set(key, `${laneOf(t, `ld${id}.load()`)}${broadcast ? `.broadcast_to((${V},))` : ""}`);
      return loaded.get(key)!;
    };
    const em: PyEmitter = {
      expr: exprOf,
      select: (c, a, b) => `cute.where(${c}, ${a}, ${b})`,
      result: (e, local) => conv(exprOf(e, local), e.ty, m.kind === "score" ? "float" : "bool"),
      branch: (c, taken, f) => underGuard(taken ? c : `(~${c})`, f),
    };
    const used = fa.tensors.filter((t) => m.loads.some((l) => l.tensorVar === t.varName));
    const body = lowerBody(m.body, em, fresh, lines);
    const fn = pyIdent(m.name);
    // FA4 passes aux_scalars (keyword to score mods, 7th argument to masks) only when the caller does.
    const scalarsParam = fa.scalars.length ? ", aux_scalars=None" : "";
    const sig = (m.kind === "score" ? "tSrS_ssa, b_idx, h_idx, q_idx, kv_idx, seqlen_info, aux_tensors" : "b_idx, h_idx, q_idx, kv_idx, seqlen_info, aux_tensors") + scalarsParam;
    // FA4's vectorized mask contract (sm100/sm110): V > 1 returns packed Uint32 words, not booleans.
    const packed = m.kind === "mask" && V > 1;
    const out = [
      `@cute.jit`,
      `def ${fn}(${sig}):`,
      `    """${m.kind === "score" ? "score_mod" : "mask_mod"} '${m.name}' (${pyStr(base)} line ${m.range.start.line + 1}), ${V} kv lanes per call."""`,
    ];
    if (m.kind === "mask") out.push(`    _f32_lanes = kv_idx.to(cutlass.Float32)`);
    for (const t of used) out.push(`    ${tensorName(t)} = aux_tensors[${fa.tensors.indexOf(t)}]  # ${t.name}`);
    for (const l of body.lines) out.push(`    ${l}`);
    if (packed) {
      out.push(`    keep = ${body.value}`);
      out.push(`    return _pack_keep(keep, ${V})  # ${Math.max(1, V / 32)} Uint32 word(s): bit i keeps lane i`);
    } else {
      out.push(`    return ${body.value}`);
    }
    out.push("", "", `${fn}.__vec_size__ = ${V}`);
    return out;
  };

  const header: string[] = [
    `# Generated by Score Mod Studio from ${pyStr(base)}: FlashAttention-4 CuTe-DSL export for ${target.id}. Do not edit.`,
    `# Checked for form (python -m py_compile), not executed here: FA4 needs a Blackwell/Hopper GPU with`,
    `# flash_attn.cute installed.`,
    `#`,
    `# Usage (flash_attn.cute.interface; aux_tensors in this order):`,
  ];
  for (const [i, t] of fa.tensors.entries()) {
    header.push(`#   aux[${i}] = ${t.name}: ${t.dtype} [${t.shape.join(", ")}]`);
    header.push(`#     ${t.name}.__assumed_align__ = ${t.align}   # promise: data_ptr() % ${t.align} == 0`);
    if (t.unitStrideDim !== null) header.push(`#     ${t.name}.__leading_dim__ = ${t.unitStrideDim}   # the stride-1 dim`);
  }
  for (const [i, sc] of fa.scalars.entries()) {
    header.push(`#   aux_scalars[${i}] = ${sc.name}: ${sc.dtype === "f32" ? "cutlass.Float32" : "cutlass.Int32"} (default S_${pyIdent(sc.name)}; a run-time value: changing it does not recompile)`);
  }
  const scalarArg = fa.scalars.length ? `, aux_scalars=[${fa.scalars.map((sc) => `S_${pyIdent(sc.name)}`).join(", ")}]` : "";
  for (const m of mods) {
    header.push(`#   flash_attn_func(q, k, v, ${m.kind === "score" ? "score_mod" : "mask_mod"}=${pyIdent(m.name)}, aux_tensors=[${fa.tensors.map((t) => t.name).join(", ")}]${scalarArg})`);
  }
  if (fa.scalars.length) header.push(`# (FA4's dedicated sm100 head_dim 256 kernel does not take aux_scalars.)`);
  const varlen = mods.filter((m) => usesSeq(m.body));
  if (varlen.length) {
    header.push(`# ${varlen.map((m) => pyIdent(m.name)).join(", ")} read${varlen.length === 1 ? "s" : ""} seqlen_info (the DSL's seq): call FA4 with cu_seqlens_q and cu_seqlens_k`,
      `# (also for equal lengths: without them FA4 passes offset_q = offset_k = 0, and a global index`,
      `# q + offset_q would read the first sequence's rows for every sequence).`);
  }
  const packedMasks = mods.filter((m) => m.kind === "mask" && m.vecSize > 1);
  if (packedMasks.length) {
    // Only reachable for fa4-sm100 or a runner target: the analysis refuses them on the other FA4 targets (SM172).
    header.push(`# ${packedMasks.map((m) => pyIdent(m.name)).join(", ")}: __vec_size__ > 1, so ${packedMasks.length > 1 ? "they return" : "it returns"} packed Uint32 keep words, which FA4 takes`,
      `# on sm100/sm110 only (its sm80/sm90/sm120 forward raises for a mask __vec_size__ above 1).`);
  }
  if (target.fa4 && !target.fa4.backwardMods) {
    header.push(`# ${target.id}: forward only. FA4's backward on this arch asserts score_mod and mask_mod are None.`);
  }
  const obligations = [...new Set(mods.flatMap((m) => m.loads.flatMap((l) => l.obligations.map((o) => o.text))))];
  if (obligations.length) {
    header.push(`#`, `# Runtime obligations the vector loads rely on (FA4 does not check them; the runner does):`);
    for (const o of obligations) header.push(`#   ${o}`);
  }
  header.push(
    `#`,
    `# Semantics as in the generated CUDA: Int32 lanes, idiv and % truncate toward zero, bf16/f16 loads`,
    `# upcast to Float32; if/else and ternaries select per lane (cute.where) after evaluating both sides.`,
    `# A gather under a condition whose index is not proven in range without it is clamped into its`,
    `# extent, so the lanes cute.where discards read inside the tensor (the CUDA does not read them).`,
    `import operator`,
    ``,
    `import cutlass`,
    `import cutlass.cute as cute`,
    `from cutlass._mlir.dialects import math as mlir_math`,
    `from flash_attn.cute import utils as fa_utils`,
  );
  if (fa.scalars.length) header.push(``);
  for (const s of fa.scalars) {
    const v = s.dtype === "f32" ? `cutlass.Float32(${pyFloat(s.defaultValue)})` : `cutlass.Int32(${String(s.defaultValue)})`;
    header.push(`S_${pyIdent(s.name)} = ${v}  # scalar ${pyStr(s.name)}: its declared default, for aux_scalars`);
  }
  header.push(
    ``,
    ``,
    `def _min(a, b):`,
    `    return cute.where(operator.lt(a, b), a, b)`,
    ``,
    ``,
    `def _max(a, b):`,
    `    return cute.where(operator.gt(a, b), a, b)`,
    ``,
    ``,
    `def _abs_i(x):`,
    `    return cute.TensorSSA(mlir_math.absi(x), x.shape, x.dtype)`,
    ``,
    ``,
    `def _abs_f(x):`,
    `    return cute.where(operator.lt(x, cute.full_like(x, 0.0)), -x, x)`,
    ``,
    ``,
    `def _trunc_div(a, b):`,
    `    # C division: divide magnitudes (no rounding question), then restore the sign.`,
    `    q = _abs_i(a) // _abs_i(b)`,
    `    zero = cute.full_like(a, 0)`,
    `    return cute.where(operator.ne(operator.lt(a, zero), operator.lt(b, zero)), -q, q)`,
    ``,
    ``,
    `def _c_mod(a, b):`,
    `    return a - _trunc_div(a, b) * b`,
    ``,
    ``,
    `def _trunc_f(x):`,
    `    return x.to(cutlass.Int32).to(cutlass.Float32)`,
    ``,
    ``,
    `def _c_fmod(a, b):`,
    `    return a - b * _trunc_f(a / b)`,
    ``,
    ``,
    `def _powi(x, n, one):`,
    `    # x ** n for a constant int n, unrolled at trace time: binary exponentiation, the same products`,
    `    # in the same order as sm_powi in the generated CUDA; 1 / x ** |n| for n < 0.`,
    `    r, e = None, abs(n)`,
    `    while e:`,
    `        if e & 1:`,
    `            r = x if r is None else r * x`,
    `        e >>= 1`,
    `        if e:`,
    `            x = x * x`,
    `    if r is None:`,
    `        return one`,
    `    return one / r if n < 0 else r`,
  );
  if (fa.tensors.some((t) => t.dtype === "i64")) {
    header.push(
      ``,
      ``,
      `def _sat_i32(x):`,
      `    # i64 lanes: the value saturated to Int32 (the DSL's ints are 32-bit), as sm_sat_i32 in the CUDA.`,
      `    lo, hi = cute.full_like(x, -2147483648), cute.full_like(x, 2147483647)`,
      `    return cute.where(operator.lt(x, lo), lo, cute.where(operator.gt(x, hi), hi, x)).to(cutlass.Int32)`,
    );
  }
  if (mods.some((m) => m.kind === "mask" && m.vecSize > 1)) {
    header.push(
      ``,
      ``,
      `def _pack_keep(keep, n):`,
      `    # FA4's vectorized mask_mod contract (apply_mask_mod_sm100_vector, sm100/sm110): a mask with`,
      `    # __vec_size__ n > 1 returns max(1, n // 32) Uint32 words; bit i of word w keeps kv lane 32 * w + i`,
      `    # (low bits = lower kv). Unrolled at trace time.`,
      `    words = cute.make_rmem_tensor(max(1, n // 32), cutlass.Uint32)`,
      `    for w in range(max(1, n // 32)):`,
      `        acc = cutlass.Uint32(0)`,
      `        for i in range(min(n, 32)):`,
      `            acc = acc | (cutlass.Uint32(keep[32 * w + i]) << i)`,
      `        words[w] = acc`,
      `    return words.load()`,
    );
  }
  const lines = [...header];
  for (const m of mods) lines.push("", "", ...modCode(m));
  lines.push(...blockSparsity(fa, mods.filter((m) => m.kind === "mask"), target.id));
  return { fileName: exportFileName(fa.fileName, "fa4", modName), text: lines.join("\n") + "\n", mods: mods.map((m) => m.name), helpers: [] };
}

/**
 * FA4's forward block sparsity for the file's masks: flash_attn_func(..., block_sparse_tensors=...)
 * takes a BlockSparseTensorsTorch (flash_attn/cute/block_sparsity.py, FA4 4.0.0b27) whose blocks
 * FA4 checks against its own tiles. Built from the Flex export's BlockMask (same mask, same
 * analysis), converted field by field: kv_num_blocks/kv_indices are FA4's "mask" blocks (mask_mod
 * runs), full_kv_num_blocks/full_kv_indices its "full" blocks (mask_mod skipped); KV blocks in
 * neither list are skipped.
 */
function blockSparsity(fa: FileAnalysis, masks: ModFact[], target: string): string[] {
  if (!masks.length) return [];
  const head = [``, ``, `# ---- block sparsity (FA4 forward) ----`];
  if (target === "fa4-sm80") {
    return [...head, `# Not emitted for ${target}: FA4 accepts block_sparse_tensors there but its sm80 forward kernel`,
      `# does not read them (mask_mod runs on every block), so they would skip nothing.`];
  }
  if (!TARGETS[target as TargetId]?.fa4?.blockSparsity) {
    return [...head, `# Not emitted for ${target}: FA4 asserts block sparsity is not supported there (mask_mod runs on every block).`];
  }
  const blocks = target === "fa4-sm100"
    ? [`    # sm100/sm110: the Q block is q_stage x tile_m = 2 x 128 once Q exceeds one 128-row tile; KV blocks`,
       `    # are multiples of tile_n = 128. (FA4 rejects block sparsity with head_dim 256 on sm100.)`,
       `    return (256 if seqlen_q > 128 else 128, 128)`]
    : [`    # sm90, head_dim <= 128: tile_m = tile_n = 128, and the KV block must equal tile_n. Other head dims`,
       `    # use another tile_n; FA4's check names the one it needs.`,
       `    return (128, 128)`];
  return [
    ...head,
    `# Build the BlockMask with this file's Flex export (scoremod export FILE --to flex), at FA4's block size:`,
    `#   bm = flex.make_block_mask(${pyStr(masks[0]!.name)}, aux, B, H, Q, KV, block_size=fa4_sparse_block_size(Q))`,
    `#   out = flash_attn_func(q, k, v, mask_mod=${pyIdent(masks[0]!.name)}, aux_tensors=[...], block_sparse_tensors=block_sparse_tensors(bm))`,
    `# b and h are broadcast (size 1) where the analysis proved the mask ignores them; FA4 expands them.`,
    `# What the analysis proves at B${REF_SHAPE.B} H${REF_SHAPE.H} Q=KV=${REF_SHAPE.Q} with 128x128 tiles:`,
    ...masks.map((m) => `#   ${sparsityLine(fa, m)}`),
    ``,
    ``,
    `def fa4_sparse_block_size(seqlen_q):`,
    `    """(Q block, KV block) FA4 expects of block_sparse_tensors on ${target}."""`,
    ...blocks,
    ``,
    ``,
    `def block_sparse_tensors(block_mask):`,
    `    """FA4's BlockSparseTensorsTorch from a FlexAttention BlockMask built at fa4_sparse_block_size."""`,
    `    import torch`,
    `    from flash_attn.cute.block_sparsity import BlockSparseTensorsTorch`,
    `    i32 = lambda t: None if t is None else t.to(torch.int32)`,
    `    return BlockSparseTensorsTorch(`,
    `        mask_block_cnt=i32(block_mask.kv_num_blocks), mask_block_idx=i32(block_mask.kv_indices),`,
    `        full_block_cnt=i32(block_mask.full_kv_num_blocks), full_block_idx=i32(block_mask.full_kv_indices),`,
    `        block_size=tuple(block_mask.BLOCK_SIZE))`,
  ];
}
