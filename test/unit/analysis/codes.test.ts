// Every frontend diagnostic code is distinct and documented under docs/diagnostics/.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SM } from "../../../server/src/analysis/codes";

describe("SM1xx codes", () => {
  const codes = Object.values(SM);
  it("are distinct and in the frontend's range", () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^SM1\d\d$/);
  });
  for (const c of codes) {
    it(`${c} has a page saying what it means and how to fix it`, () => {
      const p = join(__dirname, "../../../docs/diagnostics", `${c}.md`);
      expect(existsSync(p)).toBe(true);
      const text = readFileSync(p, "utf8");
      expect(text.startsWith(`# ${c} — `)).toBe(true);
      expect(text).toContain("## What it means");
      expect(text).toContain("## How to fix");
    });
  }
});
