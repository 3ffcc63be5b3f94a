// The manifest (client/package.json) and the code must not drift: commands registered in code
// are declared and vice versa; every setting the code reads is declared and vice versa; every
// command the manifest refers to (menus, keybindings, walkthrough links) exists.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { COMMANDS } from "../../../client/src/commands";
import { DEFAULTS } from "../../../client/src/settings.generated";
import { DEFAULT_TARGET } from "../../../server/src/protocol";

const root = join(__dirname, "..", "..", "..");
const manifest = JSON.parse(readFileSync(join(root, "client", "package.json"), "utf8"));
const extensionSrc = readFileSync(join(root, "client", "src", "extension.ts"), "utf8");
const configSrc = readFileSync(join(root, "client", "src", "config.ts"), "utf8");
const featureDir = join(root, "client", "src", "features");
const featureSrcs = readdirSync(featureDir).filter((f) => f.endsWith(".ts")).map((f) => [f, readFileSync(join(featureDir, f), "utf8")] as const);

// Settings are declared in sections (groups in the Settings UI); scripts/gen-settings.mjs merges them.
const settingProps: Record<string, { scope?: string; order?: number; markdownDescription?: string; enum?: string[] }> = Object.assign(
  {}, ...(manifest.contributes.configuration as { properties: object }[]).map((s) => s.properties));
const declared = new Set<string>((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
const ids = new Set<string>(Object.values(COMMANDS));

describe("manifest <-> code", () => {
  test("every command in COMMANDS is declared in the manifest, and nothing else is", () => {
    expect([...declared].sort()).toEqual([...ids].sort());
  });

  test("every command in COMMANDS is registered by exactly one feature module (and only through COMMANDS)", () => {
    const registered = featureSrcs.flatMap(([, src]) => [...src.matchAll(/ctx\.register\(COMMANDS\.(\w+)/g)].map((m) => COMMANDS[m[1] as keyof typeof COMMANDS]));
    expect(registered.sort()).toEqual([...ids].sort());
    for (const [, src] of [...featureSrcs, ["extension.ts", extensionSrc]]) expect(src).not.toMatch(/registerCommand\(/);
  });

  test("each feature module has its own activate(ctx), and extension.ts activates every one", () => {
    expect(featureSrcs.length).toBeGreaterThanOrEqual(8);
    for (const [name, src] of featureSrcs) {
      expect(src, name).toMatch(/export function activate\(ctx: ClientContext\b/);
      const mod = name.replace(/\.ts$/, "");
      expect(extensionSrc, name).toMatch(new RegExp(`import \\* as (\\w+) from "\\./features/${mod}";[\\s\\S]*\\b\\1\\.activate\\(ctx`));
    }
  });

  test("menus, keybindings and walkthrough links name declared commands", () => {
    const refs: string[] = [];
    for (const list of Object.values(manifest.contributes.menus as Record<string, { command: string }[]>)) refs.push(...list.map((m) => m.command));
    refs.push(...(manifest.contributes.keybindings as { command: string }[]).map((k) => k.command));
    for (const w of manifest.contributes.walkthroughs as { steps: { description: string; completionEvents?: string[] }[] }[]) {
      for (const s of w.steps) {
        refs.push(...[...s.description.matchAll(/command:([\w.]+)/g)].map((m) => m[1]));
        refs.push(...(s.completionEvents ?? []).map((e) => e.replace(/^onCommand:/, "")));
      }
    }
    expect(refs.length).toBeGreaterThan(5);
    for (const r of refs) expect(declared, r).toContain(r);
  });

  test("every declared setting is read by config.ts (keys are typed from the manifest, so nothing undeclared can be)", () => {
    // A setting declared and never read is dead (scoremod.problem.causal was, and went).
    const read = new Set([...configSrc.matchAll(/\b(?:get|int|str|bool|list)\((?:get, )?"([\w.]+)"\)/g)].map((m) => `scoremod.${m[1]}`));
    const props = Object.keys(settingProps);
    expect([...read].sort()).toEqual([...props].sort());
  });

  test("settings.generated.ts is what client/package.json gives (scripts/gen-settings.mjs --check)", () => {
    const r = spawnSync(process.execPath, [join(root, "scripts", "gen-settings.mjs"), "--check"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  test("the generated defaults are the ones the server and protocol assume", () => {
    expect(DEFAULTS.target).toBe(DEFAULT_TARGET);
    expect(Object.keys(DEFAULTS).map((k) => `scoremod.${k}`).sort()).toEqual(Object.keys(settingProps).sort());
  });

  test("restricted configurations are declared settings", () => {
    const props = Object.keys(settingProps);
    for (const r of manifest.capabilities.untrustedWorkspaces.restrictedConfigurations as string[]) expect(props).toContain(r);
  });

  test("the manifest is what a VS Code 1.100 workspace extension needs", () => {
    expect(manifest).toMatchObject({ name: "score-mod-studio", publisher: "scoremod", engines: { vscode: "^1.100.0" }, extensionKind: ["workspace"] });
    expect(manifest.main).toMatch(/dist\/extension\.js$/);
    expect(manifest.contributes.languages[0]).toMatchObject({ id: "scoremod", filenamePatterns: ["*.scoremod.ts"] });
    // Shallow: a `**` glob makes VS Code search the whole workspace before activating, which
    // timed out on a real workspace; opening a mod anywhere activates through its language.
    expect(manifest.activationEvents).toEqual(["onLanguage:scoremod", "workspaceContains:*.scoremod.ts"]);
  });

  test("settings: grouped and ordered, the target first, each with a Markdown description and an explicit scope", () => {
    const sections = manifest.contributes.configuration as { title: string; order: number; properties: Record<string, unknown> }[];
    expect(Object.keys(sections[0]!.properties)).toEqual(["scoremod.target"]);
    expect(sections.map((s) => s.order)).toEqual(sections.map((_, i) => i));
    for (const [k, p] of Object.entries(settingProps)) {
      expect(p.markdownDescription, k).toBeTruthy();
      expect(["window", "machine-overridable"], k).toContain(p.scope);
      expect(typeof p.order, k).toBe("number");
    }
    expect(settingProps["scoremod.trace.server"]?.enum).toEqual(["off", "messages", "verbose"]);
  });

  test("scoremod.trace.server is the language client's own trace setting: the client's id is its prefix", () => {
    expect(readFileSync(join(root, "client", "src", "lspClient.ts"), "utf8")).toMatch(/new LanguageClient\("scoremod",/);
  });

  test("target enum matches the analysis's targets", async () => {
    const { TARGETS } = await import("../../../server/src/analysis/targets");
    expect(settingProps["scoremod.target"]!.enum!.sort()).toEqual(Object.keys(TARGETS).sort());
  });
});
