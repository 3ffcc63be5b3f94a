// The diagnostic pages ship in the .vsix (scripts/package-vsix.mjs: docs/diagnostics) and the
// editor opens them rendered, so a page may cite only what ships beside it: the DSL's typings,
// the examples and the other pages. Cited before: ARCHITECTURE.md and a server source file.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";

const root = join(__dirname, "..", "..", "..");
const dir = join(root, "docs", "diagnostics");
const SHIPPED = [/^runtime\/index\.d\.ts$/, /^examples\/\w+\.scoremod\.ts$/, /^(docs\/diagnostics\/)?SM\d+\.md$/];

test("diagnostic pages cite only files the .vsix ships", () => {
  const bad: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".md"))) {
    const text = readFileSync(join(dir, f), "utf8");
    for (const m of text.matchAll(/(?<![\w/.-])((?:[\w-]+\/)*[\w.-]+\.(?:md|ts|py|cuh|h|json|mjs|js))\b/g)) {
      const cited = m[1]!;
      if (cited.endsWith(".scoremod.ts") && !cited.includes("/")) continue; // a user's file name in an example
      if (!SHIPPED.some((re) => re.test(cited)) || (cited.includes("/") && !existsSync(join(root, cited)))) bad.push(`${f}: ${cited}`);
    }
    for (const m of text.matchAll(/\]\((?!https?:|#)([^)]+)\)/g)) bad.push(`${f}: relative link ${m[1]}`);
  }
  expect(bad).toEqual([]);
});
