// The pre-check (limits.ts) is one linear pass over the scanner's tokens: it never calls
// TypeScript's parser, which backtracks exponentially on nested `async (` (issue 14, item 2: the
// old pre-check parsed the file itself and hung with it).
import { describe, expect, it } from "vitest";
import { budgetSuspect, checkLimits, MAX_DEPTH, MAX_FILE_TOKENS, MAX_STATEMENT_TOKENS } from "../../../server/src/analysis/limits";
import { hostile } from "../budget/workerBundle";

const H = `import { scoreMod, tensor, bf16 } from "scoremod";\nexport const t = tensor("t", bf16, ["KV"]);\n`;
const mod = (body: string) => `${H}export const m = scoreMod((s, b, h, q, kv) => ${body});\n`;

describe("limits pre-check", () => {
  it("answers on the parser-backtracking fixture at once (the parser takes minutes on it)", () => {
    const t0 = performance.now();
    expect(checkLimits(hostile("async_backtrack"))).toBeNull(); // within the limits: the budget catches it
    expect(performance.now() - t0).toBeLessThan(2000);
  }, 10_000);

  it("is linear: 1,000 nested `async (` and 200 KB of tokens answer in well under a second", () => {
    const t0 = performance.now();
    const deep = checkLimits(mod(`${"async (".repeat(1000)}s`));
    expect(deep?.message).toContain(`more than ${MAX_DEPTH} levels`);
    const big = checkLimits(mod(`s${" + 1".repeat(50_000)}`));
    expect(big).not.toBeNull();
    expect(performance.now() - t0).toBeLessThan(5000);
  }, 20_000);

  it("counts operators chained at one level as depth, and resets them at commas", () => {
    expect(checkLimits(mod(`s${" + 1".repeat(MAX_DEPTH + 5)}`))?.message).toContain("levels deep");
    expect(checkLimits(mod(`min(${Array.from({ length: 150 }, () => "s + 1").join(", ")})`))).toBeNull();
    expect(checkLimits(mod(`${"- ".repeat(MAX_DEPTH + 5)}s`))).not.toBeNull();
  });

  it("splits statements at top-level semicolons and statement keywords", () => {
    const many = H + Array.from({ length: 400 }, (_, i) => `export const c${i} = ${Array.from({ length: 10 }, () => "1").join(" + ")}`).join("\n");
    expect(checkLimits(many)).toBeNull(); // 400 statements of ~25 tokens, none over the statement limit
    const one = `${H}export const c = [${Array.from({ length: MAX_STATEMENT_TOKENS }, () => "1").join(", ")}];\n`;
    const v = checkLimits(one);
    expect(v?.message).toContain("statement is too large");
    expect(one.slice(v!.start, v!.start + 14)).toBe("export const c");
    const file = H + Array.from({ length: MAX_FILE_TOKENS / 20 + 10 }, (_, i) => `export const c${i} = [1, 2, 3, 4, 5, 6, 7, 8];`).join("\n");
    expect(checkLimits(file)?.message).toContain("file is too large");
  });

  it("reads templates and regular expressions as single tokens", () => {
    expect(checkLimits(`const a = \`${"(".repeat(500)} \${1 + 2} ${"[".repeat(500)}\`;\nconst r = /${"\\(".repeat(300)}/;\n`)).toBeNull();
    expect(checkLimits(`const a = \`\${${"(".repeat(MAX_DEPTH + 1)}1${")".repeat(MAX_DEPTH + 1)}}\`;`)).not.toBeNull();
  });

  it("budgetSuspect points at the type alias, or at the deepest statement", () => {
    const tb = hostile("type_bomb");
    const t = budgetSuspect(tb);
    expect(tb.slice(t.start, t.end)).toMatch(/^type P<T, U = T> = .*: never;$/);
    const ab = hostile("async_backtrack");
    const a = budgetSuspect(ab);
    expect(ab.slice(a.start, a.start + 9)).toBe("const p =");
  });
});
