// How user names become identifiers in generated code: one place, so the analysis can refuse a
// file whose names would collide there (SM127) before any generator runs. Mod names keep their
// spelling where they can (readable exports); a collision between two of them, or with a name the
// exports define themselves, is a located error. Locals are lowered injectively by construction.
import { SM } from "./codes";
import type { Diagnostic, ModFact, ScalarFact } from "./facts";

/** A C identifier fragment from a user name: every character C does not allow becomes `_`. */
export function cIdent(s: string): string { return s.replace(/[^A-Za-z0-9_]/g, "_"); }

const PY_KEYWORDS = new Set(["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
  "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
  "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "match", "case", "torch", "math",
  "cute", "cutlass", "operator"]);

/** A Python identifier for a user name (TS identifiers are mostly valid Python; keywords get a `_`). */
export function pyIdent(s: string): string {
  let out = s.replace(/[^A-Za-z0-9_]/g, "_");
  if (/^[0-9]/.test(out)) out = "_" + out;
  return PY_KEYWORDS.has(out) ? out + "_" : out;
}

/**
 * The C name of a mod body's local: `v_<name>` for plain ASCII names, `t<n>_<name>` for the
 * analysis's renamed `<name>.<n>`, `w_<code points in hex>` for any other. Injective: the three
 * prefixes never meet, and each form decodes uniquely.
 */
export function localIdent(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `v_${name}`;
  // `acc.3`: a name the analysis made (a let's later version, an inlined helper's or an unrolled
  // iteration's local): `t3_acc`, decoded by the digits up to the first `_`.
  const made = /^([A-Za-z_][A-Za-z0-9_]*)\.(\d+)$/.exec(name);
  if (made) return `t${made[2]}_${made[1]}`;
  return `w_${[...name].map((c) => c.codePointAt(0)!.toString(16)).join("_")}`;
}

/** Names the Python exports define at top level for themselves (a mod may not take them). */
const EXPORT_NAMES = new Set([
  "DIMS", "DIVISIBLE", "MASK_DEPENDS", "MODS", "SCALARS", "TENSORS", "_M32", "_TORCH_DTYPE",
  "_abs_f", "_abs_i", "_c_fmod", "_c_mod", "_cu_seqlens", "_eval_poly", "_hash_string", "_logical_values", "_max", "_min", "_normals",
  "_pack_keep", "_powi", "_resolve_dims", "_round_float", "_rsqrt", "_sat_i32", "_sigmoid", "_store", "_stream_seed", "_trunc_div", "_trunc_f", "_uniforms",
  "block_sparse_tensors", "fa4_sparse_block_size", "fa_utils", "mlir_math", "aux", "block_mask",
]);
/** The Flex export's `make_<mod>` names that are its own helpers. */
const FLEX_MAKERS = new Set(["aux", "block_mask"]);

/** SM127 for mods whose names collide in generated CUDA or Python. */
export function nameCollisions(mods: readonly ModFact[], scalars: readonly ScalarFact[] = []): Diagnostic[] {
  const scalarConsts = new Set(scalars.map((s) => `S_${pyIdent(s.name)}`));  // the FA4 export's baked scalars
  const out: Diagnostic[] = [];
  const seenC = new Map<string, string>(), seenPy = new Map<string, string>();
  for (const m of mods) {
    const c = cIdent(m.name), py = pyIdent(m.name);
    const other = seenC.get(c) ?? seenPy.get(py);
    if (other !== undefined && other !== m.name) {
      out.push({ range: m.nameRange, severity: "error", code: SM.nameCollision, message: `mods '${other}' and '${m.name}' both become '${seenC.get(c) === other ? c : py}' in generated ${seenC.get(c) === other ? "CUDA" : "Python"}: rename one (generated names keep only A-Z, a-z, 0-9 and _)` });
      continue;
    }
    if (EXPORT_NAMES.has(py) || FLEX_MAKERS.has(py) || scalarConsts.has(py)) {
      out.push({ range: m.nameRange, severity: "error", code: SM.nameCollision, message: `a mod named '${m.name}' would replace the exports' own '${FLEX_MAKERS.has(py) ? `make_${py}` : py}': rename the mod` });
      continue;
    }
    seenC.set(c, m.name);
    seenPy.set(py, m.name);
  }
  return out;
}
