// ARCHITECTURE.md's invariant "the analysis and the code generators do no IO", checked on the
// source: no Node IO modules, no `process`, no `vscode` under server/src/analysis and codegen.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const root = join(__dirname, "..", "..");
const pureDirs = ["server/src/analysis", "server/src/codegen"];
const forbidden = [
  /from\s+["'](node:)?(fs|fs\/promises|child_process|path|os|net|http|worker_threads)["']/,
  /require\(/,
  /\bprocess\.(env|argv|exit|cwd|stdout|stderr)/,
  /from\s+["']vscode["']/,
  /from\s+["'][^"']*\/(lsp|cli|toolchain|client)\//,
];

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

describe("pure core does no IO", () => {
  for (const dir of pureDirs) {
    test(dir, () => {
      const offenders: string[] = [];
      for (const f of files(dir)) {
        readFileSync(join(root, f), "utf8").split("\n").forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, "");
          if (forbidden.some((re) => re.test(code))) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
        });
      }
      expect(files(dir).length).toBeGreaterThan(3);
      expect(offenders).toEqual([]);
    });
  }
});

// ARCHITECTURE.md "Who may import whom": every import of ours points down the layers. Each file
// under runtime/, csrc/, server/src and client/src is put in one area; each import it makes
// (static, `export … from`, dynamic `import()`, `require()`, `import("…")` types) is resolved to
// a file of the repository (relative paths, and our workspace packages by name) and its area
// must be in the importer's allowed list. Node built-ins and npm packages are not ours and are
// always allowed (except `vscode`, which only the client may import).
const areaOf = (rel: string): string | null => {
  if (rel.startsWith("runtime/")) return "runtime";
  if (rel.startsWith("csrc/")) return "csrc";
  if (rel === "server/src/lsp/main.ts" || rel === "server/src/cli/main.ts") return "entry";
  if (/^server\/src\/runner\/(supervisor|types|format|protocol)\.ts$/.test(rel)) return "runner-api";
  const m = rel.match(/^server\/src\/(analysis|codegen|toolchain|budget|view|runner|lsp|cli)\//);
  if (m) return m[1] === "analysis" || m[1] === "codegen" ? "core" : m[1];
  if (rel === "server/src/protocol.ts") return "protocol";
  if (rel.startsWith("client/")) return "client";
  return null; // tests, scripts, examples: never imported by the product
};
/** Area → the areas it may import (its own always included). */
export const MAY_IMPORT: Record<string, string[]> = {
  runtime: [], // the DSL and its reference semantics: nothing of ours
  csrc: [], // the addon's loader
  core: ["runtime"], // analysis + codegen: pure, the DSL's contract at most
  toolchain: ["core"],
  budget: ["core"],
  protocol: ["core"],
  view: ["core", "protocol", "runtime"],
  "runner-api": ["csrc"], // supervisor, types, format, protocol: type-only csrc (ProbeResult)
  runner: ["runner-api", "core", "toolchain", "runtime", "csrc"],
  lsp: ["core", "budget", "toolchain", "protocol", "view", "runtime", "runner-api", "runner"],
  cli: ["core", "budget", "toolchain", "protocol", "view", "runtime", "runner-api", "runner"],
  client: ["protocol", "runner-api"],
  // The bundles' process entry points (dist/server.js, dist/cli.js) wire layers together:
  // dist/server.js also serves `check` (the .vsix ships no dist/cli.js). Nothing imports them.
  entry: ["core", "budget", "toolchain", "protocol", "view", "runtime", "runner-api", "runner", "lsp", "cli"],
};
const TYPE_ONLY: Record<string, string[]> = { "runner-api": ["csrc"] };
const PACKAGES: Record<string, string> = { scoremod: "runtime", "scoremod-native": "csrc", "scoremod-server": "server", "score-mod-studio": "client" };

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.name === "node_modules" || e.name === "build" ? [] :
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|mts|cts|js|cjs|mjs)$/.test(e.name) ? [join(dir, e.name)] : []);
}

interface Import { spec: string; typeOnly: boolean; line: number }
function importsOf(file: string): Import[] {
  const sf = ts.createSourceFile(file, readFileSync(join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (node: ts.Node, spec: ts.Node | undefined, typeOnly: boolean) => {
    if (spec && ts.isStringLiteralLike(spec)) out.push({ spec: spec.text, typeOnly, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) &&
        c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node, node.moduleReference.expression, node.isTypeOnly);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, true);
    else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
      (ts.isIdentifier(node.expression) && node.expression.text === "require")) && node.arguments.length === 1) add(node, node.arguments[0], false);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The repository-relative file an import names, "vscode", or null for a package not ours. */
function resolveImport(from: string, spec: string): string | null {
  if (spec.startsWith(".")) {
    const base = resolve(root, dirname(from), spec);
    const file = ["", ".ts", ".d.ts", ".js", "/index.ts", "/index.d.ts", "/index.js"].map((x) => base + x)
      .find((f) => existsSync(f) && statSync(f).isFile()) ?? base;
    return relative(root, file).split(sep).join("/");
  }
  if (spec === "vscode") return "vscode";
  const [name, ...rest] = spec.split("/");
  const dir = PACKAGES[name];
  return dir ? [dir, ...rest].join("/") + (rest.length ? "" : "/") : null;
}

/** Every import that points the wrong way, as "file:line: import 'spec' (area → area)". */
export function wrongImports(): string[] {
  const bad: string[] = [];
  for (const dir of ["runtime", "csrc", "server/src", "client/src"]) {
    for (const file of sourceFiles(dir).map((f) => f.split(sep).join("/"))) {
      const from = areaOf(file);
      if (!from) continue;
      for (const imp of importsOf(file)) {
        const target = resolveImport(file, imp.spec);
        if (target === null) continue;
        if (target === "vscode") {
          if (from !== "client") bad.push(`${file}:${imp.line}: import '${imp.spec}' (only the client imports vscode)`);
          continue;
        }
        // A workspace's own manifest is data (the CLI's version): allowed from inside that workspace.
        const manifest = target.match(/^(runtime|server|client|csrc)\/package\.json$/);
        if (manifest && file.startsWith(`${manifest[1]}/`)) continue;
        const to = target.startsWith("server/") && !target.startsWith("server/src/") ? "server" : areaOf(target) ?? target;
        if (to === from) continue;
        const allowed = MAY_IMPORT[from].includes(to) && (!TYPE_ONLY[from]?.includes(to) || imp.typeOnly);
        if (!allowed) bad.push(`${file}:${imp.line}: import '${imp.spec}' (${from} → ${to}${TYPE_ONLY[from]?.includes(to) ? ", type-only allowed" : ""})`);
      }
    }
  }
  return bad;
}

describe("imports point one way (ARCHITECTURE.md, who may import whom)", () => {
  test("every area is known and the rules are acyclic", () => {
    const seen = new Set<string>();
    const visit = (a: string, path: string[]): void => {
      expect(path, `cycle ${[...path, a].join(" → ")}`).not.toContain(a);
      if (seen.has(a)) return;
      for (const b of MAY_IMPORT[a]) { expect(MAY_IMPORT, `unknown area ${b}`).toHaveProperty(b); visit(b, [...path, a]); }
      seen.add(a);
    };
    for (const a of Object.keys(MAY_IMPORT)) visit(a, []);
  });
  test("areas are classified as intended", () => {
    expect(areaOf("runtime/src/dsl.ts")).toBe("runtime");
    expect(areaOf("server/src/analysis/facts.ts")).toBe("core");
    expect(areaOf("server/src/codegen/cuda.ts")).toBe("core");
    expect(areaOf("server/src/runner/source.ts")).toBe("runner");
    expect(areaOf("server/src/runner/supervisor.ts")).toBe("runner-api");
    expect(areaOf("server/src/protocol.ts")).toBe("protocol");
    expect(areaOf("client/src/extension.ts")).toBe("client");
    expect(areaOf("server/src/lsp/main.ts")).toBe("entry");
    expect(areaOf("test/unit/architecture.test.ts")).toBeNull();
    expect(resolveImport("client/src/x.ts", "scoremod")).toBe("runtime/");
    expect(resolveImport("server/src/x/y.ts", "node:fs")).toBeNull();
  });
  test("no import points the wrong way", () => {
    expect(sourceFiles("server/src").length).toBeGreaterThan(50);
    expect(wrongImports()).toEqual([]);
  });
});
