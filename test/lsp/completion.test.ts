// Completion with auto-import and TypeScript's code fixes, through the language server over LSP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeAction, CompletionItem, CompletionList, TextEdit } from "vscode-languageserver-protocol";
import { startHarness, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

const pos = (text: string, needle: string, delta = 0) => {
  const i = text.indexOf(needle) + delta;
  const before = text.slice(0, i);
  return { line: before.split("\n").length - 1, character: i - (before.lastIndexOf("\n") + 1) };
};
const apply = (text: string, edits: TextEdit[]) => {
  const lines = text.split("\n");
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((s, l) => s + l.length + 1, 0) + p.character;
  return [...edits].sort((a, b) => off(b.range.start) - off(a.range.start)).reduce((t, e) => t.slice(0, off(e.range.start)) + e.newText + t.slice(off(e.range.end)), text);
};
type Edits = { documentChanges?: { edits: TextEdit[] }[]; changes?: Record<string, TextEdit[]> };
const editsOf = (a: CodeAction) => { const e = a.edit as Edits; return e.documentChanges?.[0]?.edits ?? Object.values(e.changes ?? {})[0] ?? []; };

describe("completion", () => {
  it("`idi` offers idiv from \"scoremod\" with the import as an additional edit", async () => {
    const uri = "file:///ws/idi.scoremod.ts";
    const text = `import { scoreMod } from "scoremod";\n\nexport const m = scoreMod((score, b, h, q, kv) => score + idi);\n`;
    h.open(uri, text);
    await h.waitFor(uri, 1);
    const list = await h.rpc.sendRequest("textDocument/completion", { textDocument: { uri }, position: pos(text, "idi)", 3) }) as CompletionList;
    const item = list.items.find((i) => i.label === "idiv");
    expect(item?.labelDetails?.description).toBe("scoremod");
    const resolved = await h.rpc.sendRequest("completionItem/resolve", item) as CompletionItem;
    expect(resolved.detail).toMatch(/function idiv\(a: number, b: number\): number/);
    const done = apply(text.replace("idi)", "idiv)"), resolved.additionalTextEdits ?? []);
    expect(done.split("\n")[0]).toBe(`import { idiv, scoreMod } from "scoremod";`);
  });

  it("in a file with no import, the auto-import adds the import line", async () => {
    const uri = "file:///ws/noimport.scoremod.ts";
    const text = `export const t = tens\n`;
    h.open(uri, text);
    await h.waitFor(uri, 1);
    const list = await h.rpc.sendRequest("textDocument/completion", { textDocument: { uri }, position: pos(text, "tens", 4) }) as CompletionList;
    const item = list.items.find((i) => i.label === "tensor");
    const resolved = await h.rpc.sendRequest("completionItem/resolve", item) as CompletionItem;
    expect(resolved.additionalTextEdits?.map((e) => e.newText).join("")).toMatch(/import \{ tensor \} from "scoremod";/);
  });
});

describe("an unimported DSL function", () => {
  const uri = "file:///ws/unimported.scoremod.ts";
  const text = `import { scoreMod } from "scoremod";\n\nexport const m = scoreMod((score, b, h, q, kv) => score + idiv(kv, 2));\n`;

  it("gets one diagnostic (SM128, not TS2304 beside a contradicting SM101) whose preferred fix imports it", async () => {
    h.open(uri, text);
    const p = await h.waitFor(uri, 1);
    expect(p.diagnostics.map((d) => d.code)).toEqual(["SM128"]);
    expect(p.diagnostics[0]!.message).not.toMatch(/cannot be called/);
    const actions = await h.rpc.sendRequest("textDocument/codeAction", { textDocument: { uri }, range: p.diagnostics[0]!.range, context: { diagnostics: p.diagnostics } }) as CodeAction[];
    expect(actions[0]).toMatchObject({ title: `Import idiv from "scoremod"`, isPreferred: true });
    expect(apply(text, editsOf(actions[0]!)).split("\n")[0]).toBe(`import { scoreMod, idiv } from "scoremod";`);
  });
});

describe("TypeScript's code fixes", () => {
  it("offer \"Update import from scoremod\" for a name used outside a mod body, and no stub declarations", async () => {
    const uri = "file:///ws/tsfix.scoremod.ts";
    const text = `import { scoreMod } from "scoremod";\nexport const t = tensor("t", bf16, ["KV"]);\nexport const m = scoreMod((score, b, h, q, kv) => score);\n`;
    h.open(uri, text);
    const p = await h.waitFor(uri, 1);
    const ts2304 = p.diagnostics.find((d) => d.code === "TS2304" && String(d.message).includes("'tensor'"))!;
    const actions = await h.rpc.sendRequest("textDocument/codeAction", { textDocument: { uri }, range: ts2304.range, context: { diagnostics: [ts2304] } }) as CodeAction[];
    const titles = actions.map((a) => a.title);
    expect(titles).toContain(`Update import from "scoremod"`);
    expect(titles.some((t) => /missing function declaration/.test(t))).toBe(false);
    const fix = actions.find((a) => a.title === `Update import from "scoremod"`)!;
    expect(fix.diagnostics?.[0]?.code).toBe("TS2304");
    expect(apply(text, editsOf(fix)).split("\n")[0]).toBe(`import { scoreMod, tensor } from "scoremod";`);
  });
});
