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
  if (/^server\/src\/runner\/(supervisor|types|format|speedStep|modCost|protocol|ownDims|spawnWorker)\.ts$/.test(rel)) return "runner-api";
  const m = rel.match(/^server\/src\/(analysis|codegen|toolchain|budget|view|runner|lsp|cli)\//);
  if (m) return m[1] === "analysis" || m[1] === "codegen" ? "core" : m[1];
  if (rel === "server/src/protocol.ts") return "protocol";
  if (rel === "server/src/boot.ts") return "boot";
  if (rel.startsWith("client/")) return "client";
  return null; // tests, scripts, examples: never imported by the product
};
/** Area → the areas it may import (its own always included). */
export const MAY_IMPORT: Record<string, string[]> = {
  runtime: [], // the DSL and its reference semantics: nothing of ours
  csrc: [], // the addon's loader
  core: ["runtime"], // analysis + codegen: pure, the DSL's contract at most
  toolchain: ["core"],
  boot: [], // the code cache's save hook (scripts/boot/boot.cjs): nothing of ours
  budget: ["core", "boot"],
  protocol: ["core"],
  view: ["core", "protocol", "runtime"],
  "runner-api": ["csrc", "protocol", "core"], // supervisor, types, format, protocol, ownDims: type-only csrc (ProbeResult), protocol (the heat map's shapes) and core (ownDims reads a FileAnalysis)
  runner: ["runner-api", "core", "toolchain", "view", "runtime", "csrc", "boot"], // view: the one loader of user modules
  lsp: ["core", "budget", "toolchain", "protocol", "view", "runtime", "runner-api", "runner"],
  cli: ["core", "budget", "toolchain", "protocol", "view", "runtime", "runner-api", "runner"],
  client: ["protocol", "runner-api"],
  // The bundles' process entry points (dist/server.js, dist/cli.js) wire layers together:
  // dist/server.js also serves `check` (the .vsix ships no dist/cli.js). Nothing imports them.
  entry: ["core", "budget", "toolchain", "protocol", "view", "runtime", "runner-api", "runner", "lsp", "cli"],
};
const TYPE_ONLY: Record<string, string[]> = { "runner-api": ["csrc", "protocol", "core"] };
/** The workspaces: each is a package, and another workspace imports it by name, never by a relative path. */
const WORKSPACES = ["runtime", "server", "client", "csrc"];
const PACKAGES: Record<string, string> = Object.fromEntries(WORKSPACES.map((w) =>
  [JSON.parse(readFileSync(join(root, w, "package.json"), "utf8")).name as string, w]));
const workspaceOf = (rel: string): string | undefined => WORKSPACES.find((w) => rel.startsWith(`${w}/`));

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
  if (!dir) return null;
  // A workspace package resolves through its manifest's "exports" (else "main"), as Node, esbuild and TypeScript do.
  const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
  const sub = rest.length ? `./${rest.join("/")}` : ".";
  let target: unknown = manifest.exports ? manifest.exports[sub] : sub === "." ? (manifest.main ?? "index.js") : sub;
  if (target && typeof target === "object") target = (target as Record<string, string>).default;
  if (typeof target !== "string") return `${dir}/(not exported: ${sub})`;
  return join(dir, target).split(sep).join("/");
}

/** Why one import of `file` points the wrong way, or null when it is allowed. */
export function importProblem(file: string, imp: Import): string | null {
  const from = areaOf(file);
  if (!from) return null;
  const target = resolveImport(file, imp.spec);
  if (target === null) return null;
  const at = `${file}:${imp.line}: import '${imp.spec}'`;
  if (target === "vscode") return from === "client" ? null : `${at} (only the client imports vscode)`;
  if (target.includes("(not exported:")) return `${at} (not in that package's "exports")`;
  if (imp.spec.startsWith(".") && workspaceOf(target) !== workspaceOf(file)) return `${at} (a relative path into another workspace: import the package by name)`;
  // A workspace's own manifest is data (the CLI's version): allowed from inside that workspace.
  const manifest = target.match(/^(runtime|server|client|csrc)\/package\.json$/);
  if (manifest && file.startsWith(`${manifest[1]}/`)) return null;
  const to = target.startsWith("server/") && !target.startsWith("server/src/") ? "server" : areaOf(target) ?? target;
  if (to === from) return null;
  const allowed = MAY_IMPORT[from].includes(to) && (!TYPE_ONLY[from]?.includes(to) || imp.typeOnly);
  return allowed ? null : `${at} (${from} → ${to}${TYPE_ONLY[from]?.includes(to) ? ", type-only allowed" : ""})`;
}

/** Every import that points the wrong way, as "file:line: import 'spec' (why)". */
export function wrongImports(): string[] {
  const bad: string[] = [];
  for (const dir of ["runtime", "csrc", "server/src", "client/src"]) {
    for (const file of sourceFiles(dir).map((f) => f.split(sep).join("/"))) {
      for (const imp of importsOf(file)) {
        const problem = importProblem(file, imp);
        if (problem) bad.push(problem);
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
    expect(resolveImport("client/src/x.ts", "scoremod")).toBe("runtime/src/dsl.ts");
    expect(resolveImport("server/src/x/y.ts", "scoremod/vocabulary")).toBe("runtime/src/vocabulary.ts");
    expect(resolveImport("client/src/x.ts", "scoremod-server/protocol")).toBe("server/src/protocol.ts");
    expect(resolveImport("client/src/x.ts", "scoremod-server/analysis/index")).toContain("not exported");
    expect(resolveImport("server/src/runner/run.ts", "scoremod-native")).toBe("csrc/index.js");
    expect(resolveImport("server/src/x/y.ts", "node:fs")).toBeNull();
  });
  test("a relative import into another workspace, or of a path the package does not export, is reported", () => {
    const imp = (spec: string) => ({ spec, typeOnly: false, line: 1 });
    expect(importProblem("client/src/x.ts", imp("../../server/src/protocol"))).toContain("a relative path into another workspace");
    expect(importProblem("server/src/runner/x.ts", imp("../../../runtime/src/load"))).toContain("a relative path into another workspace");
    expect(importProblem("client/src/x.ts", imp("scoremod-server/protocol"))).toBeNull();
    expect(importProblem("client/src/x.ts", imp("scoremod-server/analysis/index"))).toContain('not in that package\'s "exports"');
    expect(importProblem("client/src/x.ts", imp("scoremod-server"))).toContain("client → runner");
    expect(importProblem("server/src/analysis/x.ts", imp("scoremod/vocabulary"))).toBeNull();
  });
  test("no import points the wrong way", () => {
    expect(sourceFiles("server/src").length).toBeGreaterThan(50);
    expect(wrongImports()).toEqual([]);
  });
});

// Facts that once had copies: each now has one home, and a copy written again fails here.
describe("one home per fact", () => {
  const grepSources = (re: RegExp, dirs: string[]): string[] => dirs.flatMap((d) => sourceFiles(d)).flatMap((f) =>
    readFileSync(join(root, f), "utf8").split("\n").flatMap((line, i) => (re.test(line.replace(/\/\/.*$/, "")) ? [`${f}:${i + 1}`] : [])));
  test("timing presets are named from runner/types.ts TIMING, never written as numbers", () => {
    const hits = grepSources(/warmup:\s*\d/, ["server/src", "client/src", "test/gpu"]).map((x) => x.split(sep).join("/").replace(/:\d+$/, ""));
    expect(hits.length).toBeGreaterThanOrEqual(4);
    expect([...new Set(hits)]).toEqual(["server/src/runner/types.ts"]);
  });
  test("user modules are transpiled in one place (view/loadModule.ts)", () => {
    expect(grepSources(/transpileModule\(/, ["server/src", "client/src"]).map((x) => x.split(sep).join("/").replace(/:\d+$/, ""))).toEqual(["server/src/view/loadModule.ts"]);
  });
});
