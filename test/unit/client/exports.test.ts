// The editor's export commands against a stand-in for `vscode` whose file system is a temp dir:
// the export and its helper are written beside the mod file (not an Untitled buffer), the export
// is opened from disk, and a re-export rewrites the same file.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test, vi } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { exportMod } from "../../../server/src/lsp/exports";

const h = vi.hoisted(() => ({
  opened: [] as string[],
  shown: [] as { path: string; preview?: boolean }[],
  errors: [] as string[],
}));

vi.mock("vscode", async () => {
  const fs = await import("node:fs");
  const { posix: p } = await import("node:path");
  const mk = (scheme: string, path: string) => ({ scheme, path, toString: () => `${scheme}://${path}` });
  return {
    ViewColumn: { Beside: -2 },
    Uri: {
      parse: (s: string) => { const u = new URL(s); return mk(u.protocol.slice(0, -1), decodeURIComponent(u.pathname)); },
      joinPath: (u: { scheme: string; path: string }, ...parts: string[]) => mk(u.scheme, p.join(u.path, ...parts)),
    },
    workspace: {
      fs: { writeFile: async (u: { path: string }, bytes: Uint8Array) => fs.writeFileSync(u.path, bytes) },
      openTextDocument: async (u: { scheme: string; path: string }) => { h.opened.push(u.path); return { uri: u }; },
    },
    window: {
      showTextDocument: async (d: { uri: { path: string } }, o: { preview?: boolean }) => { h.shown.push({ path: d.uri.path, preview: o.preview }); },
      showErrorMessage: async (m: string) => { h.errors.push(m); },
    },
  };
});

const analyses = new Map<string, ReturnType<typeof analyze>>();
vi.mock("../../../client/src/lspClient", () => ({
  sendRequest: async (_c: unknown, _spec: unknown, p: { uri: string; mod: string; flavor: "flex" | "fa4" }) => exportMod(analyses.get(p.uri)!, p.mod, p.flavor),
}));

const { activate } = await import("../../../client/src/features/exports");
const { COMMANDS } = await import("../../../client/src/commands");

function commands() {
  const reg = new Map<string, (arg?: unknown) => Promise<void>>();
  const ctx = { client: {}, resolveMod: async (a: unknown) => a, register: (id: string, fn: (arg?: unknown) => Promise<void>) => reg.set(id, fn) };
  activate(ctx as never);
  return reg;
}

describe("export commands write real files beside the mod", () => {
  const ROOT = join(__dirname, "../../..");
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), "smclient-"));
    const file = join(dir, "kv_bias.scoremod.ts");
    const text = readFileSync(join(ROOT, "examples/kv_bias.scoremod.ts"), "utf8");
    writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    analyses.set(uri, analyze(file, text));
    return { dir, uri };
  };

  test("Flex: <stem>.<mod>.flex.py and scoremod_sample.py, opened from disk beside the source; a re-export rewrites it", async () => {
    const { dir, uri } = setup();
    const run = commands().get(COMMANDS.exportFlex)!;
    await run({ uri, mod: "kvBiasMod" });
    expect(h.errors).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(["kv_bias.kvBiasMod.flex.py", "kv_bias.scoremod.ts", "scoremod_sample.py"]);
    const path = posix.join(dir.split("\\").join("/"), "kv_bias.kvBiasMod.flex.py");
    expect(readFileSync(path, "utf8")).toContain("def make_kvBiasMod(");
    expect(h.opened.at(-1)).toBe(path);
    expect(h.shown.at(-1)).toEqual({ path, preview: false });
    writeFileSync(path, "stale\n");
    await run({ uri, mod: "kvBiasMod" });
    expect(readFileSync(path, "utf8")).toContain("def make_kvBiasMod(");
  });

  test("FA4: one file, no helper", async () => {
    const { dir, uri } = setup();
    await commands().get(COMMANDS.exportFa4)!({ uri, mod: "kvBiasMod" });
    expect(readdirSync(dir).sort()).toEqual(["kv_bias.kvBiasMod.fa4.py", "kv_bias.scoremod.ts"]);
  });

  test("an unsaved (untitled) mod file is refused with the reason, nothing written", async () => {
    const { dir, uri } = setup();
    analyses.set("untitled:Untitled-1", analyses.get(uri)!);
    await commands().get(COMMANDS.exportFlex)!({ uri: "untitled:Untitled-1", mod: "kvBiasMod" });
    expect(h.errors.at(-1)).toMatch(/^Save Untitled-1 first: the export is written beside it\./);
    expect(readdirSync(dir)).toEqual(["kv_bias.scoremod.ts"]);
  });
});
