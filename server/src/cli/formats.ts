// Machine formats of `scoremod check` for CI systems: SARIF 2.1.0 (GitHub code scanning, Azure
// DevOps, most SARIF viewers) and GitHub Actions workflow commands (annotations on the PR diff).
// Both take the analyses of several files; paths are relative to the working directory when
// the file is inside it (what both systems expect), else absolute.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Diagnostic, FileAnalysis } from "../analysis/facts";
import { displayPath } from "./files";
import { TOOL_NAME, VERSION } from "./version";

export interface CheckedFile { path: string; analysis: FileAnalysis }
/** A file that could not be read (missing, binary, ...): reported as a tool notification / error. */
export interface UnreadableFile { path: string; error: string }

export const FORMATS = ["text", "json", "sarif", "github"] as const;
export type Format = (typeof FORMATS)[number];

/** The folder of docs/diagnostics/<CODE>.md: beside dist/ in the bundle, or the repository's in tests. */
export function docsDir(): string | undefined {
  const candidates = [join(__dirname, "..", "docs", "diagnostics"), join(__dirname, "..", "..", "..", "docs", "diagnostics")];
  return candidates.find((d) => existsSync(join(d, "SM100.md")));
}

/**
 * The page of a code: `<base>/<CODE>.md` under a base URL (`--docs-url`), else the file:// URL
 * of the installed page. Only our codes that have a page (TypeScript's own TS codes have none).
 */
export function docsLink(code: string, base?: string, dir: string | undefined = docsDir()): string | undefined {
  if (!/^SM\d+$/.test(code)) return undefined;
  if (base) return `${base.replace(/\/+$/, "")}/${encodeURIComponent(code)}.md`;
  if (dir && existsSync(join(dir, `${code}.md`))) return pathToFileURL(join(dir, `${code}.md`)).href;
  return undefined;
}

/** A code's one-line title from its page's heading (`# SM106 — A float used as a tensor index`), if it has a page. */
export function ruleTitle(code: string, dir: string | undefined = docsDir()): string | undefined {
  if (!/^SM\d+$/.test(code) || !dir) return undefined;
  try {
    const head = /^#\s*\S+\s*[—-]\s*(.+)$/m.exec(readFileSync(join(dir, `${code}.md`), "utf8"));
    return head?.[1]?.trim();
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- SARIF 2.1.0

const SARIF_LEVEL = { error: "error", warning: "warning", info: "note" } as const;

function region(r: Diagnostic["range"]) {
  // SARIF lines and columns are 1-based; endColumn is exclusive, as our end position is.
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

function firstLine(message: string): string {
  const i = message.indexOf("\n");
  return i < 0 ? message : message.slice(0, i);
}

export function toSarif(files: readonly CheckedFile[], unreadable: readonly UnreadableFile[], cwd: string, docsBase?: string): object {
  const ruleIndex = new Map<string, number>();
  const rules: object[] = [];
  const ruleFor = (d: Diagnostic): number => {
    let i = ruleIndex.get(d.code);
    if (i === undefined) {
      i = rules.length;
      ruleIndex.set(d.code, i);
      const helpUri = docsLink(d.code, docsBase);
      rules.push({
        id: d.code,
        name: d.code,
        shortDescription: { text: ruleTitle(d.code) ?? firstLine(d.message) },
        ...(helpUri ? { helpUri } : {}),
        defaultConfiguration: { level: SARIF_LEVEL[d.severity] },
        properties: { tags: [d.code.startsWith("TS") ? "typescript" : "scoremod"] },
      });
    }
    return i;
  };
  const artifact = (path: string) => {
    const uri = displayPath(path, cwd);
    return uri.startsWith("/") || /^[A-Za-z]:\//.test(uri) ? { uri: pathToFileURL(uri).href } : { uri: encodeURI(uri), uriBaseId: "%SRCROOT%" };
  };
  const results = files.flatMap(({ path, analysis }) => analysis.diagnostics.map((d) => {
    const ruleI = ruleFor(d);
    const location = { physicalLocation: { artifactLocation: artifact(path), region: region(d.range) } };
    return {
      ruleId: d.code,
      ruleIndex: ruleI,
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [location],
      ...(d.fixes?.length ? {
        fixes: d.fixes.map((f) => ({
          description: { text: f.title },
          artifactChanges: [{ artifactLocation: artifact(path), replacements: f.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })) }],
        })),
      } : {}),
    };
  }));
  const cwdUri = pathToFileURL(cwd).href.replace(/\/?$/, "/");
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: TOOL_NAME, semanticVersion: VERSION, version: VERSION, rules } },
      originalUriBaseIds: { "%SRCROOT%": { uri: cwdUri } },
      results,
      invocations: [{
        executionSuccessful: unreadable.length === 0,
        toolExecutionNotifications: unreadable.map((u) => ({ level: "error", message: { text: u.error }, locations: [{ physicalLocation: { artifactLocation: artifact(u.path) } }] })),
      }],
    }],
  };
}

// ---------------------------------------------------------------- GitHub workflow commands

/** Escapes a command's message (data) as the Actions runner expects: %, \r and \n. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a property value (file, title, ...): the data escapes plus : and ,. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

const GITHUB_COMMAND = { error: "error", warning: "warning", info: "notice" } as const;

/** One `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message` line per diagnostic. */
export function toGithub(files: readonly CheckedFile[], unreadable: readonly UnreadableFile[], cwd: string): string {
  const lines: string[] = [];
  for (const { path, analysis } of files) {
    const file = displayPath(path, cwd);
    for (const d of analysis.diagnostics) {
      const r = d.range;
      const props = [
        `file=${escapeProperty(file)}`, `line=${r.start.line + 1}`, `col=${r.start.character + 1}`,
        `endLine=${r.end.line + 1}`,
        // GitHub reads endColumn only for an annotation on one line.
        ...(r.end.line === r.start.line ? [`endColumn=${r.end.character + 1}`] : []),
        `title=${escapeProperty(d.code)}`,
      ];
      lines.push(`::${GITHUB_COMMAND[d.severity]} ${props.join(",")}::${escapeData(d.message)}`);
    }
  }
  for (const u of unreadable) lines.push(`::error file=${escapeProperty(displayPath(u.path, cwd))},title=scoremod::${escapeData(u.error)}`);
  return lines.length ? lines.join("\n") + "\n" : "";
}
