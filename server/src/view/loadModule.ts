// The one loader of a user's .scoremod.ts in Node: transpile to CommonJS, then evaluate it with the
// runtime DSL (runtime/src/load.ts). The heat map and the runner both run mods this way, so they
// see the same module as each other. It executes workspace code: trusted files only.
import { ts } from "ts-morph";
import { loadScoreModule, type LoadedScoreModule } from "scoremod/load";
import { neutralizeDocComments } from "../analysis/limits";

export function loadUserModule(fileName: string, text: string): LoadedScoreModule {
  // TypeScript's JSDoc parser can loop forever on half-typed doc comments (see limits.ts).
  const js = ts.transpileModule(neutralizeDocComments(text), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 }, fileName }).outputText;
  return loadScoreModule(js, fileName);
}
