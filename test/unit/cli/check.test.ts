// `scoremod check` end to end: human and JSON output on the examples, exit codes, and every
// kind of bad input getting a one-line message (never a stack trace).
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../../../server/src/cli/check";
import { MAX_SOURCE_BYTES, parseArgs, UsageError } from "../../../server/src/cli/args";

const ROOT = join(__dirname, "../../..");
const EX = (f: string) => join(ROOT, "examples", f);

async function check(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), "scoremod-check-"));
function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe("scoremod check: output", () => {
  it("prints one line per load in the documented format and exits 0", async () => {
    const r = await check([EX("kv_bias.scoremod.ts")]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    const lines = readFileSync(EX("kv_bias.scoremod.ts"), "utf8").split("\n");
    const line = lines.findIndex((l) => l.includes("kvBias.at("));
    const col = lines[line].indexOf("kvBias.at(") + 1;
    expect(r.out).toContain(`${EX("kv_bias.scoremod.ts")}:${line + 1}:${col} kvBias.at(b,h,kv)  contiguous  v8 · 16 B · 1 load / 8 scores\n`);
    expect(r.out).toMatch(/1 mod, 1 aux load, 0 errors, 0 warnings \(target fa4-sm100\)/);
  });

  it("--json prints the contract with 1-based positions", async () => {
    // runner-hopper: a pairs target that takes a V = 2 mask (FA4 refuses one on sm90, SM172).
    const r = await check([EX("document_mask.scoremod.ts"), "--json", "--target", "runner-hopper", "--vec", "2"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(["file", "target", "diagnostics", "mods"]));
    expect(j.target).toBe("runner-hopper");
    expect(j.mods).toHaveLength(1);
    const m = j.mods[0];
    expect(m).toMatchObject({ name: "documentMask", kind: "mask", vecSize: 2 });
    expect(m.loads).toHaveLength(2);
    for (const l of m.loads) {
      for (const k of ["line", "col", "tensor", "class", "widthElems", "widthBytes", "loadsPerVec", "why", "obligations"]) expect(l).toHaveProperty(k);
      expect(l.line).toBeGreaterThanOrEqual(1);
      expect(l.col).toBeGreaterThanOrEqual(1);
      expect(Array.isArray(l.obligations)).toBe(true);
    }
    const src = readFileSync(EX("document_mask.scoremod.ts"), "utf8").split("\n");
    expect(src[m.loads[1].line - 1].slice(m.loads[1].col - 1)).toMatch(/^docId\.at\(b, kv\)/);
    expect(m.loads.map((l: { class: string }) => l.class)).toEqual(["uniform", "contiguous"]);
    for (const d of j.diagnostics) for (const k of ["line", "col", "severity", "code", "message"]) expect(d).toHaveProperty(k);
  });

  it("exits 1 and prints located diagnostics when the file has errors", async () => {
    const p = file("bad.scoremod.ts", `import { scoreMod, tensor, bf16 } from "scoremod";
export const t = tensor("t", bf16, ["B", "KV"]);
export const m = scoreMod((s, b, h, q, kv) => s + t.at(b, kv / 2));
`);
    const r = await check([p]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${p}:3:59 error SM106 `);
    const j = JSON.parse((await check([p, "--json"])).out);
    expect(j.diagnostics[0]).toMatchObject({ line: 3, col: 59, severity: "error", code: "SM106" });
    expect(j.mods[0].ok).toBe(false);
  });

  it("on runner-hopper, says which loads are staged in shared memory and why the others are not", async () => {
    const kv = await check([EX("kv_bias.scoremod.ts"), "--target", "runner-hopper", "--vec", "2"]);
    expect(kv.out).toMatch(/kvBias\.at\(b,h,kv\)  contiguous .*\n    staged in shared memory: the producer warps copy one row of 128 values per kv tile, read by all 128 query rows of the block \(cp\.async, 16 B chunks, 256 B per stage\)/);
    const full = await check([EX("full_bias.scoremod.ts"), "--target", "runner-hopper", "--vec", "2"]);
    expect(full.out).toMatch(/    staged in shared memory: the producer copies this load's 128 × 128 tile per kv tile with TMA/);
    const j = JSON.parse((await check([EX("kv_bias.scoremod.ts"), "--target", "runner-hopper", "--vec", "2", "--json"])).out);
    expect(j.mods[0].loads[0].staging).toEqual({ rows: "row", chunkBytes: 16, bytes: 256, offset: 0 });
  });

  it("prints a load's why-not once (not again as an info diagnostic); JSON keeps the diagnostic", async () => {
    const r = await check([EX("relative_position.scoremod.ts"), "--vec", "4"]);
    expect(r.out).toMatch(/relTable\.at\(h,dist \+ 128\)  gather  v1 · 2 B · 4 loads \/ 4 scores\n    why not wider: (.+)\n/);
    const why = /why not wider: (.+)\n/.exec(r.out)?.[1] ?? "";
    expect(r.out.split(why).length - 1).toBe(1);
    const j = JSON.parse((await check([EX("relative_position.scoremod.ts"), "--vec", "4", "--json"])).out);
    expect(j.diagnostics.some((d: { severity: string; message: string }) => d.severity === "info" && d.message.endsWith(why))).toBe(true);
  });

  it("every example passes", async () => {
    for (const f of ["alibi", "causal", "document_mask", "full_bias", "kv_bias", "prefix_lm", "relative_position", "sliding_window", "softcap"]) {
      expect((await check([EX(`${f}.scoremod.ts`)])).code, f).toBe(0);
    }
  });
});

describe("scoremod check: bad input", () => {
  const cases: [string, () => string[], RegExp][] = [
    ["missing file", () => [join(dir, "nope.scoremod.ts")], /nope\.scoremod\.ts: no such file/],
    ["a directory", () => [dir], /is a directory/],
    ["not TypeScript", () => [file("model.py", "import torch\n")], /not a TypeScript source file .*'\.py'/],
    ["a declaration file", () => [file("x.d.ts", "export {};\n")], /not a TypeScript source file/],
    ["empty", () => [file("empty.scoremod.ts", "")], /empty file/],
    ["only whitespace", () => [file("blank.scoremod.ts", "  \n\n\t\n")], /empty file/],
    ["binary", () => [file("bin.scoremod.ts", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]))], /binary file/],
    ["not UTF-8", () => [file("latin1.scoremod.ts", Buffer.from([0x2f, 0x2f, 0x20, 0xe9, 0xe8, 0x0a]))], /not valid UTF-8/],
    ["over 5 MB", () => [file("huge.scoremod.ts", "// x\n".repeat(Math.ceil((MAX_SOURCE_BYTES + 10) / 5)))], /too large .* the limit is 5 MB/],
    ["no file", () => [], /missing FILE/],
    ["unknown option", () => [EX("kv_bias.scoremod.ts"), "--fast"], /unknown option '--fast'/],
    ["unknown target", () => [EX("kv_bias.scoremod.ts"), "--target", "sm75"], /unknown target 'sm75'/],
    ["vec not a number", () => [EX("kv_bias.scoremod.ts"), "--vec", "eight"], /--vec' needs an integer/],
    ["vec not a power of two", () => [EX("kv_bias.scoremod.ts"), "--vec", "6"], /power of two/],
    ["vec past 32 bits that bitwise tests would take for a power of two", () => [EX("kv_bias.scoremod.ts"), "--vec", "6442450944"], /power of two/],
    ["vec missing its value", () => [EX("kv_bias.scoremod.ts"), "--vec"], /--vec' needs a value/],
  ];
  for (const [name, argv, msg] of cases) {
    it(`${name}: exit 2 and a clear message`, async () => {
      const r = await check(argv());
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.out).toBe("");
    });
  }

  it("with --json, bad input is also a JSON error object on stdout", async () => {
    const r = await check([join(dir, "nope.ts"), "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({ error: expect.stringMatching(/no such file/) });
  });

  it("a TypeScript file with garbage gets located syntax errors, not a crash", async () => {
    const r = await check([file("junk.scoremod.ts", "def f(x):\n  return x ** 2 {{{ \n")]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/junk\.scoremod\.ts:1:\d+ error TS\d+ /);
  });
});

describe("parseArgs", () => {
  const spec = { target: "string", vec: "int", json: "boolean" } as const;
  it("parses --k v, --k=v, booleans and positionals; -- ends flags", () => {
    expect(parseArgs(["f.ts", "--vec=4", "--target", "fa4-sm90", "--json", "--", "--x"], spec))
      .toEqual({ positional: ["f.ts", "--x"], flags: { vec: 4, target: "fa4-sm90", json: true } });
  });
  it("rejects repeated flags and values on booleans", () => {
    expect(() => parseArgs(["--vec", "2", "--vec", "4"], spec)).toThrow(UsageError);
    expect(() => parseArgs(["--json=yes"], spec)).toThrow(/takes no value/);
  });
});

describe("the bundled CLI", () => {
  const out = join(dir, "cli.cjs");
  beforeAll(async () => {
    const entry = join(dir, "entry.ts");
    mkdirSync(dir, { recursive: true });
    writeFileSync(entry, `import { run } from ${JSON.stringify(join(ROOT, "server/src/cli/check.ts"))};\nrun(process.argv.slice(2)).then((c) => { process.exitCode = c; });\n`);
    await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", outfile: out, logLevel: "silent", nodePaths: [join(ROOT, "node_modules")] });
  });

  it("runs as a process: exit codes and output", () => {
    const ok = spawnSync(process.execPath, [out, EX("kv_bias.scoremod.ts"), "--json"], { encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).mods[0].loads[0].class).toBe("contiguous");
    const missing = spawnSync(process.execPath, [out, join(dir, "missing.ts")], { encoding: "utf8" });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^scoremod check: .*missing\.ts: no such file\n$/);
  });
});

describe("scoremod check --shape: block sparsity", () => {
  it("reports proven tile counts per mod, with the scalar's value", async () => {
    const r = await check([EX("sliding_window.scoremod.ts"), "--shape", "1,16,8192,8192", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.shape).toEqual({ B: 1, H: 16, Q: 8192, KV: 8192 });
    const bs = doc.mods[0].blockSparsity;
    expect(bs).toMatchObject({ tileQ: 128, tileKv: 128, tiles: 16 * 64 * 64, proof: "static" });
    expect(bs.empty + bs.full + bs.partial).toBe(bs.tiles);
    expect(bs.sparsity).toBeCloseTo(bs.empty / bs.tiles, 12);
    // |q - kv| <= 256: each row of 64 tiles keeps at most 5 (two full neighbours and the partial edges).
    expect(bs.empty).toBeGreaterThan(16 * 64 * 58);
    const wide = JSON.parse((await check([EX("sliding_window.scoremod.ts"), "--shape", "1,16,8192,8192", "--scalar", "window=8192", "--json"])).out);
    expect(wide.mods[0].blockSparsity).toMatchObject({ empty: 0, full: 16 * 64 * 64, partial: 0 });
  });

  it("causal in text: half the off-diagonal tiles empty, proven", async () => {
    const r = await check([EX("causal.scoremod.ts"), "--shape", "2,1,1024,1024"]);
    expect(r.out).toContain("causalMask: block sparsity at B2 H1 Q1024 KV1024, 128x128 tiles: 56 empty, 56 full, 16 partial of 128 (43.8% empty, proven)");
  });

  it("a mask that reads aux data says it needs data", async () => {
    const doc = JSON.parse((await check([EX("document_mask.scoremod.ts"), "--shape", "1,1,512,512", "--json"])).out);
    expect(doc.mods[0].blockSparsity).toMatchObject({ proof: "data", sparsity: null, note: expect.stringMatching(/reads doc_id/) });
  });

  it("bad --shape, --dim and --scalar are usage errors", async () => {
    expect((await check([EX("causal.scoremod.ts"), "--shape", "1,2,3"])).code).toBe(2);
    expect((await check([EX("causal.scoremod.ts"), "--shape", "1,1,8,8", "--scalar", "window"])).code).toBe(2);
    expect((await check([EX("causal.scoremod.ts"), "--dim", "T=4"])).code).toBe(2);
  });
});

describe("scoremod check --shape: index safety comes from the analysis", () => {
  it("a violated index is an SM160 error (exit 1) and each load carries its verdict in the JSON", async () => {
    const f = join(ROOT, "test/gpu/fixtures/short_table.scoremod.ts");
    const text = await check([f, "--shape", "1,4,256,256"]);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/error SM160 short_bias index 1 leaves \[0, 128\) at B=1 H=4 Q=256 KV=256/);
    const doc = JSON.parse((await check([f, "--shape", "1,4,128,128", "--json"])).out);
    expect(doc.mods[0].loads[0].bounds).toMatchObject({ verdict: "proven", shape: "B=1 H=4 Q=128 KV=128", indices: [{ dim: 0, hi: 3 }, { dim: 1, hi: 127 }] });
  });
});

describe("scoremod check without --shape: index safety at every size", () => {
  it("every load carries a verdict that holds at every size; a size condition is SM163 information (exit 0)", async () => {
    const doc = JSON.parse((await check([EX("document_mask.scoremod.ts"), "--json"])).out);
    const loads = doc.mods[0].loads;
    expect(loads.map((l: { bounds: { verdict: string } }) => l.bounds.verdict)).toEqual(["obligation", "proven"]);
    expect(loads[0].bounds).toMatchObject({ shape: "any size", needs: ["Q ≤ KV"], indices: [{ dim: 0, range: "[0, B - 1]", verdict: "proven" }, { dim: 1, range: "[0, Q - 1]", extent: "KV", verdict: "obligation", needs: ["Q ≤ KV"] }] });
    const f = join(ROOT, "test/gpu/fixtures/short_table.scoremod.ts");
    const text = await check([f]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/info SM163 short_bias: index 1 \(\[0, KV - 1\] vs extent 128\) is in range when KV ≤ 128/);
    expect(text.out).toMatch(/fix: Clamp index 1 into its extent/);
    expect(text.out).toMatch(/fix: Guard the load: read it only where kv < 128/);
  });
});
