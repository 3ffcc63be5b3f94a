// One wording of a grouped load's lane class, for every place that prints it (hover, inlay
// tooltip, `check`'s human output): the hover's proof says the same in steps.
import type { LoadFact } from "./facts";

/** "lanes grouped by 32: V/32 = 2 consecutive elements" (or "one element per call, broadcast" when a call lies in one run); "" for other classes. */
export function groupedText(load: Pick<LoadFact, "class" | "group">, V: number): string {
  if (load.class !== "grouped" || !load.group) return "";
  const g = load.group;
  if (V > g) return `lanes grouped by ${g}: V/${g} = ${V / g} consecutive elements`;
  return V === 1 ? `lanes grouped by ${g}: one lane per call, one element` : `lanes grouped by ${g}: a call's ${V} lanes lie in one run, one element broadcast`;
}
