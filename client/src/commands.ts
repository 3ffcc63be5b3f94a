// Every command the extension registers. The manifest (client/package.json) declares the same
// set; test/unit/client/manifest.test.ts fails when the two drift apart.
export const COMMANDS = {
  benchmark: "scoremod.benchmark",
  sweep: "scoremod.sweep",
  showCuda: "scoremod.showCuda",
  showPtx: "scoremod.showPtx",
  showSass: "scoremod.showSass",
  exportFa4: "scoremod.exportFa4",
  exportFlex: "scoremod.exportFlex",
  heatMap: "scoremod.heatMap",
  openSweepResults: "scoremod.openSweepResults",
  pickTarget: "scoremod.pickTarget",
  revealSource: "scoremod.revealSource",
  showOutput: "scoremod.showOutput",
  probeGpu: "scoremod.probeGpu",
  whyNoGpu: "scoremod.whyNoGpu",
  newFile: "scoremod.newFile",
  openDiagnosticDocs: "scoremod.openDiagnosticDocs",
  restartServer: "scoremod.restartServer",
  openExample: "scoremod.openExample",
  setAuxData: "scoremod.setAuxData",
  clearAuxData: "scoremod.clearAuxData",
  setRunSizes: "scoremod.setRunSizes",
  clearRunSizes: "scoremod.clearRunSizes",
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Arguments of the per-mod commands (CodeLens passes them; the palette asks). */
export interface ModRef { uri: string; mod: string }
