// Issue 14, item 4: a workspace file name reaches generated code (the CUDA's #line directives
// and header comment, the exports' comments and docstrings). Whatever it holds (quotes,
// backslashes, newlines, `"""`, `*/`, backticks, NUL), it must stay inside its literal or
// comment: the generated code is the same program as for a plain name.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { exportFa4 } from "../../../server/src/codegen/exportFa4";
import { exportFlex } from "../../../server/src/codegen/exportFlex";

const ROOT = join(__dirname, "../../..");
const SRC = readFileSync(join(ROOT, "examples/softcap.scoremod.ts"), "utf8");
const HOSTILE = [
  'a"""\nimport os; os.system("echo pwned")\n"""b.scoremod.ts',
  "x\nint pwned = 1; //.scoremod.ts",
  "back\\\\slash\\.scoremod.ts",
  "star*/ /*`tick` \u0000nul\r\n#define score 0\n.scoremod.ts",
  "line\u2028sep.scoremod.ts",
];
const python = (() => { try { execFileSync("python3", ["--version"]); return true; } catch { return false; } })();
const dir = mkdtempSync(join(tmpdir(), "scoremod-hostile-"));

/** Python's view of a module: its top-level statements (AST dump without positions). */
function pyShape(text: string): string {
  const f = join(dir, `m${Math.random().toString(36).slice(2)}.py`);
  writeFileSync(f, text);
  return execFileSync("python3", ["-c", "import ast,sys; t=ast.parse(open(sys.argv[1]).read()); print([type(n).__name__ + ':' + getattr(n, 'name', '') for n in t.body])", f], { encoding: "utf8" });
}

describe("hostile file names stay inside their literals", () => {
  const plain = analyze("plain.scoremod.ts", SRC);
  const plainCuda = generateCuda(plain, "softcap").code;
  for (const name of HOSTILE) {
    it(JSON.stringify(name), () => {
      const fa = analyze(name, SRC);
      const cuda = generateCuda(fa, "softcap").code;
      // Same number of lines, and every line that differs is a comment or a #line directive.
      const a = cuda.split("\n"), b = plainCuda.split("\n");
      expect(a.length).toBe(b.length);
      a.forEach((l, i) => { if (l !== b[i]) expect(l, `line ${i + 1}: ${l}`).toMatch(/^(\/\/|#line \d+ ")/); });
      expect(cuda).not.toMatch(/[\u0000\r\u2028]/);
      if (python) {
        expect(pyShape(exportFlex(fa).text)).toBe(pyShape(exportFlex(plain).text));
        expect(pyShape(exportFa4(fa).text)).toBe(pyShape(exportFa4(plain).text));
      }
    });
  }
});
