// What the UI suite looks for, in one place: the example it opens, the text it edits and hovers,
// and the user-visible strings of the extension it expects to find.
export const EXPECT = {
  /** The example the suite opens (examples/kv_bias.scoremod.ts). */
  exampleFile: "kv_bias.scoremod.ts",
  exampleText: "scoreMod",
  /** The language mode shown in the status bar for *.scoremod.ts. */
  languageName: /score\s*mod/i,
  /** Text of a load; the hover is taken over the `at` of `.at(`. */
  hoverText: ".at(",
  hoverOffset: 1,
  /** kv_bias's load is stride-1 along kv, 16-byte aligned, KV % 8 == 0: one 16-byte load per 8 lanes. */
  hoverLaneClass: /\bcontiguous\b/,
  hoverWidth: /8 elems\s*·\s*16 B per load/,
  /** A place to break the file: after this text the suite types `breakingEdit`. */
  breakableText: ".at(",
  breakingEdit: "1.5 + ",
  /** The line as it was before the edit (checked after the revert). */
  restoredText: "kvBias.at(b, h, kv)",
  /** The Problems row for the edit: a float used as an index. */
  problemText: /'1\.5 \+ b' is a float; indices must be integers/,
  /** The inlay hint after kv_bias's load: vector of 8 lanes, 16 bytes. */
  inlayHint: "v8·16B",
  /** Typed on a new line of kv_bias, then Ctrl+Space: idiv (not imported there) is offered with its module. */
  completionPrefix: "export const x = idi",
  completionItem: "idiv",
  completionSource: /scoremod/,
  showCudaLens: "Show CUDA",
  showCudaCommand: /Show CUDA/i,
  /** The CUDA preview's tab, and what its visible lines show: device code for the mod, mapped
   *  back to the source line under the cursor (line 8 of kv_bias.scoremod.ts holds the mod; the
   *  preview has no #line directives: the editor maps lines itself). */
  cudaTab: "kvBiasMod.cu",
  cudaText: [/__device__/, /kvBiasMod/, /return \(score \+ c0\);/],
  openSweepCommand: /Open Recorded Sweep Results/,
  /** The mask and score view: a score mod with the file's mask (examples/softcap.scoremod.ts). */
  viewFile: "softcap.scoremod.ts",
  viewText: "softcap",
  viewLens: "Heat Map",
  /** The default problem (8192 x 8192) is 64 x 64 tiles; causal leaves 2016 empty. */
  viewSummary: /^2016 of 4096 tiles empty \(49\.2%\) · 2016 full · 64 partial · proven from the indices/,
  /** The status item says why there is no GPU runner ("No GPU: no CUDA driver", ...). */
  noGpuStatus: /No GPU: \S/,
  /** Without a GPU the mod's lens says why in place of Benchmark and Sweep, and leads to how to run elsewhere. */
  noGpuLens: /No GPU: .+: how to run/,
  noGpuHow: "npx scoremod bench kv_bias.scoremod.ts --mod kvBiasMod",
  /** Palette: the why command is offered, Benchmark and Sweep are not (scoremod.gpuAvailable is false). */
  whyNoGpuCommand: "Score Mod: Why Can't I Run on a GPU Here?",
  gpuCommands: ["Score Mod: Benchmark", "Score Mod: Sweep V × align"],
  /** New Score Mod File: the name typed into its input box, and the file it creates beside the active one. */
  newFileCommand: "Score Mod: New Score Mod File…",
  newFileName: "e2e_new",
  newFile: "e2e_new.scoremod.ts",
  newFileText: "e2eNewScore",
  /** Show SASS (palette): the preview's tab, its header with ptxas's registers and spills, and
   *  either a disassembly of the mod's load or the reason there is none (no nvdisasm/cuobjdump
   *  beside nvcc, as on the e2e machine). Without nvcc the command's error toast says so instead. */
  showSassCommand: "Score Mod: Show SASS",
  sassTab: "kvBiasMod.sass",
  sassHeader: /SASS of kvBiasMod \(/,
  sassResources: /\d+ registers, \d+ bytes spill stores, \d+ bytes spill loads/,
  sassOrReason: /SASS: not shown: disassembling needs nvdisasm or cuobjdump|\/\*[0-9a-f]{4}\*\/ .*LDG/,
  sassNoNvcc: /Show SASS: nvcc not found/,
  /** The Outline (Explorer) lists kv_bias's tensor and mod. */
  outlineCommand: /Explorer: Focus on Outline View/,
  outlineItems: ["kvBias", "kvBiasMod"],
  /** Export to Flex (the lens): a real file beside the mod, with the helper it imports, opened in a tab. */
  exportFlexLens: "Export to Flex",
  exportFile: "kv_bias.kvBiasMod.flex.py",
  exportHelper: "scoremod_sample.py",
  /** The walkthrough (Welcome: Open Walkthrough…) and its first step's button, which creates a file. */
  openWalkthroughCommand: /Welcome: Open Walkthrough/,
  walkthroughTitle: "Get started with Score Mod Studio",
  walkthroughStep: "Create a score mod",
  walkthroughButton: "New Score Mod File",
  walkthroughFileName: "e2e_walk",
  walkthroughFile: "e2e_walk.scoremod.ts",
  /** ...and the reason it gives when the .vsix lacks a loadable native addon. */
  addonMissing: /addon not built/,
};
