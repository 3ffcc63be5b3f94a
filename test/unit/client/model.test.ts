// The webview's data model and page shell: sweep results -> series/table, heat maps, CSP.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { csp, makeNonce, pageHtml } from "../../../client/src/webview/html";
import { applyViewMessage, maskViewModel, parseSweepData, sweepModel, type SweepData } from "../../../client/src/webview/model";
import type { HeatMapOk } from "../../../server/src/protocol";
import { maskView } from "../../../server/src/view/maskView";

const data: SweepData = {
  mod: "kvBiasMod", target: "runner-sm90", problem: "B=1 H=16 S=8192 D=128",
  points: [
    { vecSize: 8, align: 16, tflops: 650, registers: 90 },
    { vecSize: 1, align: 16, tflops: 304 },
    { vecSize: 1, align: "elem", tflops: 300 },
    { vecSize: 8, align: "elem", tflops: null, error: "compile" },
    { vecSize: 128, align: 16, tflops: 301, registers: 255, spills: 12 },
  ],
};

describe("sweep model", () => {
  test("series per alignment (elem first), x = V ascending, gaps for missing/failed", () => {
    const m = sweepModel(data);
    expect(m.xs).toEqual([1, 8, 128]);
    expect(m.series.map((s) => s.label)).toEqual(["align = elem", "align 16 B"]);
    expect(m.series[0].values).toEqual([300, null, null]);
    expect(m.series[1].values).toEqual([304, 650, 301]);
    expect(m.best).toEqual({ vecSize: 8, align: 16, tflops: 650 });
    expect(m.title).toBe("kvBiasMod on runner-sm90 · B=1 H=16 S=8192 D=128");
  });

  test("table rows carry registers, spills and failures", () => {
    expect(sweepModel(data).table).toEqual({
      columns: ["V", "align = elem", "align 16 B"],
      rows: [["1", "300", "304"], ["8", "✗ compile", "650 (90r)"], ["128", "—", "301 (255r, 12 spill)"]],
    });
  });

  test("a cell whose reps ran at two speeds is marked, and the note says what the mark means", () => {
    const two = sweepModel({ ...data, points: data.points.map((p) => (p.vecSize === 8 && p.align === 16 ? { ...p, twoSpeeds: true } : p)) });
    expect(two.table.rows[1]).toEqual(["8", "✗ compile", "650 ~ (90r)"]);
    expect(two.note).toMatch(/^~: the GPU changed speed/);
    expect(sweepModel(data)).not.toHaveProperty("note");
  });

  test("no successful point: best is null", () => {
    expect(sweepModel({ mod: "m", target: "t", points: [{ vecSize: 2, align: 4, tflops: null }] }).best).toBeNull();
  });

  test("recorded sweep JSON is validated with a message that says what is wrong", () => {
    expect(parseSweepData(JSON.stringify(data)).points).toHaveLength(5);
    expect(() => parseSweepData("{")).toThrow(/not JSON/);
    expect(() => parseSweepData("[]")).toThrow(/mod and target/);
    expect(() => parseSweepData(JSON.stringify({ mod: "m", target: "t", points: [{ vecSize: 0, align: 16, tflops: 1 }] }))).toThrow(/points\[0\]\.vecSize/);
    expect(() => parseSweepData(JSON.stringify({ mod: "m", target: "t", points: [{ vecSize: 2, align: "x", tflops: 1 }] }))).toThrow(/align/);
  });
});

describe("recorded sweeps", () => {
  test("the display fixture (test/lsp/fixtures) parses and charts", () => {
    const d = parseSweepData(readFileSync(join(__dirname, "..", "..", "lsp", "fixtures", "kv_bias.sweep.json"), "utf8"));
    const m = sweepModel(d);
    expect(m.xs).toEqual([1, 8, 64, 128]);
    expect(m.series.map((s) => s.label)).toEqual(["align = elem", "align 8 B", "align 16 B"]);
    expect(m.best).toEqual({ vecSize: 64, align: 16, tflops: 855 });
  });

  test("a malformed runner SweepResult is refused with what is wrong, never a TypeError later (issue 14, item 8)", () => {
    const base = { mod: "m", device: "d", shape: { B: 1, H: 1, Q: 8, KV: 8, D: 64 } };
    const bad: [unknown, RegExp][] = [
      [{ mod: "m", shape: {}, device: "d", cells: [{ vec: 1, align: "elem", result: {} }] }, /shape\.B/],
      [{ ...base, shape: 5, cells: [] }, /shape an object/],
      [{ ...base, cells: [{ vec: 1, align: "elem", result: {} }] }, /cells\[0\]\.result needs ok/],
      [{ ...base, cells: [{ vec: 1, align: 16, result: { ok: true } }] }, /cells\[0\]\.result\.compile/],
      [{ ...base, cells: [{ vec: 1, align: 16, result: { ok: true, compile: { registers: 1, spillStores: 0, spillLoads: 0 }, timing: { ms: "x" } } }] }, /timing needs ms/],
      [{ ...base, cells: [{ vec: 1, align: 16, error: "boom" }] }, /error needs a kind/],
      [{ ...base, cells: [null] }, /cells\[0\] needs vec/],
    ];
    for (const [r, why] of bad) expect(() => parseSweepData(JSON.stringify(r)), JSON.stringify(r)).toThrow(why);
  });

  test("the runner's SweepResult is accepted too", () => {
    const cell = (vec: number, align: number | "elem", tflops: number | null) => tflops === null
      ? { vec, align, error: { kind: "compile", message: "x" } }
      : { vec, align, result: { ok: true, timing: { ms: 1, tflops }, compile: { registers: 80, spillStores: 1, spillLoads: 2 } } };
    const r = { mod: "m", device: "NVIDIA H100", shape: { B: 1, H: 16, Hkv: 16, Q: 8192, KV: 8192, D: 128 }, cells: [cell(1, 16, 300), cell(8, 16, 600), cell(8, "elem", null)] };
    const d = parseSweepData(JSON.stringify(r));
    expect(d.problem).toBe("B=1 H=16 Q=8192 KV=8192 D=128 · NVIDIA H100");
    expect(d.points).toEqual([
      { vecSize: 1, align: 16, tflops: 300, timeMs: 1, registers: 80, spills: 3, error: undefined },
      { vecSize: 8, align: 16, tflops: 600, timeMs: 1, registers: 80, spills: 3, error: undefined },
      { vecSize: 8, align: "elem", tflops: null, timeMs: undefined, registers: undefined, spills: undefined, error: "compile" },
    ]);
    expect(() => parseSweepData(JSON.stringify({ cells: [] }))).toThrow(/mod, shape and device/);
  });
});

describe("mask and score view model", () => {
  const base: HeatMapOk = {
    ok: true, mod: "softcap", kind: "score", pair: "causal", shape: { B: 1, H: 2, Q: 256, KV: 256 }, b: 0, h: 1,
    tiles: { tileQ: 128, tileKv: 128, nQ: 2, nKv: 2, classes: [1, 0, 2, 1], tiles: 4, empty: 1, full: 1, partial: 2, sparsity: 0.25, proof: "static" },
    window: { q0: 4, kv0: 8, rows: 2, cols: 3, raw: [-2, 0.5, 2, 1, 1, 1], out: [-2, 0, 2, "-inf", "nan", 1], keep: [true, true, false, true, true, true] },
  };

  test("kept scores on the colour scale; masked, -inf and NaN flagged", () => {
    const m = maskViewModel(base);
    const c = m.window!.cells;
    expect([c[0], c[2], c[3], c[4], c[5]]).toEqual([0, -1, -1, -2, 1]);  // kept -2..1; 2 is dropped by the mask
    expect(c[1]).toBeCloseTo(2 / 3, 12);
    expect([m.window!.min, m.window!.max]).toEqual([-2, 1]);
    expect(m.title).toBe("softcap + causal: B1 H2 Q256 KV256, b=0 h=1");
    expect(m.tiles.summary).toBe("1 of 4 tiles empty (25.0%) · 1 full · 2 partial · proven from the indices");
  });

  test("hover texts name (b, h, q, kv), the raw score, the score mod's output and the mask", () => {
    const m = maskViewModel(base);
    expect(m.window!.hover[2]).toBe("(b=0, h=1, q=4, kv=10) · raw score 2 · score_mod 2 · mask drop");
    expect(m.window!.hover[4]).toBe("(b=0, h=1, q=5, kv=9) · raw score 1 · score_mod nan · mask keep");
  });

  test("undecided tiles are a lower bound; a missing window keeps its reason", () => {
    const m = maskViewModel({ ...base, tiles: { ...base.tiles, sparsity: null, proof: "static", note: "needs data" }, window: null, windowError: "too large" });
    expect(m.tiles.summary).toMatch(/^at least 1 of 4 tiles empty \(≥ 25\.0%\)/);
    expect(m.window).toBeNull();
    expect(m.windowError).toBe("too large");
  });

  test("messages from the page are checked before they change the view", () => {
    const st = { uri: "file:///a", mod: "m", b: 0, h: 0, q0: 0, kv0: 0 };
    expect(applyViewMessage(st, { type: "zoom", q0: 128, kv0: 256 })).toMatchObject({ q0: 128, kv0: 256 });
    expect(applyViewMessage(st, { type: "select", b: 1, h: 3 })).toMatchObject({ b: 1, h: 3 });
    expect(applyViewMessage(st, { type: "zoom", q0: -1, kv0: 0 })).toBeNull();
    expect(applyViewMessage(st, { type: "select", b: "1; rm", h: 0 })).toBeNull();
    expect(applyViewMessage(null, { type: "zoom", q0: 0, kv0: 0 })).toBeNull();
  });
});

describe("webview page", () => {
  test("strict CSP: nothing by default, scripts only with the nonce, styles/images only from the webview source", () => {
    const c = csp("vscode-webview://abc", "N0nce");
    expect(c).toContain("default-src 'none'");
    expect(c).toContain("script-src 'nonce-N0nce'");
    expect(c).not.toMatch(/unsafe-(inline|eval)/);
    expect(c).toContain("style-src vscode-webview://abc 'nonce-N0nce'");
  });

  test("every script and stylesheet carries the nonce; titles are escaped", () => {
    const html = pageHtml({ title: "<x>&", cspSource: "src", nonce: "abc", scripts: ["a.js", "b.js"], styles: ["s.css"] });
    expect(html.match(/<script /g)).toHaveLength(2);
    expect(html.match(/<script nonce="abc"/g)).toHaveLength(2);
    expect(html).toContain('<link rel="stylesheet" nonce="abc" href="s.css">');
    expect(html).toContain("&#60;x&#62;&#38;");
    expect(html).not.toContain("<x>");
  });

  test("nonces come from the random source", () => {
    const n = makeNonce((k) => new Uint8Array(k).fill(7));
    expect(n).toHaveLength(32);
    expect(makeNonce((k) => new Uint8Array(k).fill(8))).not.toBe(n);
  });
});

describe("heat map of a score-only mod (issue 13: it read \"score' from 0.000 to 0.000\")", () => {
  test("the score input is the seeded raw score, so score' spans a real range", () => {
    const text = `import { scoreMod } from "scoremod";\nexport const twice = scoreMod((score, b, h, q, kv) => score * 2);\n`;
    const r = maskView("/w/twice.scoremod.ts", text, { mod: "twice", size: 16 });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const legend = maskViewModel(r as HeatMapOk).window!.legend;
    const [, lo, hi] = /score' from (\S+) to (\S+),/.exec(legend)!;
    expect(Number(lo)).toBeLessThan(-1);
    expect(Number(hi)).toBeGreaterThan(1);
  });
});
