// The repository explains itself: every file a comment or a doc cites (a *.md name) ships in the
// repository, tests and examples included (in tests, only comments cite: a file name in a string
// is test data). Cited before: the product's design document, which was never in it, and a notes
// page on the toolchain that is gone.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, test } from "vitest";

const root = join(__dirname, "..", "..");
const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
const basenames = new Set(tracked.map((f) => f.split("/").pop()!));
const scanned = tracked.filter((f) => /^(server\/src|client\/src|runtime|csrc\/(src|kernels)|docs|scripts|test|examples)\//.test(f) || /^[A-Z]+\.md$/.test(f))
  .filter((f) => /\.(ts|mjs|js|cc|h|cuh|md|sh)$/.test(f));

/** "path:line: name" for each cited *.md that is not in the repository. */
function dangling(): string[] {
  const bad: string[] = [];
  for (const f of scanned) {
    const inTest = f.startsWith("test/");
    readFileSync(join(root, f), "utf8").split("\n").forEach((full, i) => {
      const c = full.indexOf("//");
      const line = !inTest ? full : /^\s*(\*|\/\*)/.test(full) ? full : c >= 0 ? full.slice(c) : "";
      for (const m of line.matchAll(/(?<![\w<>.-])([\w./-]*[\w-]\.md)\b/g)) {
        const name = m[1]!.replace(/^\.\//, "");
        if (/^https?:/.test(name) || name.startsWith("//")) continue;
        const ok = name.includes("/")
          ? existsSync(join(root, name)) || existsSync(join(root, dirname(f), name)) || tracked.some((t) => t.endsWith(`/${name}`))
          : basenames.has(name);
        if (!ok) bad.push(`${f}:${i + 1}: ${name}`);
      }
    });
  }
  return bad;
}

test("comments and docs cite only files in the repository", () => {
  expect(scanned.length).toBeGreaterThan(100);
  expect(dangling()).toEqual([]);
});
