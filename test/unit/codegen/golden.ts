// Golden files for generated code: compare, or rewrite with UPDATE_GOLDENS=1.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

export const UPDATE = process.env.UPDATE_GOLDENS === "1";

export function expectGolden(path: string, actual: string): void {
  if (UPDATE) {
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path) || readFileSync(path, "utf8") !== actual) writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `missing golden ${path}: run UPDATE_GOLDENS=1 npx vitest run test/unit/codegen`).toBe(true);
  expect(actual, `golden ${path} differs: review the change, then UPDATE_GOLDENS=1`).toBe(readFileSync(path, "utf8"));
}
