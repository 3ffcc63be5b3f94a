// The DSL's errors (dsl.ts re-exports them; vocabulary.ts's reference functions throw them).

/** A mistake in a score_mod file or in the data bound to it (never a bug of the runtime). */
export class DslError extends Error {
  override name = "DslError";
}

/** An aux index outside its dim: the reference's equivalent of an illegal memory access. */
export class DslIndexError extends DslError {
  override name = "DslIndexError";
  constructor(
    readonly tensor: string, readonly dimIndex: number, readonly dimName: string,
    readonly index: number, readonly extent: number, readonly call: string,
  ) {
    super(`${call}: index ${dimIndex} (dim "${dimName}") is ${index}, outside [0, ${extent})`);
  }
}
