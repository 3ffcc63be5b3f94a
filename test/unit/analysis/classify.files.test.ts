// Real files through analyze(): each trap fixture states its verdict in `// EXPECT:` header
// lines, and the examples' verdicts are tabled here. This ties the frontend's extraction and
// the classifier together on the files users see.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FileAnalysis, LoadFact } from "../../../server/src/analysis/facts";
import { analyze } from "../../../server/src/analysis/index";
import { TARGETS, type TargetId } from "../../../server/src/analysis/targets";

const ROOT = join(__dirname, "..", "..", "..");
const TRAPS = join(ROOT, "test", "fixtures", "traps");
const EXAMPLES = join(ROOT, "examples");

interface Verdict { load: string; class: LoadFact["class"]; widthElems: number; loadsPerVec: number }
interface Expectation extends Verdict { target: TargetId; vecSize: number }

const EXPECT_RE = /^\/\/ EXPECT: target=(\S+) vecSize=(\d+) load=(.+?) class=(\S+) widthElems=(\d+) loadsPerVec=(\d+)\s*$/;

function expectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  for (const line of text.split("\n")) {
    const m = EXPECT_RE.exec(line);
    if (!m) continue;
    out.push({
      target: m[1] as TargetId, vecSize: Number(m[2]), load: m[3], class: m[4] as LoadFact["class"],
      widthElems: Number(m[5]), loadsPerVec: Number(m[6]),
    });
  }
  return out;
}

/** The first load with this text (in `mod` when given: a mod that calls another has its loads too). */
function findLoad(a: FileAnalysis, text: string, mod?: string): LoadFact | undefined {
  return a.mods.filter((m) => mod === undefined || m.name === mod).flatMap((m) => m.loads).find((l) => l.text === text);
}

function verdict(l: LoadFact | undefined): Verdict | undefined {
  return l && { load: l.text, class: l.class, widthElems: l.widthElems, loadsPerVec: l.loadsPerVec };
}

const trapFiles = readdirSync(TRAPS).filter((f) => f.endsWith(".scoremod.ts")).sort();

describe("trap fixtures: header verdicts", () => {
  it("there are trap fixtures, each with at least one EXPECT line", () => {
    expect(trapFiles.length).toBeGreaterThanOrEqual(10);
    for (const f of trapFiles) expect(expectations(readFileSync(join(TRAPS, f), "utf8")).length, f).toBeGreaterThan(0);
  });
  it.each(trapFiles)("%s", (f) => {
    const text = readFileSync(join(TRAPS, f), "utf8");
    for (const e of expectations(text)) {
      const a = analyze(join(TRAPS, f), text, { target: e.target, vecSize: e.vecSize });
      expect(a.diagnostics.filter((d) => d.severity === "error"), f).toEqual([]);
      const { target: _t, vecSize: _v, ...want } = e;
      expect(verdict(findLoad(a, e.load)), `${f}: ${e.load}`).toEqual(want);
      const l = findLoad(a, e.load) as LoadFact;
      // A contiguous load narrower than V lanes or the target's widest load (in bytes: 8 lanes of
      // i64 fill two 32-byte loads) says why; a gather always does.
      const elemBytes = l.widthBytes / l.widthElems;
      const narrow = l.widthBytes < Math.min(e.vecSize * elemBytes, TARGETS[e.target].maxLoadBytes, 8 * elemBytes);
      if (l.class === "gather" || (l.class === "contiguous" && narrow)) expect(l.why, `${f}: ${e.load}`).toBeTruthy();
    }
  });
});

/** Verdicts for the shipped examples at their own vecSize on fa4-sm100. */
const EXAMPLE_VERDICTS: Record<string, Verdict[]> = {
  "kv_bias.scoremod.ts": [{ load: "kvBias.at(b, h, kv)", class: "contiguous", widthElems: 8, loadsPerVec: 1 }],
  "full_bias.scoremod.ts": [{ load: "bias.at(b, h, q, kv)", class: "contiguous", widthElems: 8, loadsPerVec: 1 }],
  "alibi.scoremod.ts": [{ load: "slopes.at(h)", class: "uniform", widthElems: 1, loadsPerVec: 1 }],
  "document_mask.scoremod.ts": [
    { load: "docId.at(b, q)", class: "uniform", widthElems: 1, loadsPerVec: 1 },
    { load: "docId.at(b, kv)", class: "contiguous", widthElems: 1, loadsPerVec: 1 },
  ],
  "prefix_lm.scoremod.ts": [{ load: "prefixLen.at(b)", class: "uniform", widthElems: 1, loadsPerVec: 1 }],
  "relative_position.scoremod.ts": [{ load: "relTable.at(h, dist + 128)", class: "gather", widthElems: 1, loadsPerVec: 1 }],
  "causal.scoremod.ts": [],
  "sliding_window.scoremod.ts": [],
  "softcap.scoremod.ts": [],
  "gated_decay.scoremod.ts": [{ load: "gate.at(h)", class: "uniform", widthElems: 1, loadsPerVec: 1 }],
  // i64 node ids: 16-byte alignment gives two-element (16 B) vector loads, two per 4 lanes.
  "graph_distance.scoremod.ts": [
    { load: "hops.at(b, node.at(b, q), node.at(b, kv))", class: "gather", widthElems: 1, loadsPerVec: 4 },
    { load: "node.at(b, q)", class: "uniform", widthElems: 1, loadsPerVec: 1 },
    { load: "node.at(b, kv)", class: "contiguous", widthElems: 2, loadsPerVec: 2 },
    { load: "hopBias.at(h, clamp(d, 0, 15))", class: "gather", widthElems: 1, loadsPerVec: 4 },
  ],
  // Varlen: the query's packed row is uniform; the key's is contiguous but scalar, since a
  // sequence may start at any token (seq.offsetKv has no known alignment).
  "varlen_document.scoremod.ts": [
    { load: "queryTemp.at(h, q + seq.offsetQ)", class: "uniform", widthElems: 1, loadsPerVec: 1 },
    { load: "keyBias.at(h, kv + seq.offsetKv)", class: "contiguous", widthElems: 1, loadsPerVec: 1 },
  ],
  // Issue 10 (composition): sameDocument's two loads, and again in documentCausal, which inlines
  // it first in andMasks (unconditional), with the same classes as document_mask's.
  "composed_mask.scoremod.ts": [
    { load: "docId.at(b, q)", class: "uniform", widthElems: 1, loadsPerVec: 1 },
    { load: "docId.at(b, kv)", class: "contiguous", widthElems: 1, loadsPerVec: 1 },
    { load: "docId.at(b, q)", class: "uniform", widthElems: 1, loadsPerVec: 1 },
    { load: "docId.at(b, kv)", class: "contiguous", widthElems: 1, loadsPerVec: 1 },
  ],
  // Issue 10 (loops): one uniform and one 8-wide contiguous load per unrolled iteration (R = 4);
  // the top-k list's loads do not depend on kv (uniform, in range though under `||=`), K = 8.
  "low_rank_bias.scoremod.ts": [
    ...Array.from({ length: 4 }, () => [
      { load: "headFeat.at(b, h, r)", class: "uniform" as const, widthElems: 1, loadsPerVec: 1 },
      { load: "keyFeat.at(b, r, kv)", class: "contiguous" as const, widthElems: 8, loadsPerVec: 1 },
    ]).flat(),
    ...Array.from({ length: 8 }, () => ({ load: "topk.at(b, q, i)", class: "uniform" as const, widthElems: 1, loadsPerVec: 1 })),
  ],
  // Runs of 32 lanes share a word: 64 lanes read 2 consecutive words in one 8-byte load.
  "packed_mask.scoremod.ts": [{ load: "packed.at(b, q, idiv(kv, 32))", class: "grouped", widthElems: 2, loadsPerVec: 1 }],
  "spatial_bias.scoremod.ts": [
    { load: "spatialBias.at(h, distances.at(b, q, kv))", class: "gather", widthElems: 1, loadsPerVec: 2 },
    { load: "distances.at(b, q, kv)", class: "contiguous", widthElems: 2, loadsPerVec: 1 },
  ],
};

describe("examples", () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".scoremod.ts")).sort();
  it.each(files)("%s", (f) => {
    const want = EXAMPLE_VERDICTS[f];
    expect(want, `add ${f} to EXAMPLE_VERDICTS`).toBeDefined();
    const a = analyze(join(EXAMPLES, f), readFileSync(join(EXAMPLES, f), "utf8"), { target: "fa4-sm100" });
    expect(a.diagnostics.filter((d) => d.severity === "error"), f).toEqual([]);
    const got = a.mods.flatMap((m) => m.loads).map(verdict);
    expect(got).toEqual(want);
  });

  it("the document mask's V = 1 note offers vecSize: 4 as a code action", () => {
    const f = join(EXAMPLES, "document_mask.scoremod.ts");
    const a = analyze(f, readFileSync(f, "utf8"), { target: "fa4-sm100" });
    const d = a.diagnostics.find((x) => x.code === "SM210");
    expect(d?.fixes?.[0].title).toBe("Set vecSize: 4");
  });

  it("kv-bias on a pairs target is capped at 2 with an error on vecSize", () => {
    const f = join(EXAMPLES, "kv_bias.scoremod.ts");
    const a = analyze(f, readFileSync(f, "utf8"), { target: "fa4-sm90" });
    expect(a.diagnostics.filter((d) => d.code === "SM203")).toHaveLength(1);
    const l = findLoad(a, "kvBias.at(b, h, kv)");
    expect([l?.widthElems, l?.loadsPerVec, l?.why]).toEqual([2, 4, expect.stringMatching(/caps V at 2 \(pairs/)]);
    // The quick fix on the diagnostic sets vecSize: 2; the file then has no errors.
    const fix = a.diagnostics.find((d) => d.code === "SM203")?.fixes?.[0];
    expect(fix?.title).toBe("Set vecSize: 2");
    const b = analyze(f, applyEdits(readFileSync(f, "utf8"), fix?.edits ?? []), { target: "fa4-sm90" });
    expect(b.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(findLoad(b, "kvBias.at(b, h, kv)")?.loadsPerVec).toBe(1);
  });
});

/** Applies LSP-style edits to a text (edits do not overlap; applied from the end). */
function applyEdits(text: string, edits: { range: import("../../../server/src/analysis/ir").Range; newText: string }[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  const off = (p: { line: number; character: number }): number => starts[p.line] + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => off(b.range.start) - off(a.range.start))) {
    out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  }
  return out;
}

describe("fixes applied to real files widen the load", () => {
  const files = [
    ...trapFiles.map((f) => join(TRAPS, f)),
    ...readdirSync(EXAMPLES).filter((f) => f.endsWith(".scoremod.ts")).map((f) => join(EXAMPLES, f)),
  ];
  it("every offered load fix, applied, gives a wider load and no new errors", () => {
    let applied = 0;
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      for (const target of ["fa4-sm100", "runner-sm80"] as const) {
        const before = analyze(f, text, { target });
        for (const l of before.mods.flatMap((m) => m.loads)) {
          if (!l.fix) continue;
          const fixed = applyEdits(text, l.fix.edits);
          const after = analyze(f, fixed, { target });
          expect(after.diagnostics.filter((d) => d.severity === "error"), `${f} ${l.fix.title}`).toEqual([]);
          const l2 = findLoad(after, l.text, l.mod);
          expect(l2, `${f}: ${l.text}`).toBeDefined();
          expect(l2?.widthElems ?? 0, `${f}: ${l.fix.title}`).toBeGreaterThan(l.widthElems);
          applied++;
        }
      }
    }
    expect(applied).toBeGreaterThanOrEqual(3);
  });
});
