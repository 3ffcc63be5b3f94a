// Writes every example mod's inputs and float64 reference outputs for compare.py, which runs the
// same problems through PyTorch's FlexAttention (needs torch; run it where torch is installed).
//   npx esbuild test/unit/examples/flex/dump.ts --bundle --platform=node \
//     --outfile=/tmp/flexdump.js && node /tmp/flexdump.js OUTDIR
//   python3 test/unit/examples/flex/compare.py OUTDIR
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as alibi from "../../../../examples/alibi.scoremod";
import * as causal from "../../../../examples/causal.scoremod";
import * as documentMask from "../../../../examples/document_mask.scoremod";
import * as fullBias from "../../../../examples/full_bias.scoremod";
import * as kvBias from "../../../../examples/kv_bias.scoremod";
import * as prefixLm from "../../../../examples/prefix_lm.scoremod";
import * as relativePosition from "../../../../examples/relative_position.scoremod";
import * as slidingWindow from "../../../../examples/sliding_window.scoremod";
import * as softcap from "../../../../examples/softcap.scoremod";
import { maskMod, type MaskMod, type ScoreMod } from "../../../../runtime/src/dsl";
import { exportedTensors } from "../../../../runtime/src/load";
import { referenceAttention } from "../../../../runtime/src/reference";
import { randomQKV, resolveDims, sampleBindings, toLogical } from "../../../../runtime/src/sample";

interface Case {
  name: string;
  module: Record<string, unknown>;
  scoreMod?: ScoreMod;
  maskMod?: MaskMod;
  scalars?: Record<string, number>;
}

// A mask that leaves rows 0 and 1 with nothing: FlexAttention's fully-masked-row behaviour.
const emptyRows = maskMod((b, h, q, kv) => q >= kv + 2);

const cases: Case[] = [
  { name: "kv_bias", module: kvBias, scoreMod: kvBias.kvBiasMod },
  { name: "full_bias", module: fullBias, scoreMod: fullBias.fullBias },
  { name: "alibi", module: alibi, scoreMod: alibi.alibi },
  { name: "softcap", module: softcap, scoreMod: softcap.softcap, maskMod: softcap.causal, scalars: { softcap: 2 } },
  { name: "relative_position", module: relativePosition, scoreMod: relativePosition.relativePosition },
  { name: "document_mask", module: documentMask, maskMod: documentMask.documentMask },
  { name: "sliding_window", module: slidingWindow, maskMod: slidingWindow.slidingWindow, scalars: { window: 40 } },
  { name: "prefix_lm", module: prefixLm, maskMod: prefixLm.prefixLm },
  { name: "causal", module: causal, maskMod: causal.causalMask },
  { name: "empty_rows", module: kvBias, scoreMod: kvBias.kvBiasMod, maskMod: emptyRows },
];

const out = process.argv[2];
if (!out) {
  console.error("usage: node flexdump.js OUTDIR");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const write = (file: string, a: Float64Array): string => {
  writeFileSync(join(out, file), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return file;
};

const problem = { B: 2, H: 4, Hkv: 2, Q: 320, KV: 320, D: 16 };
const manifest = cases.map((c, i) => {
  const tensors = exportedTensors(c.module);
  const dims = resolveDims(tensors, { B: problem.B, H: problem.H, Q: problem.Q, KV: problem.KV });
  const bindings = sampleBindings(tensors, dims, 10 + i, c.scalars ?? {});
  const { q, k, v } = randomQKV(problem, 20 + i);
  const scale = 0.7 / Math.sqrt(problem.D);
  const r = referenceAttention({ ...problem, q: q.values, k: k.values, v: v.values, scale, scoreMod: c.scoreMod, maskMod: c.maskMod, bindings });
  return {
    name: c.name, ...problem, scale, scalars: c.scalars ?? {},
    tensors: Object.fromEntries(Object.values(bindings.tensors).map((t) => [t.name, { shape: t.shape, file: write(`${c.name}.${t.name}.bin`, toLogical(t)) }])),
    q: write(`${c.name}.q.bin`, q.values), k: write(`${c.name}.k.bin`, k.values), v: write(`${c.name}.v.bin`, v.values),
    out: write(`${c.name}.out.bin`, r.out), lse: write(`${c.name}.lse.bin`, r.lse),
  };
});
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 1));
console.log(`flexdump: ${manifest.length} cases in ${out}`);
