// Evaluate a user's score_mod module in Node. The caller transpiles the .scoremod.ts to CommonJS
// (this module stays free of the TypeScript compiler); `require("scoremod")` resolves to this
// runtime, and nothing else may be required: a score_mod file is self-contained by design.
import { compileFunction } from "node:vm";
import type { MaskMod, Scalar, ScoreMod, Tensor } from "../index";
import * as dsl from "./dsl";
import { captureDeclarations, DslError, dslKindOf, type DslObjectKind } from "./dsl";

/** A failure while evaluating a module; `cause` holds the original error. */
export class ScoreModLoadError extends DslError {
  override name = "ScoreModLoadError";
  constructor(readonly fileName: string, message: string, options?: { cause?: unknown }) {
    super(`${fileName}: ${message}`, options);
  }
}

/**
 * Run transpiled CommonJS `jsText` of a score_mod file and return its exports. Errors thrown by
 * the module (bad declarations, syntax errors, forbidden requires) become ScoreModLoadError.
 */
export function evaluateScoreModule(jsText: string, fileName = "<scoremod>"): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const require = (spec: string): unknown => {
    if (spec === "scoremod") return dsl;
    throw new ScoreModLoadError(fileName, `cannot import "${spec}": a score_mod file may only import "scoremod"`);
  };
  let fn: (...args: unknown[]) => unknown;
  try {
    fn = compileFunction(jsText, ["exports", "require", "module", "__filename", "__dirname"], { filename: fileName }) as (...args: unknown[]) => unknown;
  } catch (e) {
    throw new ScoreModLoadError(fileName, `not valid JavaScript: ${(e as Error).message}`, { cause: e });
  }
  try {
    fn(module.exports, require, module, fileName, ".");
  } catch (e) {
    if (e instanceof ScoreModLoadError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ScoreModLoadError(fileName, msg, { cause: e });
  }
  return module.exports;
}

export type DslExport =
  | { readonly exportName: string; readonly kind: "tensor"; readonly value: Tensor }
  | { readonly exportName: string; readonly kind: "scalar"; readonly value: Scalar }
  | { readonly exportName: string; readonly kind: "score"; readonly value: ScoreMod }
  | { readonly exportName: string; readonly kind: "mask"; readonly value: MaskMod };

/** The DSL objects among a module's exports, in export order; everything else is skipped. */
export function listDslExports(exports: Readonly<Record<string, unknown>>): DslExport[] {
  const out: DslExport[] = [];
  for (const [exportName, value] of Object.entries(exports)) {
    const kind: DslObjectKind | undefined = dslKindOf(value);
    if (kind) out.push({ exportName, kind, value } as DslExport);
  }
  return out;
}

/** The tensors a module exports (deduplicated: one declaration exported twice counts once). */
export function exportedTensors(exports: Readonly<Record<string, unknown>>): Tensor[] {
  const seen = new Set<Tensor>();
  for (const e of listDslExports(exports)) if (e.kind === "tensor") seen.add(e.value);
  return [...seen];
}

export interface LoadedScoreModule {
  readonly exports: Record<string, unknown>;
  /** DSL objects among the exports, in export order. */
  readonly dslExports: DslExport[];
  /** Every tensor and scalar the module declared, exported or not, in declaration order. */
  readonly tensors: Tensor[];
  readonly scalars: Scalar[];
}

/** evaluateScoreModule plus the module's DSL objects (what the runner needs to bind data). */
export function loadScoreModule(jsText: string, fileName = "<scoremod>"): LoadedScoreModule {
  const { result: exports, tensors, scalars } = captureDeclarations(() => evaluateScoreModule(jsText, fileName));
  return { exports, dslExports: listDslExports(exports), tensors, scalars };
}
