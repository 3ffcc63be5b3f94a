// The GPU suite's varlen part (docs/varlen.md): the varlen example run packed from cu_seqlens,
// checked three ways (vectorized == scalar bitwise, fp32 reference kernel, float64 JS reference
// per sequence) and dumped for the Flex cross-check (flex_check.py pads it back per sequence);
// the equal-length lowering; a V-lane run on lengths that are not multiples of V is refused
// before launch; and the block map skips the tiles between two sequences.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatBench } from "../../server/src/runner/format";
import type { RunnerSupervisor } from "../../server/src/runner/supervisor";
import { RunnerError, type BenchJob, type BenchResult } from "../../server/src/runner/types";

const root = resolve(__dirname, "..");
const FILE = join(root, "examples", "varlen_document.scoremod.ts");
/** Unequal lengths, multiples of 8 (so V up to 8 runs), the longest 200. */
export const VARLEN_SMALL = [64, 200, 136, 96];

function job(lengths: number[] | null, extra: Partial<BenchJob> = {}): BenchJob {
  const shape = lengths
    ? { B: lengths.length, H: 4, Hkv: 2, Q: Math.max(...lengths), KV: Math.max(...lengths), D: 64 }
    : { B: 2, H: 4, Hkv: 2, Q: 256, KV: 256, D: 64 };
  return {
    fileName: FILE, text: readFileSync(FILE, "utf8"), mod: "tokenBias", pair: "docCausal", shape,
    ...(lengths ? { seqlens: { q: lengths, kv: lengths } } : {}), ...extra,
  };
}

const summary = (r: BenchResult) => r.checks.map((x) => `${x.name} ${x.skipped ? `skipped (${x.skipped})` : x.ok ? "ok" : `FAILED (${x.detail})`}${x.relL2 !== undefined ? ` relL2 ${x.relL2.toExponential(1)}` : ""}`).join("; ");
const THREE = ["vec-vs-scalar", "reference-kernel", "js-reference"];

export async function varlenChecks(sup: RunnerSupervisor, out: string, result: (name: string, ok: boolean, detail: string) => void, say: (s: string) => void): Promise<BenchResult[]> {
  const runs: BenchResult[] = [];
  const three = async (name: string, j: BenchJob, needVec: boolean): Promise<void> => {
    try {
      const r = await sup.bench(j);
      runs.push(r);
      const missing = THREE.filter((n) => !r.checks.some((x) => x.name === n && (x.skipped === undefined || (!needVec && n === "vec-vs-scalar"))));
      result(name, r.ok && missing.length === 0, `${missing.length ? `missing: ${missing.join(", ")}; ` : ""}${summary(r)}`);
      if (!r.ok) say(formatBench(r));
    } catch (e) {
      result(name, false, e instanceof Error ? e.message : String(e));
    }
  };
  // Packed, unequal lengths: three checks, bounds build, dumped for the Flex cross-check.
  await three("check varlen-document small (packed, lengths 64,200,136,96)",
    job(VARLEN_SMALL, { checks: { jsReference: true, bounds: true }, dumpDir: join(out, "cases", "varlen-document.small") }), true);
  // V = 8 on the key bias (contiguous, scalar loads: the sequence offsets are not proven aligned)
  // and V = 2 on the mask: bitwise against V = 1.
  await three("check varlen-document small V=8 (packed)", job(VARLEN_SMALL, { vec: 8, checks: { jsReference: true } }), true);
  // The equal-length lowering (seq.offsetQ = b * Q, no wrapper).
  await three("check varlen-document small (equal lengths, no seqlens)", job(null, { checks: { jsReference: true, bounds: true } }), true);
  // A V-lane chunk may not straddle two sequences: odd key counts with the mask at V = 2 are refused.
  try {
    await sup.bench(job([65, 200, 137], { checks: { jsReference: false } }));
    result("varlen: a V = 2 run on odd lengths is refused before launch", false, "no error: it ran");
  } catch (e) {
    const ok = e instanceof RunnerError && e.info.kind === "refused" && /every sequence's key count % 2 == 0/.test(e.message) && /sequence 0 has 65 keys/.test(e.message);
    result("varlen: a V = 2 run on odd lengths is refused before launch", ok, e instanceof Error ? e.message : String(e));
  }
  // Many sequences: the pre-pass finds the empty tiles between sequences; the reference kernel,
  // which ignores the map, agrees.
  try {
    const many = [256, 512, 128, 384, 256, 512];
    const r = await sup.bench({ ...job(many, { checks: { jsReference: false } }), shape: { B: many.length, H: 2, Q: 512, KV: 512, D: 64 } });
    runs.push(r);
    const bs = r.blockSparsity;
    result("check varlen block map (6 sequences packed)", r.ok && bs !== undefined && bs.empty > 0 && bs.proof === "data", `${bs ? `${bs.empty}/${bs.tiles} empty, ${bs.full} full, ${bs.proof}` : "no block map"}; ${summary(r)}`);
  } catch (e) {
    result("check varlen block map (6 sequences packed)", false, e instanceof Error ? e.message : String(e));
  }
  return runs;
}
