// The CodeLens provider against a minimal stand-in for the `vscode` module: which lenses a mod
// gets (trusted or not, with errors or not), their stable commands and arguments, and the result
// lens going stale when the document version moves on.
import { describe, expect, test, vi } from "vitest";

vi.mock("vscode", () => {
  class EventEmitter<T> {
    private ls: ((e: T) => void)[] = [];
    event = (l: (e: T) => void) => { this.ls.push(l); return { dispose: () => undefined }; };
    fire(e: T) { this.ls.forEach((l) => l(e)); }
    dispose() { this.ls = []; }
  }
  class Range { constructor(readonly sl: number, readonly sc: number, readonly el: number, readonly ec: number) {} }
  class CodeLens { constructor(readonly range: Range, readonly command?: { title: string; command: string; arguments?: unknown[] }) {} }
  return { EventEmitter, Range, CodeLens, workspace: { onDidChangeTextDocument: () => ({ dispose: () => undefined }) } };
});

const { ModLensProvider } = await import("../../../client/src/codeLens");
const { ModIndex } = await import("../../../client/src/modIndex");
const { ResultStore } = await import("../../../client/src/results");
const { COMMANDS } = await import("../../../client/src/commands");

const uri = "file:///w/kv.scoremod.ts";
const doc = (version: number) => ({ uri: { toString: () => uri }, version }) as never;

const H100 = { available: true, label: "NVIDIA H100 (sm_90)", reason: "" };
const NO_DRIVER = { available: false, label: "No GPU: no CUDA driver", reason: "libcuda.so.1 not found." };

function setup(trusted: boolean, ok = true, gpu: typeof H100 | undefined = H100, loads = 1) {
  const mods = new ModIndex();
  mods.update({ uri, version: 1, target: "fa4-sm100", errors: 0, warnings: 0, elapsedMs: 1, mods: [{ name: "kvBiasMod", kind: "score", line: 7, vecSize: 8, ok, loads }] });
  const results = new ResultStore();
  return { p: new ModLensProvider(mods, results, () => trusted, () => gpu), results };
}
const titles = (l: { command?: { title: string } }[]) => l.map((x) => x.command?.title);

describe("CodeLens", () => {
  test("trusted: the full row, each with the mod as argument", () => {
    const { p } = setup(true);
    const lenses = p.provideCodeLenses(doc(1)) as unknown as { command: { title: string; command: string; arguments: unknown[] }; range: { sl: number } }[];
    expect(titles(lenses)).toEqual(["$(play) Benchmark", "Sweep", "Show CUDA", "Show PTX", "Export to FA4", "Export to Flex", "Heat Map"]);
    expect(lenses.map((l) => l.command.command)).toEqual([COMMANDS.benchmark, COMMANDS.sweep, COMMANDS.showCuda, COMMANDS.showPtx, COMMANDS.exportFa4, COMMANDS.exportFlex, COMMANDS.heatMap]);
    expect(lenses[2].command.arguments).toEqual([{ uri, mod: "kvBiasMod" }]);
    expect(lenses[0].range.sl).toBe(7);
  });

  test("untrusted: nothing that executes the mod", () => {
    expect(titles(setup(false).p.provideCodeLenses(doc(1)) as never)).toEqual(["Show CUDA", "Show PTX", "Export to FA4", "Export to Flex"]);
  });

  test("no usable GPU: one lens says why (and leads to how to run elsewhere) in place of Benchmark and Sweep", () => {
    const lenses = setup(true, true, NO_DRIVER).p.provideCodeLenses(doc(1)) as unknown as { command: { title: string; command: string; arguments: unknown[]; tooltip: string } }[];
    expect(titles(lenses)).toEqual(["$(circle-slash) No GPU: no CUDA driver: how to run", "Show CUDA", "Show PTX", "Export to FA4", "Export to Flex", "Heat Map"]);
    expect(lenses[0].command.command).toBe(COMMANDS.whyNoGpu);
    expect(lenses[0].command.arguments).toEqual([{ uri, mod: "kvBiasMod" }]);
    expect(lenses[0].command.tooltip).toContain("libcuda.so.1 not found.");
  });

  test("while the probe runs, Benchmark is offered (the command waits for the probe)", () => {
    expect(titles(setup(true, true, undefined).p.provideCodeLenses(doc(1)) as never).slice(0, 2)).toEqual(["$(play) Benchmark", "Sweep"]);
  });

  test("no Sweep on a mod with no aux loads: V and alignment change nothing there", () => {
    expect(titles(setup(true, true, H100, 0).p.provideCodeLenses(doc(1)) as never).slice(0, 2)).toEqual(["$(play) Benchmark", "Show CUDA"]);
  });

  test("a mod with errors gets one explanatory lens", () => {
    expect(titles(setup(true, false).p.provideCodeLenses(doc(1)) as never)).toEqual(["$(warning) fix the errors in this mod to generate code"]);
  });

  test("results appear after a run and go stale when the document changes", () => {
    const { p, results } = setup(true);
    results.set(uri, "kvBiasMod", { kind: "bench", version: 1, at: 0, summary: { target: "runner", vecSize: 8, timeMs: 1, tflops: 600, vecEqualsScalar: true, maxError: 0.001, registers: 90, spills: 0 } });
    const fresh = titles(p.provideCodeLenses(doc(1)) as never).at(-1)!;
    expect(fresh).toContain("600 TFLOPS");
    expect(fresh).not.toContain("stale");
    expect(titles(p.provideCodeLenses(doc(2)) as never).at(-1)).toContain("stale");
  });

  test("a late notification for an older version does not replace a newer analysis", () => {
    const mods = new ModIndex();
    const base = { uri, target: "fa4-sm100" as const, errors: 0, warnings: 0, elapsedMs: 1 };
    mods.update({ ...base, version: 3, mods: [{ name: "a", kind: "score", line: 1, vecSize: 2, ok: true, loads: 0 }] });
    mods.update({ ...base, version: 2, mods: [] });
    expect(mods.get(uri)?.version).toBe(3);
  });

  test("no analysis yet: no lenses", () => {
    const { p } = setup(true);
    expect(p.provideCodeLenses({ uri: { toString: () => "file:///other" }, version: 1 } as never)).toEqual([]);
  });
});
