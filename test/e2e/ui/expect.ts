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
  hoverLaneClass: /\b(contiguous|uniform|gather)\b/i,
  hoverWidth: /\b\d+\s*(B|bytes?)\b|\bv\d+\b/i,
  /** A place to break the file: after this text the suite types `breakingEdit`. */
  breakableText: ".at(",
  breakingEdit: "1.5 + ",
  problemText: /./,
  showCudaLens: "Show CUDA",
  showCudaCommand: /Show CUDA/i,
  cudaText: [/__device__/, /#line\s+\d+/],
  openSweepCommand: /Open Sweep/i,
  noGpuStatus: /no GPU|GPU: none|no CUDA|libcuda/i,
};
