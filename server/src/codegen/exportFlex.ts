// FileAnalysis -> a PyTorch FlexAttention module (pure). Each mod becomes a factory that closes
// over the aux tensors and returns `score_mod(score, b, h, q_idx, kv_idx)` or
// `mask_mod(b, h, q_idx, kv_idx)`; `make_aux` builds the tensors with the declared dtypes, shapes
// and strides, filled like the runner fills them. The module interface is documented in
// docs/codegen.md ("FlexAttention export").
import { isSeqRole, usesSeq, type Expr, type SeqRole, type Ty } from "../analysis/ir";
import type { FileAnalysis, ModFact, TensorFact } from "../analysis/facts";
import { classifyTiles, dependsOn } from "../analysis/tiles";
import { unguardedOpenIndices } from "../analysis/bounds";
import { CodegenError, constIntArg } from "./cudaExpr";
import { blockedMessage } from "../analysis/generatable";
import { DTYPE_SPECS, MATH_SPECS, pickVariant } from "scoremod/vocabulary";
import { PY_MAKE_AUX } from "./pySample";
import { PY_SAMPLE_IMPORT, SAMPLE_MODULE, SAMPLE_MODULE_NAME } from "./sampleModule";
import { exportFileName, type ExportOutput } from "./exportFile";
import { bodyRefs, lowerBody, pyFloat, pyIdent, pyStr, type PyEmitter } from "./pyLower";
import { paramTables } from "./tables";

export type FlexExport = ExportOutput;

/** A Python value: its code and whether it is a plain Python number/bool (not a tensor). */
interface PV { code: string; lit: boolean }

function conv(v: PV, from: Ty, to: Ty): PV {
  if (from === to) return v;
  if (v.lit) {
    if (to === "bool") return { code: `(${v.code} != 0)`, lit: true };
    if (to === "float") return { code: /^\(?-?\d+\)?$/.test(v.code) ? v.code.replace(/(\d+)/, "$1.0") : `float(${v.code})`, lit: true };
    return { code: `int(${v.code})`, lit: true };
  }
  if (to === "bool") return { code: `(${v.code} != 0)`, lit: false };
  // float -> int truncates toward zero (torch's cast), as the CUDA's (int) cast does.
  return { code: `(${v.code}).to(${to === "float" ? "torch.float32" : "torch.int32"})`, lit: false };
}


export function exportFlex(fa: FileAnalysis, modName?: string): FlexExport {
  const mods = pickMods(fa, modName);
  const masks = mods.filter((m) => m.kind === "mask");
  const tables = paramTables(fa);
  // The tensor's declared name: an ASCII identifier, unique in the file (SM123), so two tensors
  // never share a Python name (their variable names may differ only in characters Python drops).
  const tensorVar = (t: TensorFact) => `t_${t.name}`;

  const modCode = (m: ModFact): string[] => {
    let n = 0;
    // Indices the CUDA might not read in range or not read at all (under a condition): clamped, and checked by check_bounds.
    const open = unguardedOpenIndices(fa, m);
    // The conditions the expression being lowered runs under (Python code of bools), innermost last.
    const path: string[] = [];
    const within = <T>(c: string, f: () => T): T => { path.push(c); try { return f(); } finally { path.pop(); } };
    const litLocals = new Set<string>();
    const fresh = (name: string) => `v_${pyIdent(name)}_${n++}`;
    const exprOf = (e: Expr, local: (n: string) => string): PV => {
      switch (e.k) {
        case "num":
          return { code: e.ty === "int" ? String(e.value) : e.ty === "bool" ? (e.value ? "True" : "False") : pyFloat(e.value), lit: true };
        case "bool": return conv({ code: e.value ? "True" : "False", lit: true }, "bool", e.ty);
        case "arg": {
          // seq.*: the sequence's row of cu_seqlens (varlenPrologue).
          if (isSeqRole(e.role)) return { code: FLEX_SEQ[e.role], lit: false };
          const name = { score: "score", b: "b", h: "h", q: "q_idx", kv: "kv_idx" }[e.role];
          return conv({ code: name, lit: false }, e.role === "score" ? "float" : "int", e.ty);
        }
        case "dim": return conv({ code: `d_${pyIdent(e.name)}`, lit: true }, "int", e.ty);
        case "scalar": {
          const s = fa.scalars.find((x) => x.varName === e.name || x.name === e.name);
          if (!s) throw new CodegenError(`mod '${m.name}' reads an undeclared scalar '${e.name}'`);
          return { code: `s_${pyIdent(s.name)}`, lit: true };
        }
        case "local": { const py = local(e.name); return { code: py, lit: litLocals.has(py) }; }
        case "load": {
          const t = fa.tensors.find((x) => x.varName === e.tensor);
          if (!t) throw new CodegenError(`mod '${m.name}' loads from an undeclared tensor '${e.tensor}'`);
          const dims = open.get(e.loadId) ?? [];
          const fact = m.loads.find((l) => l.id === e.loadId);
          const reached = path.length ? `lambda: _all(${path.join(", ")})` : "None";
          const idx = e.idx.map((x, d) => {
            const code = conv(exprOf(x, local), x.ty, "int").code;
            if (!dims.includes(d)) return code;
            const ext = t.shape[d]!;
            const where = `${fact?.text ?? t.name} (line ${(fact?.range.start.line ?? 0) + 1}), index ${d}`;
            return `_ix(${code}, ${typeof ext === "number" ? String(ext) : `d_${pyIdent(ext)}`}, ${reached}, ${pyStr(where)})`;
          });
          return { code: `${tensorVar(t)}[${idx.join(", ")}]${DTYPE_SPECS[t.dtype].flexUpcast}`, lit: false };
        }
        case "unary": {
          if (e.op === "!") {
            const a = conv(exprOf(e.a, local), e.a.ty, "bool");
            return a.lit ? { code: `(not ${a.code})`, lit: true } : { code: `torch.logical_not(${a.code})`, lit: false };
          }
          const t: Ty = e.op === "~" || e.ty === "bool" ? "int" : e.ty;
          const a = conv(exprOf(e.a, local), e.a.ty, t);
          return conv({ code: `(${e.op}${a.code})`, lit: a.lit }, t, e.ty);
        }
        case "binary": return binary(e, local);
        case "call": return call(e, local);
        case "cond": {
          const c = conv(exprOf(e.c, local), e.c.ty, "bool");
          const a = within(c.code, () => conv(exprOf(e.a, local), e.a.ty, e.ty)), b = within(`_not(${c.code})`, () => conv(exprOf(e.b, local), e.b.ty, e.ty));
          if (c.lit) return { code: `(${a.code} if ${c.code} else ${b.code})`, lit: a.lit && b.lit };
          return { code: `torch.where(${c.code}, ${a.code}, ${b.code})`, lit: false };
        }
      }
    };
    const binary = (e: Extract<Expr, { k: "binary" }>, local: (n: string) => string): PV => {
      const op = e.op;
      if (op === "&&" || op === "||") {
        const a = conv(exprOf(e.a, local), e.a.ty, "bool");
        const b = within(op === "&&" ? a.code : `_not(${a.code})`, () => conv(exprOf(e.b, local), e.b.ty, "bool"));
        if (a.lit && b.lit) return conv({ code: `(${a.code} ${op === "&&" ? "and" : "or"} ${b.code})`, lit: true }, "bool", e.ty);
        return conv({ code: `(${a.code} ${op === "&&" ? "&" : "|"} ${b.code})`, lit: false }, "bool", e.ty);
      }
      if (["<", "<=", ">", ">=", "==", "!="].includes(op)) {
        const t: Ty = e.a.ty === "float" || e.b.ty === "float" ? "float" : e.a.ty === "bool" && e.b.ty === "bool" ? "bool" : "int";
        const a = conv(exprOf(e.a, local), e.a.ty, t), b = conv(exprOf(e.b, local), e.b.ty, t);
        return conv({ code: `(${a.code} ${op} ${b.code})`, lit: a.lit && b.lit }, "bool", e.ty);
      }
      if (op === "&" || op === "|" || op === "^" || op === "<<" || op === ">>") {
        const a = conv(exprOf(e.a, local), e.a.ty, "int"), b = conv(exprOf(e.b, local), e.b.ty, "int");
        return conv({ code: `(${a.code} ${op} ${b.code})`, lit: a.lit && b.lit }, "int", e.ty);
      }
      const t: Ty = op === "/" || e.ty === "float" || e.a.ty === "float" || e.b.ty === "float" ? "float" : "int";
      const a = conv(exprOf(e.a, local), e.a.ty, t), b = conv(exprOf(e.b, local), e.b.ty, t);
      const lit = a.lit && b.lit;
      // C semantics: % truncates (torch.fmod; Python's % floors). `/` is true division.
      const code = op === "%" ? `_c_mod(${a.code}, ${b.code})` : `(${a.code} ${op} ${b.code})`;
      return conv({ code, lit }, t, e.ty);
    };
    const call = (e: Extract<Expr, { k: "call" }>, local: (n: string) => string): PV => {
      // The vocabulary's lowering (runtime/src/vocabulary.ts): math.* on plain numbers, torch.* on tensors.
      const { fn, ty } = pickVariant(MATH_SPECS[e.fn].flex, e.args.every((x) => x.ty === "int"));
      const ci = MATH_SPECS[e.fn].constInt?.index;
      const args = e.args.map((x, i) => (i === ci ? { code: constIntArg(x), lit: true } : conv(exprOf(x, local), x.ty, ty)));
      return conv({ code: fn(args), lit: args.every((a) => a.lit) }, ty, e.ty);
    };
    const em: PyEmitter = {
      expr: (e, local) => exprOf(e, local).code,
      assign: (py, e, local) => {
        const v = exprOf(e, local);
        if (v.lit) litLocals.add(py);
        return v.code;
      },
      select: (c, a, b) => `torch.where(${c}, ${a}, ${b})`,
      result: (e, local) => {
        const want: Ty = m.kind === "score" ? "float" : "bool";
        const v = conv(exprOf(e, local), e.ty, want);
        if (!v.lit) return v.code;
        return m.kind === "score" ? `torch.full_like(score, ${v.code})` : `torch.full_like(kv_idx, ${v.code}, dtype=torch.bool)`;
      },
    };
    // If conditions may be plain Python bools (all-literal): make them tensors for torch.where.
    const lowered = lowerBody(m.body, {
      ...em,
      select: (c, a, b) => `torch.where(torch.as_tensor(${c}), ${a}, ${b})`,
      enter: (cond, truth, local) => { const c = conv(exprOf(cond, local), cond.ty, "bool").code; path.push(truth ? c : `_not(${c})`); },
      leave: () => { path.pop(); },
    }, fresh);
    const usedTensors = fa.tensors.filter((t) => m.loads.some((l) => l.tensorVar === t.varName));
    const refs = bodyRefs(m.body);
    const usedScalars = fa.scalars.filter((s) => refs.scalars.has(s.name) || refs.scalars.has(s.varName));
    // Dims the body reads, and the extents of the indices it clamps.
    const extentDims = new Set([...open].flatMap(([id, ds]) => {
      const t = fa.tensors.find((x) => x.varName === m.loads.find((l) => l.id === id)?.tensorVar);
      return t ? ds.map((d) => t.shape[d]).filter((x): x is string => typeof x === "string") : [];
    }));
    const usedDims = tables.dims.filter((d) => refs.dims.has(d) || extentDims.has(d));
    const fn = pyIdent(m.name);
    const sig = m.kind === "score" ? "score, b, h, q_idx, kv_idx" : "b, h, q_idx, kv_idx";
    const checked = open.size > 0;
    const varlen = usesSeq(m.body);
    const seqParam = varlen ? ", seqlens=None" : "";
    const out = checked ? [
      `def make_${fn}(aux, B, H, Q, KV, scalars=None, check=True${seqParam}, **user_dims):`,
      `    """${m.kind === "score" ? "score_mod" : "mask_mod"} for FlexAttention: '${m.name}' (line ${m.range.start.line + 1}).`,
      `    Some of its indices are not proven in range for every size: with check=True (the default) this`,
      `    first runs check_bounds, which raises IndexError where the CUDA would read out of range."""`,
      `    if check:`,
      `        check_bounds(${pyStr(m.name)}, aux, B, H, Q, KV, scalars=scalars${varlen ? ", seqlens=seqlens" : ""}, **user_dims)`,
    ] : [
      `def make_${fn}(aux, B, H, Q, KV, scalars=None${seqParam}, **user_dims):`,
      `    """${m.kind === "score" ? "score_mod" : "mask_mod"} for FlexAttention: '${m.name}' (line ${m.range.start.line + 1})."""`,
    ];
    if (varlen) {
      out.push(`    # Varlen (docs/varlen.md): seqlens = (cu_seqlens_q, cu_seqlens_k) of B sequences padded to Q and KV`,
        `    # tokens (flex_attention's b is the sequence); None: B equal sequences. Pass TOTAL_Q / TOTAL_KV too.`,
        `    cu_q, cu_kv = _cu_seqlens(seqlens, B, Q, KV, aux)`);
    }
    if (usedDims.length) out.push(`    dims = _resolve_dims(B, H, Q, KV, user_dims)`);
    for (const d of usedDims) out.push(`    d_${pyIdent(d)} = int(_need_dim(dims, ${pyStr(d)}))`);
    if (usedScalars.length) out.push(`    values = dict(SCALARS, **(scalars or {}))`);
    for (const s of usedScalars) out.push(`    s_${pyIdent(s.name)} = ${s.dtype === "f32" ? "float" : "int"}(values[${pyStr(s.name)}])`);
    for (const t of usedTensors) out.push(`    ${tensorVar(t)} = aux[${pyStr(t.name)}]`);
    out.push("");
    out.push(`    def ${m.kind === "score" ? "score_mod" : "mask_mod"}(${sig}):`);
    if (varlen) out.push(...VARLEN_PROLOGUE.map((l) => `        ${l}`));
    for (const l of lowered.lines) out.push(`        ${l}`);
    out.push(`        return ${varlen ? (m.kind === "score" ? `torch.where(seq_valid, ${lowered.value}, -math.inf)` : `(${lowered.value}) & seq_valid`) : lowered.value}`);
    out.push("");
    out.push(`    return ${m.kind === "score" ? "score_mod" : "mask_mod"}`);
    return out;
  };

  const tensorSpec = (t: TensorFact): string => {
    const init = t.init ?? defaultInit(t.dtype);
    const dimNames = [...new Set([...t.shape.filter((d): d is string => typeof d === "string"), ...t.strides.flatMap((p) => p.flatMap((m) => m.vars))])];
    return `    {"name": ${pyStr(t.name)}, "dtype": ${pyStr(t.dtype)}, "bytes": ${t.elemBytes}, "shape": [${t.shape.map((d) => (typeof d === "number" ? String(d) : pyStr(d))).join(", ")}], `
      + `"strides": [${t.strides.map((p) => `[${p.map((m) => `(${m.c}, [${m.vars.map(pyStr).join(", ")}])`).join(", ")}]`).join(", ")}], `
      + `"dim_names": [${dimNames.map(pyStr).join(", ")}], "align": ${t.align}, "init": ${pyLiteral(init)}},`;
  };

  const base = fa.fileName.split(/[\\/]/).pop() ?? fa.fileName;
  const lines: string[] = [
    `# Generated by Score Mod Studio from ${pyStr(base)}: PyTorch FlexAttention export. Do not edit.`,
    `#`,
    `# Usage:`,
    `#   from torch.nn.attention.flex_attention import flex_attention`,
    `#   aux = make_aux(B, H, Q, KV, device="cuda", seed=0)     # aux tensors by name, as the runner fills them`,
    `#                                                          # (its sampler: ${SAMPLE_MODULE_NAME}.py beside this file)`,
    ...mods.map((m) => `#   ${m.kind === "score" ? "score_mod" : "mask_mod "} = make_${pyIdent(m.name)}(aux, B, H, Q, KV)`),
    ...masks.map((m) => `#   block_mask = make_block_mask(${pyStr(m.name)}, aux, B, H, Q, KV)  # 128x128 blocks, b/h broadcast where proven`),
    `#   out = flex_attention(q, k, v, ${mods.some((m) => m.kind === "score") ? "score_mod=score_mod" : ""}${mods.some((m) => m.kind === "score") && masks.length ? ", " : ""}${masks.length ? "block_mask=block_mask" : ""})`,
    ...(masks.length ? [`#`, `# Block sparsity the analysis proved (128x128 tiles, B${REF_SHAPE.B} H${REF_SHAPE.H} Q=KV=${REF_SHAPE.Q}, scalars at their defaults):`, ...masks.map((m) => `#   ${sparsityLine(fa, m)}`)] : []),
    `#`,
    `# Semantics match the generated CUDA: ints are int32, idiv and % truncate toward zero (C), '/' is`,
    `# true division, bf16/f16 loads are upcast to float32. if/else and ternaries evaluate both sides`,
    `# and select per element (torch.where).`,
    `# Aux indices never wrap: an index the analysis cannot prove in range for every size, ignoring the`,
    `# conditions it is under, is clamped into its extent (_ix), so a load on the side torch.where`,
    `# discards reads nothing outside its tensor, and make_<mod> first runs check_bounds, which raises`,
    `# IndexError at the first index out of range where the generated CUDA would read it (the runner's`,
    `# bounds-checked build refuses the same launch). Eager PyTorch would wrap a negative index silently.`,
    `import math`,
    ``,
    `import torch`,
    ``,
    `DIMS = [${tables.dims.map(pyStr).join(", ")}]  # SmParams.dims order`,
    `DIVISIBLE = {${Object.entries(fa.divisible).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${pyStr(k)}: ${v}`).join(", ")}}`,
    `SCALARS = {${fa.scalars.map((s) => `${pyStr(s.name)}: ${s.dtype === "f32" ? pyFloat(s.defaultValue) : String(s.defaultValue)}`).join(", ")}}`,
    `TENSORS = [  # declaration order = SmParams.aux order`,
    ...fa.tensors.map(tensorSpec),
    `]`,
    ``,
    ``,
    PY_SAMPLE_IMPORT.trimEnd(),
    ``,
    ``,
    PY_MAKE_AUX.trimEnd(),
    ``,
    ``,
    `def _trunc_div(a, b):`,
    `    """C division: truncate toward zero (Python's // floors)."""`,
    `    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):`,
    `        a = a if isinstance(a, torch.Tensor) else torch.full_like(b, a)`,
    `        if a.is_floating_point():`,
    `            return torch.trunc(a / b)`,
    `        return torch.div(a, b, rounding_mode="trunc")`,
    `    q = abs(a) // abs(b) if isinstance(a, int) and isinstance(b, int) else math.trunc(a / b)`,
    `    return q if (a >= 0) == (b >= 0) or not isinstance(q, int) else -q`,
    ``,
    ``,
    `def _c_mod(a, b):`,
    `    """C remainder: the sign of the dividend (torch.fmod; Python's % floors)."""`,
    `    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):`,
    `        a = a if isinstance(a, torch.Tensor) else torch.full_like(b, a)`,
    `        return torch.fmod(a, b)`,
    `    return math.fmod(a, b) if isinstance(a, float) or isinstance(b, float) else int(math.fmod(a, b))`,
    ``,
    ``,
    ...(mods.some((m) => usesSeq(m.body)) ? PY_CU_SEQLENS : []),
    `def _sigmoid(x):`,
    `    return 1.0 / (1.0 + math.exp(-x))`,
    ``,
    ``,
    `def _rsqrt(x):`,
    `    return 1.0 / math.sqrt(x)`,
    ``,
    ``,
    `def _powi(x, n):`,
    `    """x ** n for a plain number and a constant int n; 0 ** -n is inf, as in C."""`,
    `    x = float(x)`,
    `    if x == 0.0 and n < 0:`,
    `        return math.copysign(math.inf, x) if n % 2 else math.inf`,
    `    return x ** n`,
  ];
  if (mods.some((m) => unguardedOpenIndices(fa, m).size > 0)) lines.push("", "", ...CHECK_HELPERS);
  for (const m of mods) lines.push("", "", ...modCode(m));
  lines.push("", "", `MODS = {${mods.map((m) => `${pyStr(m.name)}: (${pyStr(m.kind)}, make_${pyIdent(m.name)})`).join(", ")}}`);
  if (masks.length) {
    // Which of b and h each mask can depend on (the analysis decides it); create_block_mask
    // broadcasts the others, evaluating one (b, h) instead of every one.
    lines.push(`MASK_DEPENDS = {${masks.map((m) => `${pyStr(m.name)}: (${dependsOn(m, "b") ? "True" : "False"}, ${dependsOn(m, "h") ? "True" : "False"})`).join(", ")}}  # (on b, on h)`);
    lines.push("", "", ...[
      `def make_block_mask(mask_name, aux, B, H, Q, KV, device="cuda", scalars=None, block_size=128, **user_dims):`,
      `    """FlexAttention BlockMask of one mask mod, 128x128 blocks by default (the runner's tiles; an int or`,
      `    (q, kv) for others, e.g. FA4's); b and h are broadcast (None) where the mask provably ignores them.`,
      `    _compile=True builds it without materialising the dense Q x KV mask."""`,
      `    from torch.nn.attention.flex_attention import create_block_mask`,
      `    mask_mod = MODS[mask_name][1](aux, B, H, Q, KV, scalars=scalars, **user_dims)`,
      `    on_b, on_h = MASK_DEPENDS[mask_name]`,
      `    return create_block_mask(mask_mod, B if on_b else None, H if on_h else None, Q, KV, device=device, BLOCK_SIZE=block_size, _compile=True)`,
    ]);
  }
  return { fileName: exportFileName(fa.fileName, "flex", modName), text: lines.join("\n") + "\n", mods: mods.map((m) => m.name), helpers: [SAMPLE_MODULE] };
}

/**
 * _ix and check_bounds: what the CUDA reads, in Python. _ix clamps (never wraps) an index; in
 * check mode it raises where the index is out of range and its load is reached (its conditions
 * hold), which is where the CUDA, which does not evaluate the other side, would read it.
 */
const CHECK_HELPERS = [
  `_CHECK = None  # while check_bounds runs: the grid it evaluates`,
  ``,
  ``,
  `def _not(c):`,
  `    return torch.logical_not(c) if isinstance(c, torch.Tensor) else not c`,
  ``,
  ``,
  `def _all(*conds):`,
  `    r = True`,
  `    for c in conds:`,
  `        r = (r & c) if isinstance(r, torch.Tensor) or isinstance(c, torch.Tensor) else (r and c)`,
  `    return r`,
  ``,
  ``,
  `def _ix(x, n, reached, where):`,
  `    """An aux index as the generated CUDA reads it: never wrapped (eager PyTorch would wrap a negative`,
  `    index), clamped into [0, n) so no path reads outside the tensor; under check_bounds, an index out`,
  `    of range where its load is reached (reached() holds) raises IndexError instead."""`,
  `    if _CHECK is not None:`,
  `        _check_index(x, n, True if reached is None else reached(), where)`,
  `    if isinstance(x, torch.Tensor):`,
  `        return x.clamp(0, n - 1)`,
  `    return min(max(x, 0), n - 1)`,
  ``,
  ``,
  `def _check_index(x, n, reached, where):`,
  `    shape = _CHECK["shape"]`,
  `    x = torch.as_tensor(x, device=_CHECK["device"]).expand(shape)`,
  `    bad = ((x < 0) | (x >= n)) & torch.as_tensor(reached, device=_CHECK["device"]).expand(shape)`,
  `    if bool(bad.any()):`,
  `        b, h, q, kv = (int(v) for v in bad.nonzero()[0])`,
  `        raise IndexError("%s: index %d not in [0, %d) at b=%d, h=%d, q=%d, kv=%d (as the runner's bounds-checked build reports)"`,
  `                         % (where, int(x[b, h, q, kv]), n, b, h, q + _CHECK["q0"], kv))`,
  ``,
  ``,
  `def check_bounds(mod_name, aux, B, H, Q, KV, scalars=None, q_chunk=None, **user_dims):`,
  `    """Evaluates the mod on every (b, h, q, kv) of the problem, with these aux tensors, and raises`,
  `    IndexError at the first aux index out of range on a path the mod takes (the CUDA would read`,
  `    outside the tensor there). Chunks of q rows bound the memory it uses."""`,
  `    global _CHECK`,
  `    kind, make = MODS[mod_name]`,
  `    mod = make(aux, B, H, Q, KV, scalars=scalars, check=False, **user_dims)`,
  `    dev = next(iter(aux.values())).device if aux else torch.device("cpu")`,
  `    ar = lambda n, v: torch.arange(n, device=dev, dtype=torch.int32).view(*v)`,
  `    b, h, kv = ar(B, (B, 1, 1, 1)), ar(H, (1, H, 1, 1)), ar(KV, (1, 1, 1, KV))`,
  `    step = q_chunk or max(1, (1 << 22) // max(1, B * H * KV))`,
  `    try:`,
  `        for q0 in range(0, Q, step):`,
  `            q = torch.arange(q0, min(Q, q0 + step), device=dev, dtype=torch.int32).view(1, 1, -1, 1)`,
  `            _CHECK = {"device": dev, "shape": (B, H, q.shape[2], KV), "q0": q0}`,
  `            if kind == "score":`,
  `                mod(torch.zeros((), device=dev), b, h, q, kv)`,
  `            else:`,
  `                mod(b, h, q, kv)`,
  `    finally:`,
  `        _CHECK = None`,
];

/** The shape the export's header states proven sparsity for (the benchmark shape). */
export const REF_SHAPE = { B: 1, H: 16, Q: 8192, KV: 8192 } as const;

/** One comment line: the sparsity the analysis proves for a mask at the benchmark shape (or that it needs data). */
export function sparsityLine(fa: FileAnalysis, m: ModFact): string {
  const scalars = Object.fromEntries(fa.scalars.map((s) => [s.name, s.defaultValue]));
  const g = classifyTiles({ mask: m }, REF_SHAPE, { q: 128, kv: 128 }, { dims: {}, scalars });
  if (g.proof === "data") return `${m.name}: reads aux data; the sparsity depends on it (the runner measures it: scoremod bench)`;
  const pct = (x: number) => `${(100 * x / g.tiles).toFixed(1)}%`;
  return `${m.name}: ${pct(g.empty)} of tiles empty, ${pct(g.full)} full, ${pct(g.partial)} partial`;
}

/** The init the runtime uses when a declaration gives none (runtime/src/sample.ts defaultInit). */
function defaultInit(dtype: TensorFact["dtype"]): unknown {
  if (DTYPE_SPECS[dtype].lane === "float") return { normal: { mean: 0, std: 1 } };
  if (dtype === "bool") return { bits: 0.5 };
  return { range: [0, 2] };
}

/** A JSON-like literal as Python (dicts, lists, numbers, strings, booleans). */
export function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === "string") return pyStr(v);
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyStr(k)}: ${pyLiteral(x)}`).join(", ")}}`;
  }
  throw new CodegenError(`cannot express ${String(v)} in Python`);
}

export function pickMods(fa: FileAnalysis, modName?: string): ModFact[] {
  const mods = modName === undefined ? fa.mods : fa.mods.filter((m) => m.name === modName);
  if (modName !== undefined && mods.length === 0) {
    throw new CodegenError(`no mod named '${modName}' (mods: ${fa.mods.map((m) => m.name).join(", ") || "none"})`);
  }
  for (const m of mods) {
    const blocked = blockedMessage(m, fa.fileName.split(/[\\/]/).pop() ?? fa.fileName);
    if (blocked) throw new CodegenError(blocked);
  }
  return mods;
}

/** SeqInfo's fields in the Flex export's mods (VARLEN_PROLOGUE binds them). */
const FLEX_SEQ: Record<SeqRole, string> = { offsetQ: "seq_offset_q", offsetKv: "seq_offset_kv", lenQ: "seq_len_q", lenKv: "seq_len_kv" };

/**
 * The first lines of a varlen mod for Flex (padded batch: b is the sequence): its SeqInfo from
 * cu_seqlens, and its positions past the sequence's end clamped to the last token, as the runner's
 * kernels clamp tail positions, so every index stays where the analysis bounds it; those positions
 * are masked (-inf) on return (seq_valid).
 */
const VARLEN_PROLOGUE = [
  `seq_offset_q, seq_offset_kv = cu_q[b], cu_kv[b]`,
  `seq_len_q, seq_len_kv = cu_q[b + 1] - seq_offset_q, cu_kv[b + 1] - seq_offset_kv`,
  `seq_valid = (q_idx < seq_len_q) & (kv_idx < seq_len_kv)`,
  `q_idx = torch.minimum(q_idx, seq_len_q - 1)`,
  `kv_idx = torch.minimum(kv_idx, seq_len_kv - 1)`,
];

const PY_CU_SEQLENS = [
  `def _cu_seqlens(seqlens, B, Q, KV, aux):`,
  `    """(cu_seqlens_q, cu_seqlens_k) as int32 on the aux tensors' device: the given ones (B sequences,`,
  `    each at most Q and KV tokens), else those of B equal sequences of Q and KV tokens."""`,
  `    dev = next(iter(aux.values())).device if aux else torch.device("cuda" if torch.cuda.is_available() else "cpu")`,
  `    if seqlens is None:`,
  `        ar = torch.arange(B + 1, dtype=torch.int32, device=dev)`,
  `        return ar * Q, ar * KV`,
  `    cq, ck = (torch.as_tensor(c, dtype=torch.int32, device=dev) for c in seqlens)`,
  `    lq, lk = cq[1:] - cq[:-1], ck[1:] - ck[:-1]`,
  `    if cq.numel() != B + 1 or ck.numel() != B + 1 or int(cq[0]) != 0 or int(ck[0]) != 0:`,
  `        raise ValueError("seqlens: cu_seqlens_q and cu_seqlens_k need B + 1 = %d entries from 0" % (B + 1))`,
  `    if int(lq.min()) < 1 or int(lk.min()) < 1 or int(lq.max()) > Q or int(lk.max()) > KV:`,
  `        raise ValueError("seqlens: every length must be in [1, Q = %d] (queries) and [1, KV = %d] (keys)" % (Q, KV))`,
  `    return cq, ck`,
  ``,
  ``,
];
