// The files the PTX proof and the goldens run over: every example and every trap fixture.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(__dirname, "../../..");
export interface CorpusFile { dir: string; name: string; path: string; text: string }

export function corpus(which: ("examples" | "traps")[] = ["examples", "traps"], root = ROOT): CorpusFile[] {
  const dirs = { examples: join(root, "examples"), traps: join(root, "test/fixtures/traps") };
  const out: CorpusFile[] = [];
  for (const w of which) {
    const dir = dirs[w];
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((f) => f.endsWith(".scoremod.ts")).sort()) {
      out.push({ dir: w, name, path: join(dir, name), text: readFileSync(join(dir, name), "utf8") });
    }
  }
  return out;
}
