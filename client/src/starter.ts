// The starter file "New Score Mod File" writes: its name from what the user typed, and its text
// (a score mod that reads aux data and a mask mod, so every lens and hint has something to show).
// Pure: no `vscode`.

export const STARTER_SUFFIX = ".scoremod.ts";

/** The file name for what the user typed ("my_bias" or "my_bias.scoremod.ts"), or the reason it is not one. */
export function starterFileName(input: string): { ok: true; name: string } | { ok: false; message: string } {
  const base = input.trim().replace(/\.scoremod\.ts$/, "").replace(/\.ts$/, "");
  if (!base) return { ok: false, message: "Give the file a name, e.g. my_bias." };
  if (!/^[A-Za-z][\w-]*$/.test(base)) return { ok: false, message: "Use letters, digits, _ and - (starting with a letter): it also names the mods." };
  return { ok: true, name: base + STARTER_SUFFIX };
}

/** camelCase of a file's base name, the mods' name prefix: "my_bias" -> "myBias". */
export function modPrefix(fileName: string): string {
  const parts = fileName.replace(/\.scoremod\.ts$/, "").split(/[-_]+/).filter(Boolean);
  return parts.map((p, i) => (i ? p[0]!.toUpperCase() + p.slice(1) : p[0]!.toLowerCase() + p.slice(1))).join("");
}

export function starterSource(fileName: string): string {
  const m = modPrefix(fileName);
  return `// ${fileName}: a score mod and a mask mod to start from. After the load, an inlay hint shows how
// it vectorizes (⟨v8·16B⟩: 8 kv lanes in one 16-byte load); hover it for the proof. The lenses above
// each mod show the generated CUDA and PTX, export to FA4 or FlexAttention, and run it on a GPU.
import { bf16, maskMod, scoreMod, tensor } from "scoremod";

// A learned bias per (batch, head, key position): stride 1 along kv, 16-byte aligned, KV a multiple of 8.
export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });

export const ${m}Score = scoreMod({ vecSize: 8 }, (score, b, h, q, kv) => score + kvBias.at(b, h, kv));

// Causal: a query sees itself and earlier keys.
export const ${m}Mask = maskMod((b, h, q, kv) => q >= kv);
`;
}
