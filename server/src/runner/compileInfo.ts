// Reads ptxas' verbose report (-Xptxas -v, NVRTC and nvcc alike) for one entry point.
export interface PtxasInfo { registers: number; spillStores: number; spillLoads: number; stackBytes: number }

export function ptxasInfo(log: string, entry: string): PtxasInfo | null {
  const lines = log.split("\n");
  const start = lines.findIndex((l) => l.includes(`Compiling entry function '${entry}'`) || l.includes(`Function properties for ${entry}`));
  if (start < 0) return null;
  const info: PtxasInfo = { registers: 0, spillStores: 0, spillLoads: 0, stackBytes: 0 };
  let seen = false;
  for (let i = start; i < Math.min(lines.length, start + 6); i++) {
    const l = lines[i]!;
    if (i > start && l.includes("Compiling entry function")) break;
    const spill = /(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads/.exec(l);
    if (spill) { info.stackBytes = +spill[1]!; info.spillStores = +spill[2]!; info.spillLoads = +spill[3]!; seen = true; }
    const regs = /Used (\d+) registers/.exec(l);
    if (regs) { info.registers = +regs[1]!; seen = true; }
  }
  return seen ? info : null;
}
