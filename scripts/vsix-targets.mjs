// The .vsix targets (VS Code platform names) the packaging builds, shared by
// scripts/build-addon.mjs and scripts/package-vsix.mjs.
import { closeSync, openSync, readSync } from "node:fs";

export const TARGETS = {
  // elfMachine: the ELF header's e_machine (62 = x86-64, 183 = AArch64), checked on the .node file.
  "linux-x64": { arch: "x64", elfMachine: 62, crossPrefix: { arm64: "x86_64-linux-gnu-" }, crossPackage: "g++-x86-64-linux-gnu" },
  "linux-arm64": { arch: "arm64", elfMachine: 183, crossPrefix: { x64: "aarch64-linux-gnu-" }, crossPackage: "g++-aarch64-linux-gnu" },
  // No runner: analysis, previews and exports; Benchmark and Sweep say "no runner for this platform".
  universal: { arch: null },
};

/** The host's target name ("linux-x64" on an x64 Linux), or null. */
export function hostTarget() {
  const t = `${process.platform}-${process.arch}`;
  return TARGETS[t] ? t : null;
}

/** e_machine of an ELF file (little-endian), or null when it is not ELF. */
export function elfMachine(file) {
  const fd = openSync(file, "r");
  try {
    const b = Buffer.alloc(20);
    readSync(fd, b, 0, 20, 0);
    if (b.readUInt32BE(0) !== 0x7f454c46) return null;
    return b.readUInt16LE(18);
  } finally {
    closeSync(fd);
  }
}
