// docs/protocol.md documents every custom method of server/src/protocol.ts (and only those).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { METHODS } from "../../server/src/protocol";

test("every scoremod/ method is documented under its own heading, and no stale ones are", () => {
  const doc = readFileSync(join(__dirname, "..", "..", "docs", "protocol.md"), "utf8");
  const headings = [...doc.matchAll(/^## `(scoremod\/\w+)`/gm)].map((m) => m[1]);
  expect([...headings].sort()).toEqual([...METHODS].sort());
  for (const m of METHODS) expect(m.startsWith("scoremod/")).toBe(true);
});
