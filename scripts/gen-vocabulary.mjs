// Regenerates what is derived from the DSL's vocabulary table (runtime/src/vocabulary.ts):
// the math declarations in runtime/index.d.ts, runtime/src/math.generated.ts and the math
// pattern of syntaxes/scoremod.tmLanguage.json and the math table of docs/codegen.md. test/unit/runtime/vocabulary.test.ts checks
// that the checked-in files equal this output. Run `node scripts/build.mjs` afterwards (it
// embeds index.d.ts into the analysis).
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = await build({
  entryPoints: [join(root, "runtime/src/vocabularyGen.ts")],
  bundle: true, write: false, format: "esm", platform: "node", target: "node20", logLevel: "warning",
});
const gen = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);

const update = (rel, f) => {
  const path = join(root, rel);
  const before = readFileSync(path, "utf8");
  const after = f(before);
  if (after !== before) { writeFileSync(path, after); console.log(`updated ${rel}`); }
};
update("runtime/index.d.ts", gen.withDtsMathSection);
update("runtime/src/math.generated.ts", () => gen.mathModule());
update("syntaxes/scoremod.tmLanguage.json", gen.withGrammarMath);
update("docs/codegen.md", gen.withDocsMathTable);
