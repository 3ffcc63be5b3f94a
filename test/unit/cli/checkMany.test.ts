// scoremod check on several files and globs, --version, colour and code frames, the machine
// formats (JSON / SARIF / GitHub annotations), the JSON Schemas in docs/schemas checked against
// real CLI output, the bench [k/N] counter, and the editor's problem matcher / task / jsonValidation.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { spawnSync } from "node:child_process";
import { build } from "esbuild";
import Ajv from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../../../server/src/cli/check";
import { run as bench } from "../../../server/src/cli/bench";
import { codeFrame, useColor } from "../../../server/src/cli/color";
import { expandBraces, expandFiles, globFiles, segmentRegExp } from "../../../server/src/cli/files";
import { escapeData, escapeProperty } from "../../../server/src/cli/formats";
import { BenchProgress } from "../../../server/src/cli/progress";
import { checkArgs } from "../../../client/src/taskArgs";
import type { Io } from "../../../server/src/cli/args";

const ROOT = join(__dirname, "../../..");
const EX = (f: string) => join(ROOT, "examples", f);
const schema = (name: string) => JSON.parse(readFileSync(join(ROOT, "docs/schemas", name), "utf8"));
const ajv = new Ajv({ allErrors: true, strict: false });
const validCheck = ajv.compile(schema("check.schema.json"));
const validSweep = ajv.compile(schema("sweep.schema.json"));
const errorsOf = (v: { errors?: unknown }) => JSON.stringify(v.errors, null, 1);

// A workspace: src/a (clean), src/nested/b (an error), src/nested/c (clean), other.scoremod.ts, noise.
const ws = mkdtempSync(join(tmpdir(), "scoremod-many-"));
const BAD = `import { scoreMod, tensor, bf16 } from "scoremod";
export const t = tensor("t", bf16, ["B", "KV"]);
export const m = scoreMod((s, b, h, q, kv) => s + t.at(b, kv / 2));
`;
function put(rel: string, text: string): string {
  const p = join(ws, rel);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, text);
  return p;
}
const KV = readFileSync(EX("kv_bias.scoremod.ts"), "utf8");
put("src/a.scoremod.ts", KV);
put("src/nested/b.scoremod.ts", BAD);
put("src/nested/c.scoremod.ts", readFileSync(EX("causal.scoremod.ts"), "utf8"));
put("other.scoremod.ts", KV);
put("src/readme.md", "# not a mod\n");
put("src/types.d.ts", "export {};\n");
put("node_modules/dep/x.scoremod.ts", BAD);
put(".hidden/y.scoremod.ts", BAD);

interface Captured { code: number; out: string; err: string }
async function check(argv: string[], extra: Partial<Io> = {}): Promise<Captured> {
  let out = "", err = "";
  const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd: ws, ...extra });
  return { code, out, err };
}
const nat = (p: string) => p.split("/").join(sep);

describe("check: several files and globs", () => {
  it("expands a quoted ** glob itself (sorted, TypeScript sources only, no node_modules or dot folders) plus a literal file", async () => {
    expect(expandFiles(["src/**/*.scoremod.ts", "other.scoremod.ts"], ws).map((f) => f.path))
      .toEqual([nat("src/a.scoremod.ts"), nat("src/nested/b.scoremod.ts"), nat("src/nested/c.scoremod.ts"), "other.scoremod.ts"]);
    expect(expandFiles(["**/*.ts"], ws).map((f) => f.path)).not.toContain(nat("src/types.d.ts"));
    expect(expandFiles(["**/*.ts"], ws).some((f) => f.path.includes("node_modules") || f.path.includes(".hidden"))).toBe(false);
  });

  it("exit code is the worst file's; each file reported, then a total", async () => {
    const clean = await check(["src/a.scoremod.ts", "other.scoremod.ts"]);
    expect(clean.code).toBe(0);
    expect(clean.out).toMatch(/2 files: 0 errors, 0 warnings\n$/);
    const r = await check(["src/**/*.scoremod.ts", "other.scoremod.ts"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${nat("src/nested/b.scoremod.ts")}:3:59 error SM106 `);
    expect(r.out).toContain(`${nat("src/a.scoremod.ts")}: 1 mod, 1 aux load, 0 errors`);
    expect(r.out).toContain("other.scoremod.ts: 1 mod");
    expect(r.out).toMatch(/4 files: 1 error, 0 warnings\n$/);
  });

  it("an unreadable file among several is reported and makes the exit 2; the others are still checked", async () => {
    const r = await check(["src/a.scoremod.ts", "missing.scoremod.ts"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("scoremod check: missing.scoremod.ts: no such file\n");
    expect(r.out).toContain(`${nat("src/a.scoremod.ts")}: 1 mod`);
    expect(r.out).toMatch(/2 files: 0 errors, 0 warnings, 1 unreadable/);
  });

  it("a glob that matches nothing is a clear error (exit 2), in text and JSON", async () => {
    const r = await check(["src/**/*.scoremod.ts", "lib/**/*.scoremod.ts"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^scoremod check: no TypeScript source file matches 'lib\/\*\*\/\*\.scoremod\.ts' \(in .*\)\n$/);
    expect(r.out).toBe("");
    const j = await check(["src/*.py", "--json"]);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.out)).toEqual({ error: expect.stringMatching(/no TypeScript source file matches 'src\/\*\.py'/) });
  });

  it("glob syntax: braces, classes, ?, absolute patterns; a file whose name looks like a glob is taken literally", () => {
    expect(expandBraces("a/{b,c{d,e}}/*.ts")).toEqual(["a/b/*.ts", "a/cd/*.ts", "a/ce/*.ts"]);
    expect(segmentRegExp("[!x]?.scoremod.ts").test("ab.scoremod.ts")).toBe(true);
    expect(segmentRegExp("[!x]?.scoremod.ts").test("xb.scoremod.ts")).toBe(false);
    expect(globFiles("src/{a,nested/c}.scoremod.ts", ws).sort()).toEqual(["src/a.scoremod.ts", "src/nested/c.scoremod.ts"]);
    expect(globFiles(`${ws.split(sep).join("/")}/src/nested/?.scoremod.ts`, "/").length).toBe(2);
    put("weird[1].scoremod.ts", KV);
    expect(expandFiles(["weird[1].scoremod.ts"], ws)).toEqual([{ path: "weird[1].scoremod.ts" }]);
  });

  it("one literal FILE keeps the one-file JSON document; several (or a glob) give { files }", async () => {
    const one = JSON.parse((await check(["src/a.scoremod.ts", "--json"])).out);
    expect(one.file).toBe(nat("src/a.scoremod.ts"));
    const many = await check(["src/**/*.scoremod.ts", "missing.scoremod.ts", "--format", "json"]);
    expect(many.code).toBe(2);
    const doc = JSON.parse(many.out);
    expect(doc.files.map((f: { file: string }) => f.file)).toEqual([nat("src/a.scoremod.ts"), nat("src/nested/b.scoremod.ts"), nat("src/nested/c.scoremod.ts"), "missing.scoremod.ts"]);
    expect(doc).toMatchObject({ errors: 1, unreadable: 1 });
    expect(doc.files[3]).toEqual({ file: "missing.scoremod.ts", error: "missing.scoremod.ts: no such file" });
  });
});

describe("the JSON Schemas in docs/schemas validate real CLI output", () => {
  it("check --json: one file, several files, --shape, errors and usage errors", async () => {
    const docs = [
      (await check([EX("document_mask.scoremod.ts"), "--json"])).out,
      (await check([EX("kv_bias.scoremod.ts"), "--json", "--target", "runner-hopper", "--vec", "2"])).out,
      (await check([EX("sliding_window.scoremod.ts"), "--json", "--shape", "1,2,1024,1024"])).out,
      (await check([EX("document_mask.scoremod.ts"), "--json", "--shape", "1,1,512,512"])).out,
      (await check([join(ROOT, "test/gpu/fixtures/short_table.scoremod.ts"), "--shape", "1,4,256,256", "--json"])).out,
      (await check(["src/**/*.scoremod.ts", "missing.scoremod.ts", "--json"])).out,
      (await check([EX("relative_position.scoremod.ts"), "--vec", "4", "--json"])).out,
      (await check([EX("packed_mask.scoremod.ts"), "--json"])).out,
      (await check(["--json"])).out,
    ];
    for (const text of docs) {
      const doc = JSON.parse(text);
      expect(validCheck(doc), errorsOf(validCheck)).toBe(true);
    }
    // and it is not vacuous
    expect(validCheck({ file: "x", target: "fa4-sm100", diagnostics: [{ line: 0, col: 1, endLine: 1, endCol: 1, severity: "fatal", code: "X", message: "" }], mods: [], tensors: [], scalars: [], errors: 0, warnings: 0 })).toBe(false);
    expect(validCheck({ files: [{ file: "a" }], errors: 0, warnings: 0, unreadable: 0 })).toBe(false);
  });

  it("sweep: bench --sweep --json (here without a GPU), a recorded runner SweepResult, the display table", async () => {
    let out = "";
    const io: Io = { out: (t) => { out += t; }, err: () => {} };
    const code = await bench([EX("kv_bias.scoremod.ts"), "--sweep", "--json", "--shape", "1,1,256,256,64"], io);
    expect([0, 1]).toContain(code);
    expect(validSweep(JSON.parse(out)), errorsOf(validSweep)).toBe(true);
    for (const f of ["test/fixtures/e2e/sweep-kv_bias.json", "test/lsp/fixtures/kv_bias.sweep.json"]) {
      expect(validSweep(JSON.parse(readFileSync(join(ROOT, f), "utf8"))), f + errorsOf(validSweep)).toBe(true);
    }
    const recorded = JSON.parse(readFileSync(join(ROOT, "test/fixtures/e2e/sweep-kv_bias.json"), "utf8"));
    expect(validSweep({ file: "x.scoremod.ts", results: [recorded, { mod: "m", error: { kind: "no-gpu", message: "none" } }] }), errorsOf(validSweep)).toBe(true);
    recorded.cells[0].result.compile.registers = "many";
    expect(validSweep(recorded)).toBe(false);
    expect(validSweep({ mod: "m", target: "t", points: [{ vecSize: 0, align: "elem", tflops: 1 }] })).toBe(false);
  });
});

describe("colour and code frames", () => {
  it("colour: a terminal, NO_COLOR, FORCE_COLOR, TERM=dumb, --color", () => {
    expect(useColor(true, {})).toBe(true);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(undefined, {})).toBe(false);
    expect(useColor(true, { NO_COLOR: "1" })).toBe(false);
    expect(useColor(true, { NO_COLOR: "" })).toBe(true);
    expect(useColor(false, { FORCE_COLOR: "1" })).toBe(true);
    expect(useColor(true, { FORCE_COLOR: "0" })).toBe(false);
    expect(useColor(false, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(true);
    expect(useColor(true, { TERM: "dumb" })).toBe(false);
    expect(useColor(false, {}, "always")).toBe(true);
    expect(useColor(true, { FORCE_COLOR: "1" }, "never")).toBe(false);
  });

  it("human output is coloured on a terminal and plain in a pipe or with NO_COLOR", async () => {
    const tty = await check(["src/nested/b.scoremod.ts"], { outIsTTY: true, env: {} });
    expect(tty.out).toContain("\x1b[31merror\x1b[39m");
    expect(tty.code).toBe(1);
    const noColor = await check(["src/nested/b.scoremod.ts"], { outIsTTY: true, env: { NO_COLOR: "1" } });
    expect(noColor.out).not.toContain("\x1b[");
    expect((await check(["src/nested/b.scoremod.ts"], { outIsTTY: false })).out).not.toContain("\x1b[");
    expect((await check(["src/nested/b.scoremod.ts"], { outIsTTY: false, env: { FORCE_COLOR: "1" } })).out).toContain("\x1b[");
    expect((await check(["src/nested/b.scoremod.ts", "--color", "always"])).out).toContain("\x1b[");
    expect((await check(["src/nested/b.scoremod.ts", "--color", "sometimes"])).code).toBe(2);
    // Machine formats never carry colour.
    expect((await check(["src/nested/b.scoremod.ts", "--json"], { outIsTTY: true, env: { FORCE_COLOR: "1" } })).out).not.toContain("\x1b[");
  });

  it("each diagnostic gets its source line and a caret under its range", async () => {
    const r = await check(["src/nested/b.scoremod.ts"]);
    const lines = r.out.split("\n");
    const at = lines.findIndex((l) => l.includes(":3:59 error SM106"));
    expect(lines[at + 1]).toBe(" 3 | export const m = scoreMod((s, b, h, q, kv) => s + t.at(b, kv / 2));");
    expect(lines[at + 2]).toBe("   | " + " ".repeat(58) + "^^^^^^");
    // "kv / 2" is columns 59..64: the carets sit exactly under it.
    expect(lines[at + 1]!.slice(5 + 58, 5 + 64)).toBe("kv / 2");
  });

  it("code frame: tabs kept, an empty range gets one caret, a multi-line range runs to the end of its first line, long lines are windowed", () => {
    const pos = (l: number, c: number) => ({ line: l, character: c });
    expect(codeFrame(["\tx = y;"], { start: pos(0, 5), end: pos(0, 6) })).toEqual([" 1 | \tx = y;", "   | \t    ^"]);
    expect(codeFrame(["abc"], { start: pos(0, 1), end: pos(0, 1) })[1]).toBe("   |  ^");
    expect(codeFrame(["abcdef", "g"], { start: pos(0, 2), end: pos(1, 1) })[1]).toBe("   |   ^^^^");
    expect(codeFrame(["x"], { start: pos(5, 0), end: pos(5, 1) })).toEqual([]);
    const long = "a".repeat(300) + "TARGET" + "b".repeat(300);
    const [src, caret] = codeFrame([long], { start: pos(0, 300), end: pos(0, 306) });
    expect(src!.length).toBeLessThan(140);
    expect(src!.indexOf("TARGET")).toBe(caret!.indexOf("^"));
  });
});

describe("--format sarif", () => {
  it("SARIF 2.1.0: one run, rules from the codes with links to docs/diagnostics/<CODE>.md, 1-based regions, fixes", async () => {
    const r = await check(["src/**/*.scoremod.ts", "--format", "sarif"]);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.out);
    expect(s.version).toBe("2.1.0");
    expect(s.$schema).toMatch(/sarif-2\.1\.0/);
    expect(s.runs).toHaveLength(1);
    const run0 = s.runs[0];
    expect(run0.tool.driver.name).toBe("scoremod");
    expect(run0.tool.driver.version).toBe(JSON.parse(readFileSync(join(ROOT, "server/package.json"), "utf8")).version);
    const rule = run0.tool.driver.rules.find((x: { id: string }) => x.id === "SM106");
    expect(rule.helpUri).toMatch(/^file:\/\/.*\/docs\/diagnostics\/SM106\.md$/);
    expect(rule.shortDescription.text).toBe("A float used as a tensor index");
    const res = run0.results.find((x: { ruleId: string }) => x.ruleId === "SM106");
    expect(res).toMatchObject({ level: "error", ruleIndex: run0.tool.driver.rules.indexOf(rule) });
    expect(res.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "src/nested/b.scoremod.ts", uriBaseId: "%SRCROOT%" },
      region: { startLine: 3, startColumn: 59, endLine: 3, endColumn: 65 },
    });
    expect(run0.originalUriBaseIds["%SRCROOT%"].uri).toMatch(/^file:\/\/.*\/$/);
    expect(run0.invocations[0].executionSuccessful).toBe(true);
    const base = JSON.parse((await check(["src/nested/b.scoremod.ts", "--format", "sarif", "--docs-url", "https://example.org/docs/diagnostics/"])).out);
    expect(base.runs[0].tool.driver.rules[0].helpUri).toBe("https://example.org/docs/diagnostics/SM106.md");
  });

  it("fixes become SARIF fixes; warnings and notes map to warning / note; unreadable files are tool notifications", async () => {
    const s = JSON.parse((await check([EX("relative_position.scoremod.ts"), "missing.scoremod.ts", "--vec", "4", "--format", "sarif"])).out);
    const levels = new Set(s.runs[0].results.map((x: { level: string }) => x.level));
    expect([...levels].every((l) => ["error", "warning", "note"].includes(l as string))).toBe(true);
    expect(levels.has("note")).toBe(true);
    expect(s.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false, toolExecutionNotifications: [{ level: "error", message: { text: "missing.scoremod.ts: no such file" } }] });
    const withFix = s.runs[0].results.find((x: { fixes?: unknown[] }) => x.fixes?.length);
    if (withFix) expect(withFix.fixes[0].artifactChanges[0].replacements[0]).toHaveProperty("deletedRegion.startLine");
  });
});

describe("--format github", () => {
  it("one workflow command per diagnostic, relative paths, exit code unchanged", async () => {
    const r = await check(["src/**/*.scoremod.ts", "--format", "github"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^::error file=src\/nested\/b\.scoremod\.ts,line=3,col=59,endLine=3,endColumn=65,title=SM106::tensor index 'kv \/ 2' is a float/m);
    expect(r.out.trim().split("\n").every((l) => /^::(error|warning|notice) file=[^:]+,line=\d+,col=\d+,endLine=\d+(,endColumn=\d+)?,title=[A-Z]+\d+::.+$/.test(l))).toBe(true);
    expect((await check(["src/a.scoremod.ts", "--format", "github"])).out).toBe("");
  });

  it("escapes % \\r \\n in messages and also : , in properties, as the Actions runner reads them", () => {
    expect(escapeData("100% done\r\nnext: a, b")).toBe("100%25 done%0D%0Anext: a, b");
    expect(escapeProperty("C:\\x,y%\n")).toBe("C%3A\\x%2Cy%25%0A");
    // Escape % first, so an escape in the input is not read as one.
    expect(escapeData("%0A")).toBe("%250A");
  });

  it("a multi-line message stays one command; usage errors", async () => {
    const p = put("ml/odd, name: x.scoremod.ts", BAD);
    const r = await check([p, "--format", "github"]);
    expect(r.out).toContain("file=" + p.split(sep).join("/").replace(/:/g, "%3A").replace(/,/g, "%2C").replace(ws.split(sep).join("/") + "/", ""));
    expect(r.out.split("\n").filter(Boolean)).toHaveLength(1);
    expect((await check([p, "--format", "xml"])).err).toMatch(/--format must be one of text, json, sarif, github, got 'xml'/);
    expect((await check([p, "--json", "--format", "sarif"])).code).toBe(2);
    expect((await check([p, "--json", "--format", "json"])).code).toBe(1);
  });
});

describe("bench: the [k/N] counter", () => {
  const capture = (errIsTTY: boolean) => {
    let err = "";
    return { io: { out: () => {}, err: (t: string) => { err += t; }, errIsTTY } as Io, text: () => err };
  };
  const sweepEvents = (p: BenchProgress) => {
    p.event("compile", "3 cells");
    p.event("cell", "V=1 align=elem");
    p.event("launch", "kvBias");
    p.event("cell", "V=2 align=elem");
    p.event("cell", "V=4 align=elem");
  };

  it("on a terminal: mods and sweep cells are counted", () => {
    const c = capture(true);
    const p = new BenchProgress(c.io, { mods: 2, asked: false, json: false });
    p.startMod("kvBias", "sweep");
    sweepEvents(p);
    p.startMod("other", "sweep");
    expect(c.text()).toBe("[1/2] sweep kvBias\n  .. compile 3 cells\n  [1/3] kvBias V=1 align=elem\n  .. launch kvBias\n  [2/3] kvBias V=2 align=elem\n  [3/3] kvBias V=4 align=elem\n[2/2] sweep other\n");
  });

  it("in a pipe: no counters (the stage lines as before) unless --progress; with --json only when asked", () => {
    const pipe = capture(false);
    const p = new BenchProgress(pipe.io, { mods: 2, asked: false, json: false });
    p.startMod("kvBias", "sweep");
    sweepEvents(p);
    expect(pipe.text()).not.toMatch(/\[\d+\/\d+\]/);
    expect(pipe.text()).toContain("  .. cell V=1 align=elem\n");
    const asked = capture(false);
    const q = new BenchProgress(asked.io, { mods: 1, asked: true, json: true });
    q.startMod("kvBias", "sweep");
    q.onProgress!("compile", "3 cells");
    q.onProgress!("cell", "V=1 align=elem");
    expect(asked.text()).toContain("  [1/3] kvBias V=1 align=elem\n");
    expect(new BenchProgress(capture(true).io, { mods: 1, asked: false, json: true }).onProgress).toBeUndefined();
  });

  it("bench accepts --progress", async () => {
    let out = "";
    const code = await bench([EX("kv_bias.scoremod.ts"), "--progress", "--shape", "1,1,256,256,64"], { out: (t) => { out += t; }, err: () => {} });
    expect([0, 1]).toContain(code);
    expect(out).not.toMatch(/unknown option/);
  });
});

describe("the bundled CLI: --version, and the language server bundle's check mode", () => {
  const dir = mkdtempSync(join(tmpdir(), "scoremod-cli-"));
  const cli = join(dir, "cli.js");
  beforeAll(async () => {
    await build({ entryPoints: [join(ROOT, "server/src/cli/main.ts")], bundle: true, platform: "node", target: "node20", format: "cjs", outfile: cli, logLevel: "silent" });
  }, 120_000);

  it("--version and -V print the package version; help lists it", () => {
    const version = JSON.parse(readFileSync(join(ROOT, "server/package.json"), "utf8")).version;
    for (const flag of ["--version", "-V"]) {
      const r = spawnSync(process.execPath, [cli, flag], { encoding: "utf8" });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`scoremod ${version}\n`);
    }
    expect(spawnSync(process.execPath, [cli, "--help"], { encoding: "utf8" }).stdout).toMatch(/scoremod --version \| -V/);
  });

  it("dist/server.js's check mode (what the editor's task runs) is scoremod check", async () => {
    const server = join(dir, "server.js");
    await build({ entryPoints: [join(ROOT, "server/src/lsp/main.ts")], bundle: true, platform: "node", target: "node20", format: "cjs", outfile: server, logLevel: "silent" });
    const r = spawnSync(process.execPath, [server, ...checkArgs(server, {}, "fa4-sm100").slice(1)], { encoding: "utf8", cwd: ws });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${nat("src/nested/b.scoremod.ts")}:3:59 error SM106 `);
    expect(r.stdout).toMatch(/\d+ files: \d+ errors?, 0 warnings\n$/);
  }, 120_000);

  it("a glob through the real process (no shell expansion), NO_COLOR in a pipe", () => {
    const r = spawnSync(process.execPath, [cli, "check", "src/**/*.scoremod.ts"], { encoding: "utf8", cwd: ws, env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: "1" } });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/3 files: 1 error, 0 warnings\n$/);
    expect(r.stdout).not.toContain("\x1b[");
  });
});

describe("the editor: $scoremod problem matcher, check-workspace task, jsonValidation", () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, "client/package.json"), "utf8"));
  const matcher = manifest.contributes.problemMatchers.find((m: { name: string }) => m.name === "scoremod");

  it("the matcher's pattern reads every diagnostic line of real check output, and nothing else", async () => {
    const re = new RegExp(matcher.pattern.regexp);
    const r = await check(["src/**/*.scoremod.ts", "other.scoremod.ts", "--vec", "4", "--shape", "1,1,512,512"]);
    const json = JSON.parse((await check(["src/**/*.scoremod.ts", "other.scoremod.ts", "--vec", "4", "--shape", "1,1,512,512", "--json"])).out);
    const expected = json.files.flatMap((f: { file: string; diagnostics: { line: number; col: number; severity: string; code: string }[] }) =>
      f.diagnostics.map((d) => [f.file, String(d.line), String(d.col), d.severity, d.code]));
    const matched = r.out.split("\n").map((l) => re.exec(l)).filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[matcher.pattern.file], m[matcher.pattern.line], m[matcher.pattern.column], m[matcher.pattern.severity], m[matcher.pattern.code]]);
    expect(expected.length).toBeGreaterThan(0);
    expect(matched).toEqual(expected);
    expect(matcher).toMatchObject({ owner: "scoremod", fileLocation: ["autoDetect", "${workspaceFolder}"] });
  });

  it("the task: a task definition, and a command line of the server bundle's check mode over the workspace", () => {
    const def = manifest.contributes.taskDefinitions.find((t: { type: string }) => t.type === "scoremod");
    expect(def.required).toEqual(["command"]);
    expect(checkArgs("/ext/dist/server.js", {}, "fa4-sm90")).toEqual(["/ext/dist/server.js", "check", "**/*.scoremod.ts", "--target", "fa4-sm90", "--color", "never"]);
    expect(checkArgs("s.js", { files: ["a/*.scoremod.ts"], target: "runner-sm80" }, "fa4-sm90")).toEqual(["s.js", "check", "a/*.scoremod.ts", "--target", "runner-sm80", "--color", "never"]);
    const src = readFileSync(join(ROOT, "client/src/features/tasks.ts"), "utf8");
    expect(src).toContain('["$scoremod"]');
    expect(readFileSync(join(ROOT, "client/src/extension.ts"), "utf8")).toContain("tasks.activate(ctx)");
  });

  it("*.sweep.json and *.check.json (`check --json`, as npm run main names them) are validated by the published schemas", () => {
    expect(manifest.contributes.jsonValidation).toEqual([
      { fileMatch: "*.sweep.json", url: "../docs/schemas/sweep.schema.json" },
      { fileMatch: "*.check.json", url: "../docs/schemas/check.schema.json" },
    ]);
    expect(readFileSync(join(ROOT, "client", manifest.contributes.jsonValidation[0].url), "utf8")).toContain("SweepResult");
    expect(JSON.parse(readFileSync(join(ROOT, "client", manifest.contributes.jsonValidation[1].url), "utf8"))).toEqual(schema("check.schema.json"));
  });
});
