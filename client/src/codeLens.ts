// CodeLens above each mod: Benchmark · Sweep · Show CUDA · Show PTX · Export to FA4 · Export to Flex,
// and a second lens with the last run's results (marked stale once the file changes). Without a
// usable GPU, one lens says why in place of Benchmark and Sweep; Sweep (over V and alignment)
// only on a mod that loads aux data, where V and alignment change the code.
import * as vscode from "vscode";
import { COMMANDS, type ModRef } from "./commands";
import type { GpuAvailability } from "./gpuAvailability";
import type { ModIndex } from "./modIndex";
import { resultTitle, resultTooltip, type ResultStore } from "./results";

export const LENS_TITLES = {
  benchmark: "$(play) Benchmark",
  sweep: "Sweep",
  showCuda: "Show CUDA",
  showPtx: "Show PTX",
  exportFa4: "Export to FA4",
  exportFlex: "Export to Flex",
  heatMap: "Heat Map",
  noGpu: (label: string) => `$(circle-slash) ${label}: how to run`,
} as const;

export class ModLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  /** `gpu`: the probe's verdict, undefined while it runs (the commands then wait for it). */
  constructor(private readonly mods: ModIndex, private readonly results: ResultStore, private readonly trusted: () => boolean,
    private readonly gpu: () => GpuAvailability | undefined) {
    this.subs = [mods.onDidChange(() => this.emitter.fire()), vscode.workspace.onDidChangeTextDocument(() => this.emitter.fire())];
  }

  refresh(): void { this.emitter.fire(); }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const info = this.mods.get(doc.uri.toString());
    if (!info) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const m of info.mods) {
      const range = new vscode.Range(m.line, 0, m.line, 0);
      const ref: ModRef = { uri: doc.uri.toString(), mod: m.name };
      const cmd = (title: string, command: string, tooltip: string): vscode.CodeLens =>
        new vscode.CodeLens(range, { title, command, arguments: [ref], tooltip });
      if (!m.ok) {
        lenses.push(new vscode.CodeLens(range, { title: "$(warning) fix the errors in this mod to generate code", command: "", tooltip: m.blocked }));
        continue;
      }
      const gpu = this.gpu();
      if (this.trusted() && gpu && !gpu.available) {
        lenses.push(cmd(LENS_TITLES.noGpu(gpu.label), COMMANDS.whyNoGpu, `${gpu.reason} Click for how to run ${m.name} on a GPU machine.`));
      } else if (this.trusted()) {
        lenses.push(cmd(LENS_TITLES.benchmark, COMMANDS.benchmark, `Compile and run ${m.name} on the GPU (supervised process)`));
        if (m.loads > 0) lenses.push(cmd(LENS_TITLES.sweep, COMMANDS.sweep, "Benchmark V × align and chart TFLOPS"));
      }
      lenses.push(cmd(LENS_TITLES.showCuda, COMMANDS.showCuda, "Generated CUDA, following the cursor"));
      lenses.push(cmd(LENS_TITLES.showPtx, COMMANDS.showPtx, "PTX via nvcc, grouped by source line"));
      lenses.push(cmd(LENS_TITLES.exportFa4, COMMANDS.exportFa4, "FA4 CuTe-DSL Python score_mod"));
      lenses.push(cmd(LENS_TITLES.exportFlex, COMMANDS.exportFlex, "PyTorch FlexAttention Python"));
      if (this.trusted()) lenses.push(cmd(LENS_TITLES.heatMap, COMMANDS.heatMap, "Evaluate the mod on a q × kv window"));
      const r = this.results.get(ref.uri, m.name);
      if (r) {
        lenses.push(new vscode.CodeLens(range, {
          title: resultTitle(r, doc.version), command: COMMANDS.showOutput, tooltip: resultTooltip(r, doc.version),
        }));
      }
    }
    return lenses;
  }

  dispose(): void { this.subs.forEach((s) => s.dispose()); this.emitter.dispose(); }
}
