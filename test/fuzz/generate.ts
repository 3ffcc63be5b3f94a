// Seeded generators of score_mod files for fuzzing the analysis: random well-formed-ish mods
// from a small grammar, and mutations (truncation, deletion, insertion of hostile tokens, line
// swaps, random bytes) of seed files. Deterministic for a given seed.

import { MATH_FN_NAMES } from "../../runtime/src/vocabulary";

/** mulberry32: small, fast, good enough for test-case generation. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Gen {
  constructor(readonly rnd: () => number) {}
  int(n: number): number { return Math.floor(this.rnd() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  chance(p: number): boolean { return this.rnd() < p; }
}

const HEADER = `import { tensor, scalar, dim, scoreMod, maskMod, bf16, f16, f32, i32, u8, u32, bool,
  ${MATH_FN_NAMES.join(", ")} } from "scoremod";
`;

const TENSORS = [
  `export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });`,
  `export const full = tensor("full", f16, ["B", "H", "Q", "KV"], { align: 8 });`,
  `export const ids = tensor("ids", i32, ["B", "KV"], { init: { segments: 4 } });`,
  `export const table = tensor("table", f32, ["H", 257], { strides: [257, 1] });`,
  `export const bits = tensor("bits", u32, ["B", "Q", "W"], { leadingDim: 1 });`,
  `export const keep = tensor("keep", bool, ["KV"]);`,
  `export const cap = scalar("cap", f32, 30);`,
  `export const win = scalar("win", i32, 256);`,
  `const W = 128;`,
];

const INT_LEAVES = ["b", "h", "q", "kv", "W", "0", "1", "2", "3", "8", "-1", "dim(\"KV\")", "win.value", "ids.at(b, kv)", "ids.at(b, q)"];
const FLOAT_LEAVES = ["s", "0.5", "1e3", "cap.value", "kvBias.at(b, h, kv)", "full.at(b, h, q, kv)", "table.at(h, kv - q + 128)", "-Infinity"];
const BOOL_LEAVES = ["true", "false", "keep.at(kv)", "q >= kv"];
const OPS = ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "===", "!==", "&&", "||", "&", "|", "^", "<<", ">>", "**", "??", ","];
const FNS = [...MATH_FN_NAMES, "Math.exp", "foo", "dim"];

/** A random expression over the DSL (and some things outside it). */
export function expr(g: Gen, depth: number): string {
  if (depth <= 0 || g.chance(0.25)) return g.pick(g.pick([INT_LEAVES, FLOAT_LEAVES, BOOL_LEAVES, INT_LEAVES]));
  switch (g.int(7)) {
    case 0: case 1: return `${expr(g, depth - 1)} ${g.pick(OPS)} ${expr(g, depth - 1)}`;
    case 2: return `(${expr(g, depth - 1)})`;
    case 3: return `${g.pick(["-", "!", "~", "+"])}${expr(g, depth - 1)}`;
    case 4: return `${expr(g, depth - 1)} ? ${expr(g, depth - 1)} : ${expr(g, depth - 1)}`;
    case 5: {
      const f = g.pick(FNS);
      const n = g.int(3) + 1;
      return `${f}(${Array.from({ length: n }, () => expr(g, depth - 1)).join(", ")})`;
    }
    default: {
      const t = g.pick(["kvBias", "full", "ids", "table", "bits", "keep", "cap", "nope"]);
      const n = g.int(5);
      return `${t}.at(${Array.from({ length: n }, () => expr(g, depth - 1)).join(", ")})`;
    }
  }
}

function stmts(g: Gen, depth: number, locals: string[]): string {
  const out: string[] = [];
  const n = g.int(4);
  for (let i = 0; i < n; i++) {
    switch (g.int(6)) {
      case 0: case 1: {
        const name = `v${locals.length}`;
        out.push(`${g.chance(0.9) ? "const" : "let"} ${name} = ${expr(g, 3)};`);
        locals.push(name);
        break;
      }
      case 2:
        if (depth > 0) out.push(`if (${expr(g, 2)}) { ${stmts(g, depth - 1, [...locals])} }${g.chance(0.6) ? ` else { ${stmts(g, depth - 1, [...locals])} }` : ""}`);
        break;
      case 3: out.push(`return ${expr(g, 3)};`); break;
      case 4: out.push(g.pick(["for (let i = 0; i < 4; i++) {}", "s = 1;", "kv++;", ";", "{ }", "while (false) {}", "function f() {}", "throw 1;"])); break;
      default: if (locals.length) out.push(`return ${g.pick(locals)} ${g.pick(OPS)} ${expr(g, 2)};`);
    }
  }
  if (g.chance(0.8)) out.push(`return ${expr(g, 3)};`);
  return out.join("\n  ");
}

/** A whole file: the header, some declarations, 1-4 mods with random bodies. */
export function generatedFile(g: Gen): string {
  const parts = [HEADER, ...TENSORS.filter(() => g.chance(0.8))];
  const n = g.int(4) + 1;
  for (let i = 0; i < n; i++) {
    const mask = g.chance(0.35);
    const params = mask ? "(b, h, q, kv)" : g.pick(["(s, b, h, q, kv)", "(s)", "(s, b, h, q, kv, extra)", "({ s })", "(s = 1)"]);
    const opts = g.chance(0.5) ? `{ vecSize: ${g.pick(["1", "2", "4", "8", "16", "128", "256", "3", "0", "2.5", "W", "x", "-8"])} }, ` : "";
    const body = g.chance(0.5) ? expr(g, 4) : `{\n  ${stmts(g, 2, [])}\n}`;
    parts.push(`export const m${i} = ${mask ? "maskMod" : "scoreMod"}(${opts}${params} => ${body});`);
  }
  return parts.join("\n") + "\n";
}

const HOSTILE = [
  "(", ")", "{", "}", "[", "]", "=>", ".at(", ",", ";", "kv", "/", "%", "\"", "'", "`", "${", "/*", "*/", "//", "\n",
  "let ", "for (;;) ", "return ", "if (", "?", ":", "0x", "1e999", "\u0000", "\uFFFD", "🙂", "<T>", "@dec ", "class X {}",
  "enum E { A }", "declare ", "export default ", "import ", "from \"scoremod\"", "scoreMod(", "maskMod(", "tensor(", "dim(",
  "async ", "function* ", "yield ", "await ", "new ", "this", "super", "typeof ", "as const", "satisfies any", "!", "?.",
  "...", "#priv", "\\u{1F600}", "0n", "9007199254740993", "/re/g", "<div>", "\r\n", "\t", "\u2028", "namespace N {}",
];

/** A random edit of a seed file. */
export function mutate(g: Gen, src: string): string {
  let s = src;
  const edits = g.int(4) + 1;
  for (let i = 0; i < edits; i++) {
    const at = g.int(s.length + 1);
    switch (g.int(7)) {
      case 0: s = s.slice(0, at); break; // truncation
      case 1: s = s.slice(0, at) + s.slice(Math.min(s.length, at + g.int(40) + 1)); break; // deletion
      case 2: s = s.slice(0, at) + g.pick(HOSTILE) + s.slice(at); break; // insertion
      case 3: { // duplicate a span
        const len = g.int(80);
        s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
        break;
      }
      case 4: { // swap two lines
        const lines = s.split("\n");
        const a = g.int(lines.length), b = g.int(lines.length);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        s = lines.join("\n");
        break;
      }
      case 5: { // random characters
        let junk = "";
        for (let k = g.int(8) + 1; k > 0; k--) junk += String.fromCharCode(g.int(0x3000));
        s = s.slice(0, at) + junk + s.slice(at);
        break;
      }
      default: { // replace a word with another word of the file
        const words = s.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
        if (words.length) s = s.replace(g.pick(words), g.pick(words));
      }
    }
  }
  return s;
}

/** Deep or long constructs around the analysis's limits (limits.ts: depth 200). */
export function deepFile(g: Gen): string {
  const n = 150 + g.int(120);
  const body = g.pick([
    () => `${"(".repeat(n)}s${")".repeat(n)}`,
    () => `s${" + kv".repeat(n)}`,
    () => `${"q > kv ? s : ".repeat(n)}s`,
    () => `${"-".repeat(n)}s`,
    () => `${"min(".repeat(n)}s${", 1)".repeat(n)}`,
  ])();
  return `${HEADER}export const m = scoreMod((s, b, h, q, kv) => ${body});\n`;
}

/** A size in [lo, hi], skewed small (r^2): most hostile cases are mild, the largest explode. */
function skewed(g: Gen, lo: number, hi: number): number { const r = g.rnd(); return lo + Math.floor(r * r * (hi - lo + 1)); }

/**
 * Type-level programming of random size (issue 14, item 1): recursive conditional and mapped
 * types, distributive cross products, template-literal products, tuple builders. Small ones check
 * in milliseconds; the largest make TypeScript's checker run for minutes and grow without bound,
 * which the analysis must stop at its budget (SM151). Only for an analysis under a budget.
 */
export function typeLevelFile(g: Gen): string {
  const n = skewed(g, 2, 10);
  const members = Array.from({ length: n }, (_, i) => i);
  const union = members.join(" | ");
  const decl = g.pick([
    () => `type P<T, U = T> = [T] extends [never] ? [] : U extends any ? [U, ...P<Exclude<T, U>>] : never;\nconst order: P<${union}> = [${members.join(", ")}];`,
    () => { const k = skewed(g, 1, 6); return `type Cross<A, B> = A extends any ? B extends any ? [A, B] : never : never;\ntype D = ${union};\ntype V = ${"Cross<D, ".repeat(k)}D${">".repeat(k)};\nconst v: V = null!;`; },
    () => `type Tup<N extends number, A extends unknown[] = []> = A["length"] extends N ? A : Tup<N, [...A, 0]>;\ntype V = Tup<${skewed(g, 1, 3000)}>;\nconst v: V["length"] = 0;`,
    () => `type Deep<T, N extends unknown[]> = N extends [unknown, ...infer R] ? { [K in keyof T]: Deep<{ a: T[K]; b: [T[K], K] }, R> } : T;\nconst v: Deep<{ x: ${union}; y: 2 }, [${Array.from({ length: skewed(g, 1, 40) }, () => "0").join(", ")}]> = null!;\nconst w = v.x.a.b;`,
    () => `type D = ${union};\ntype V = \`${Array.from({ length: skewed(g, 1, 7) }, () => "${D}").join("")}\`;\nconst v: V = "${members[0]}";`,
    () => `type Keys<T> = { [K in keyof T as T[K] extends object ? K : never]: Keys<T[K]> };\ntype Tree<N extends unknown[]> = N extends [unknown, ...infer R] ? { l: Tree<R>; r: Tree<R>; v: ${union} } : ${union};\nconst t: Keys<Tree<[${Array.from({ length: skewed(g, 1, 30) }, () => "0").join(", ")}]>> = null!;`,
  ])();
  const mod = g.chance(0.5) ? "export const m = scoreMod((s, b, h, q, kv) => s);" : "export const m = scoreMod((s, b, h, q, kv) => s + kvBias.at(b, h, kv));";
  return `${HEADER}${TENSORS[0]}\n${g.chance(0.5) ? `${decl}\n${mod}` : `${mod}\n${decl}`}\n`;
}

/**
 * Nested `async (` in its forms TypeScript's parser backtracks on exponentially (issue 14, item
 * 2): unclosed, closed, with default values, with several parameters; at the top level or in a
 * mod body. Up to ~30 levels: the largest take the parser hours. Only for an analysis under a budget.
 */
export function backtrackFile(g: Gen): string {
  const n = skewed(g, 3, 30);
  const body = g.pick([
    () => `${"async(".repeat(n)}s`,
    () => `${"async (".repeat(n)}s${")".repeat(n)}`,
    () => `${"async (a = ".repeat(n)}s${")".repeat(g.int(n + 1))}`,
    () => `${"async (a, b = ".repeat(n)}s`,
    () => Array.from({ length: n }, () => g.pick(["async (", "async(", "(async (", "async (x, "])).join("") + "s",
  ])();
  return g.chance(0.5)
    ? `${HEADER}export const m = scoreMod((s, b, h, q, kv) => s);\nconst p = ${body}\n`
    : `${HEADER}export const m = scoreMod((s, b, h, q, kv) => ${body});\n`;
}

/** What made a case: the ordinary generators, or the hostile ones (which may overrun a budget). */
export interface FuzzCase { text: string; hostile: boolean }

/**
 * The i-th case of a run: a generated file, a mutated seed, a mutated generated file, or (rarely) a
 * deep one. With `hostile` (an analysis under a budget), 2% are type-level or backtracking bombs.
 */
export function fuzzCaseOf(seed: number, i: number, seeds: readonly string[], hostile = false): FuzzCase {
  const g = new Gen(prng((seed * 0x9e3779b1 + i) >>> 0));
  if (g.chance(0.02)) return { text: deepFile(g), hostile: false };
  if (hostile) {
    // Its own stream, so the ordinary cases of a seed are the same with or without hostile ones.
    const gh = new Gen(prng((Math.imul(seed ^ 0x5bd1e995, 0x85ebca6b) + i) >>> 0));
    if (gh.chance(0.02)) return { text: gh.chance(0.5) ? typeLevelFile(gh) : backtrackFile(gh), hostile: true };
  }
  switch (g.int(3)) {
    case 0: return { text: generatedFile(g), hostile: false };
    case 1: return { text: seeds.length ? mutate(g, g.pick(seeds)) : generatedFile(g), hostile: false };
    default: return { text: mutate(g, generatedFile(g)), hostile: false };
  }
}

/** The text of fuzzCaseOf's case. */
export function fuzzCase(seed: number, i: number, seeds: readonly string[], hostile = false): string {
  return fuzzCaseOf(seed, i, seeds, hostile).text;
}
