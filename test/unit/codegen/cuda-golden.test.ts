// Golden CUDA for every example: each mod at its own vecSize on fa4-sm100 and runner-sm90, and at
// V=2 (the pairs model) on fa4-sm90 and runner-hopper (which adds the staged entry and the producer
// copy function for its staged loads). FA4 refuses a V=2 mask on sm90 (SM172), so fa4-sm90 has
// score mods only; fa4-sm80 has none (FA4 refuses its score mods, SM173, and its V=1 masks are
// fa4-sm100's code). Output must be byte-identical run to run.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import type { TargetId } from "../../../server/src/analysis/targets";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { expectGolden } from "./golden";
import { ROOT, corpus } from "./proofCorpus";

const examples = corpus(["examples"]);
const cases: { target: TargetId; vecSize?: number }[] = [{ target: "fa4-sm100" }, { target: "runner-sm90" }, { target: "fa4-sm90", vecSize: 2 }, { target: "runner-hopper", vecSize: 2 }];

describe("CUDA goldens", () => {
  it("covers every example", () => expect(examples.length).toBeGreaterThanOrEqual(9));
  for (const f of examples) {
    for (const c of cases) {
      it(`${f.name} on ${c.target}${c.vecSize ? ` V=${c.vecSize}` : ""}`, () => {
        const fa = analyze(f.name, f.text, c);
        const refused = (m: (typeof fa.mods)[number]) => c.target === "fa4-sm90" && m.kind === "mask" && m.blocking.every((d) => d.code === "SM172");
        expect(fa.diagnostics.filter((d) => d.severity === "error" && d.code !== "SM172")).toEqual([]);
        for (const m of fa.mods) {
          if (refused(m)) continue;
          expect(m.ok, m.name).toBe(true);
          const g = generateCuda(fa, m.name);
          expect(generateCuda(analyze(f.name, f.text, c), m.name).text).toBe(g.text);
          const stem = f.name.replace(/\.scoremod\.ts$/, "");
          expectGolden(join(ROOT, "test/golden/cuda", `${stem}.${m.name}.${c.target}.v${g.vecSize}.cu`), g.text);
        }
      });
    }
  }
});
