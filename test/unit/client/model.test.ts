// The webview's data model and page shell: sweep results -> series/table, heat maps, CSP.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { csp, makeNonce, pageHtml } from "../../../client/src/webview/html";
import { heatMapModel, parseSweepData, sweepModel, type SweepData } from "../../../client/src/webview/model";

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

describe("heat map model", () => {
  test("mask: kept cells are 1, masked -1, with a kept fraction", () => {
    const m = heatMapModel({ mod: "causal", kind: "mask", q0: 0, kv0: 0, values: [[true, false], [true, true]] });
    expect(m.cells).toEqual([1, -1, 1, 1]);
    expect(m.legend).toBe("kept 3 of 4 (75.0%)");
    expect(m.title).toBe("causal: q 0..1 × kv 0..1");
  });

  test("score: normalised to [0, 1], -inf masked, NaN flagged", () => {
    const m = heatMapModel({ mod: "s", kind: "score", q0: 4, kv0: 8, values: [[-2, 0, 2], [-Infinity, NaN, 1]] });
    expect(m.cells).toEqual([0, 0.5, 1, -1, -2, 0.75]);
    expect([m.min, m.max]).toEqual([-2, 2]);
    expect(m.title).toBe("s: q 4..5 × kv 8..10");
  });

  test("a constant score maps to the middle colour", () => {
    expect(heatMapModel({ mod: "s", kind: "score", q0: 0, kv0: 0, values: [[3, 3]] }).cells).toEqual([0.5, 0.5]);
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
