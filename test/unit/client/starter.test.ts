// New Score Mod File: the name it accepts, the mods it names, and a starter the analysis passes
// clean (both mods generatable, the load vectorized as its comment says).
import { describe, expect, test } from "vitest";
import { analyze } from "../../../server/src/analysis";
import { modPrefix, starterFileName, starterSource } from "../../../client/src/starter";
import { docsCommandHref, shippedDocsCode } from "../../../client/src/docsLinks";

describe("starter file", () => {
  test("names: the suffix added once, nothing a shell or an identifier would trip on", () => {
    expect(starterFileName("my_bias")).toEqual({ ok: true, name: "my_bias.scoremod.ts" });
    expect(starterFileName(" my-bias.scoremod.ts ")).toEqual({ ok: true, name: "my-bias.scoremod.ts" });
    expect(starterFileName("").ok).toBe(false);
    expect(starterFileName("../x").ok).toBe(false);
    expect(starterFileName("1st").ok).toBe(false);
    expect(modPrefix("my_bias-v2.scoremod.ts")).toBe("myBiasV2");
  });

  test("the starter analyses clean: a score mod with a vectorized load and a mask mod", () => {
    const fa = analyze("/w/my_bias.scoremod.ts", starterSource("my_bias.scoremod.ts"));
    expect(fa.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(fa.mods.map((m) => [m.name, m.kind, m.ok])).toEqual([["myBiasScore", "score", true], ["myBiasMask", "mask", true]]);
    expect(fa.mods[0]!.loads).toHaveLength(1);
  });
});

describe("diagnostic docs links", () => {
  test("a shipped page's file: link becomes the command that renders it; web links stay", () => {
    expect(shippedDocsCode("file:///home/u/.vscode/extensions/scoremod.score-mod-studio-0.1.0/docs/diagnostics/SM106.md")).toBe("SM106");
    expect(shippedDocsCode("https://example.com/docs/diagnostics/SM106.md")).toBeNull();
    expect(shippedDocsCode("file:///x/README.md")).toBeNull();
    expect(docsCommandHref("SM106")).toBe(`command:scoremod.openDiagnosticDocs?${encodeURIComponent('["SM106"]')}`);
  });
});
