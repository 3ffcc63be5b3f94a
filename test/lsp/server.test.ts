// The real language server over a real LSP connection (in-memory streams): diagnostics, hover,
// inlay hints, quick fixes, TypeScript completion/definition, the custom requests, and the
// stale-result and never-crash guarantees.
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startHarness, type Harness } from "./harness";

const root = join(__dirname, "..", "..");
const KV_BIAS = readFileSync(join(root, "examples", "kv_bias.scoremod.ts"), "utf8");
/** The same file without the alignment promise: the load stays scalar and a fix is offered. */
const KV_BIAS_UNALIGNED = KV_BIAS.replace("align: 16, ", "");

function posOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not found: ${needle}`);
  const before = text.slice(0, i + delta).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

describe("scoremod language server", () => {
  test("publishes diagnostics on open, versioned, with docs links for SM codes", async () => {
    const uri = "file:///ws/unaligned.scoremod.ts";
    h.open(uri, KV_BIAS_UNALIGNED, 1);
    const p = await h.waitFor(uri, 1);
    expect(p.version).toBe(1);
    const sm = p.diagnostics.find((d) => String(d.code).startsWith("SM"));
    expect(sm, JSON.stringify(p.diagnostics)).toBeDefined();
    expect(sm!.source).toBe("scoremod");
    // The analysisChanged notification follows the publish on the same connection.
    let changed = h.notifications.find((n) => n.method === "scoremod/analysisChanged" && (n.params as { uri: string }).uri === uri);
    for (let i = 0; !changed && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 10));
      changed = h.notifications.find((n) => n.method === "scoremod/analysisChanged" && (n.params as { uri: string }).uri === uri);
    }
    expect(changed).toBeDefined();
    expect((changed!.params as { mods: { name: string }[] }).mods.map((m) => m.name)).toEqual(["kvBiasMod"]);
  });

  test("SM codes link to their docs page: the local folder when it has the page, else the docsBaseUrl setting", async () => {
    const uri = "file:///ws/unaligned.scoremod.ts";
    const sm = h.published.filter((p) => p.uri === uri).at(-1)!.diagnostics.find((d) => String(d.code).startsWith("SM"))!;
    const local = existsSync(join(root, "docs", "diagnostics", `${sm.code}.md`));
    if (local) expect(sm.codeDescription?.href).toBe(pathToFileURL(join(root, "docs", "diagnostics", `${sm.code}.md`)).href);
    else expect(sm.codeDescription).toBeUndefined();
    await h.rpc.sendNotification("workspace/didChangeConfiguration", { settings: { scoremod: { docsBaseUrl: "https://example.org/docs/diagnostics/" } } });
    const before = h.published.length;
    for (let i = 0; i < 200 && !h.published.slice(before).some((p) => p.uri === uri); i++) await new Promise((r) => setTimeout(r, 10));
    const again = h.published.slice(before).find((p) => p.uri === uri)!;
    const d = again.diagnostics.find((x) => x.code === sm.code)!;
    expect(d.codeDescription?.href).toBe(`https://example.org/docs/diagnostics/${sm.code}.md`);
    expect(again.diagnostics.filter((x) => String(x.code).startsWith("TS")).every((x) => !x.codeDescription)).toBe(true);
    await h.rpc.sendNotification("workspace/didChangeConfiguration", { settings: { scoremod: { docsBaseUrl: "" } } });
  });

  test("index safety at the problem shape the client sends: SM160 with a witness, gone at a shape that fits", async () => {
    const uri = "file:///ws/short_table.scoremod.ts";
    h.open(uri, readFileSync(join(root, "test", "gpu", "fixtures", "short_table.scoremod.ts"), "utf8"), 1);
    // No problem shape yet: verdicts at every size; the short table is in range only when KV ≤ 128 (SM163, information, with the clamp and guard fixes).
    const first = (await h.waitFor(uri, 1)).diagnostics;
    expect(first.some((d) => d.code === "SM160")).toBe(false);
    const info = first.find((d) => d.code === "SM163");
    expect(info?.severity).toBe(3);
    expect(info?.message).toMatch(/short_bias: index 1 \(\[0, KV - 1\] vs extent 128\) is in range when KV ≤ 128/);
    const republished = async () => {
      const before = h.published.length;
      for (let i = 0; i < 300 && !h.published.slice(before).some((p) => p.uri === uri); i++) await new Promise((r) => setTimeout(r, 10));
      return h.published.slice(before).find((p) => p.uri === uri)!;
    };
    let next = republished();
    await h.rpc.sendNotification("workspace/didChangeConfiguration", { settings: { scoremod: { problem: { B: 1, H: 4, Q: 256, KV: 256 } } } });
    const bad = (await next).diagnostics.find((d) => d.code === "SM160");
    expect(bad?.severity).toBe(1);
    expect(bad?.message).toMatch(/short_bias index 1 leaves \[0, 128\) at B=1 H=4 Q=256 KV=256: at b=\d+, h=\d+, q=\d+, kv=\d+ it is \d+ \(score mods run on masked positions too/);
    const lines = readFileSync(join(root, "test", "gpu", "fixtures", "short_table.scoremod.ts"), "utf8").split("\n");
    const line = lines.findIndex((l) => l.includes("shortBias_.at("));
    const hover = await h.rpc.sendRequest("textDocument/hover", { textDocument: { uri }, position: { line, character: lines[line]!.indexOf("shortBias_.at(") + 12 } }) as { contents: { value: string } };
    expect(hover.contents.value).toMatch(/\*\*Index safety at B=1 H=4 Q=256 KV=256:\*\* \*\*out of range\*\*/);
    expect(hover.contents.value).toMatch(/`shortBias_\.at\(h, kv\)`: violated \(dim 0: \[0, 3\] within extent 4; dim 1: \[0, 255\] vs extent 128/);
    next = republished();
    await h.rpc.sendNotification("workspace/didChangeConfiguration", { settings: { scoremod: { problem: { B: 1, H: 4, Q: 256, KV: 128 } } } });
    expect((await next).diagnostics.some((d) => d.code === "SM160" || d.code === "SM161")).toBe(false);
    await h.rpc.sendNotification("workspace/didChangeConfiguration", { settings: { scoremod: { problem: null } } });
  });

  test("a TypeScript error is reported with its TS code", async () => {
    const uri = "file:///ws/tserr.scoremod.ts";
    h.open(uri, KV_BIAS.replace("kvBias.at(b, h, kv)", "kvBias.at(b, kv)"), 1);
    const p = await h.waitFor(uri, 1);
    expect(p.diagnostics.some((d) => String(d.code).startsWith("TS"))).toBe(true);
  });

  test("hover on a load shows class, width, loads per V, obligations and proof", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    h.open(uri, KV_BIAS, 1);
    await h.waitFor(uri, 1);
    const hover = await h.rpc.sendRequest("textDocument/hover", { textDocument: { uri }, position: posOf(KV_BIAS, "kvBias.at(", 3) }) as { contents: { value: string } };
    const md = hover.contents.value;
    expect(md).toContain("contiguous");
    expect(md).toContain("8 elems · 16 B");
    expect(md).toContain("Loads per V=8 scores:** 1");
    expect(md).toContain("kv_bias.data_ptr() % 16 == 0");
    expect(md).toContain("**Proof:**");
  });

  test("hover on a mod name shows V, cap, tile_n and registers", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const hover = await h.rpc.sendRequest("textDocument/hover", { textDocument: { uri }, position: posOf(KV_BIAS, "kvBiasMod", 2) }) as { contents: { value: string } };
    expect(hover.contents.value).toMatch(/V \(vecSize\):\*\* 8/);
    expect(hover.contents.value).toContain("tile_n:** 128");
    expect(hover.contents.value).toMatch(/Registers:\*\* ~\d+ of 255/);
  });

  test("hover elsewhere falls back to TypeScript's quick info", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const hover = await h.rpc.sendRequest("textDocument/hover", { textDocument: { uri }, position: posOf(KV_BIAS, "tensor(\"kv_bias\"", 2) }) as { contents: { value: string } };
    expect(hover.contents.value).toContain("tensor<DType<\"bf16\">");
    expect(hover.contents.value).toContain("Declare an aux tensor");
  });

  test("inlay hints label each load", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const hints = await h.rpc.sendRequest("textDocument/inlayHint", { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } }) as { label: string; position: { line: number } }[];
    expect(hints.map((x) => x.label)).toEqual(["⟨v8·16B⟩"]);
    expect(hints[0].position.line).toBe(posOf(KV_BIAS, "kvBias.at(").line);
  });

  test("quick fix raises align as an annotated WorkspaceEdit", async () => {
    const uri = "file:///ws/unaligned.scoremod.ts";
    const at = posOf(KV_BIAS_UNALIGNED, "kvBias.at(", 2);
    const diags = h.published.filter((p) => p.uri === uri).at(-1)!.diagnostics;
    const actions = await h.rpc.sendRequest("textDocument/codeAction", {
      textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: diags },
    }) as { title: string; kind: string; edit: { documentChanges: { edits: { newText: string; annotationId: string }[] }[]; changeAnnotations: Record<string, { label: string }> } }[];
    const fix = actions.find((a) => a.title.includes("align: 16"));
    expect(fix, JSON.stringify(actions)).toBeDefined();
    expect(fix!.kind).toBe("quickfix");
    const edit = fix!.edit.documentChanges[0].edits[0];
    expect(edit.newText).toContain("align: 16");
    expect(fix!.edit.changeAnnotations[edit.annotationId].label).toBe(fix!.title);
  });

  test("an unproven index offers clamp and guard quick fixes, the guard as one edit plus the import", async () => {
    const uri = "file:///ws/total_k.scoremod.ts";
    const text = `import { bf16, scoreMod, tensor } from "scoremod";\nexport const t = tensor("t", bf16, ["TOTAL_K"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`;
    h.open(uri, text, 1);
    const diags = (await h.waitFor(uri, 1)).diagnostics;
    expect(diags.map((d) => d.code)).toContain("SM163");
    const at = posOf(text, "t.at(", 2);
    const actions = await h.rpc.sendRequest("textDocument/codeAction", {
      textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: diags },
    }) as { title: string; edit: { documentChanges: { edits: { newText: string }[] }[] } }[];
    const titles = actions.map((a) => a.title);
    expect(titles).toContain("Clamp index 0 into its extent ([0, TOTAL_K))");
    expect(titles).toContain(`Guard the load: read it only where kv < dim("TOTAL_K") (else 0)`);
    const guard = actions.find((a) => a.title.startsWith("Guard"))!;
    expect(guard.edit.documentChanges[0].edits.map((e) => e.newText)).toEqual([", dim", `(kv < dim("TOTAL_K") ? t.at(kv) : 0)`]);
  });

  test("SM170 over the wire: `&` on booleans is published once (not with TS2447) and its quick fix writes `&&`", async () => {
    const uri = "file:///ws/flexbool.scoremod.ts";
    const text = `import { maskMod } from "scoremod";\nexport const m = maskMod((b, h, q, kv) => (q >= kv) & (kv < 64));\n`;
    h.open(uri, text, 1);
    await h.waitFor(uri, 1);
    const diags = h.published.filter((p) => p.uri === uri).at(-1)!.diagnostics as { code: string; range: { start: { line: number; character: number } } }[];
    expect(diags.map((d) => d.code)).toEqual(["SM170"]);
    const at = diags[0]!.range.start;
    expect(at).toEqual({ line: 1, character: text.split("\n")[1]!.indexOf(" & ") + 1 });
    const actions = await h.rpc.sendRequest("textDocument/codeAction", {
      textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: diags },
    }) as { title: string; kind: string; isPreferred: boolean; edit: { documentChanges: { edits: { newText: string }[] }[] } }[];
    const fix = actions.find((a) => a.title === "Replace '&' with '&&'");
    expect(fix, JSON.stringify(actions)).toBeDefined();
    expect(fix!.kind).toBe("quickfix");
    expect(fix!.isPreferred).toBe(true);
    expect(fix!.edit.documentChanges[0].edits[0].newText).toBe("(q >= kv) && (kv < 64)");
  });

  test("completion after a tensor variable offers .at via TypeScript", async () => {
    const uri = "file:///ws/complete.scoremod.ts";
    const text = KV_BIAS.replace("kvBias.at(b, h, kv)", "kvBias.");
    h.open(uri, text, 1);
    await h.waitFor(uri, 1);
    const list = await h.rpc.sendRequest("textDocument/completion", { textDocument: { uri }, position: posOf(text, "kvBias.)", 7) }) as { items: { label: string }[] };
    expect(list.items.map((i) => i.label)).toContain("at");
  });

  test("go-to-definition on a tensor variable finds its declaration", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const defs = await h.rpc.sendRequest("textDocument/definition", { textDocument: { uri }, position: posOf(KV_BIAS, "kvBias.at(", 1) }) as { uri: string; range: { start: { line: number } } }[];
    expect(defs[0].uri).toBe(uri);
    expect(defs[0].range.start.line).toBe(posOf(KV_BIAS, "export const kvBias").line);
  });

  test("signature help inside .at( names the indices", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const sh = await h.rpc.sendRequest("textDocument/signatureHelp", { textDocument: { uri }, position: posOf(KV_BIAS, "kvBias.at(", 10) }) as { signatures: { label: string }[] } | null;
    expect(sh?.signatures[0].label).toMatch(/at\(/);
  });

  test("scoremod/analysis and scoremod/cuda answer for an open document", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const a = await h.rpc.sendRequest("scoremod/analysis", { uri }) as { version: number; analysis: { mods: { name: string }[] } };
    expect(a.version).toBe(1);
    expect(a.analysis.mods[0].name).toBe("kvBiasMod");
    const c = await h.rpc.sendRequest("scoremod/cuda", { uri, mod: "kvBiasMod" }) as { ok: boolean; code: string; lineMap: number[] };
    expect(c.ok).toBe(true);
    const loadLine = posOf(KV_BIAS, "kvBias.at(").line;
    expect(c.lineMap.length).toBe(c.code.replace(/\n$/, "").split("\n").length);
    expect(c.lineMap).toContain(loadLine);
    const missing = await h.rpc.sendRequest("scoremod/cuda", { uri, mod: "nope" }) as { ok: boolean; error: string };
    expect(missing).toMatchObject({ ok: false });
    expect(missing.error).toContain("kvBiasMod");
    const closed = await h.rpc.sendRequest("scoremod/cuda", { uri: "file:///ws/never-opened.scoremod.ts", mod: "m" }) as { ok: boolean; error: string };
    expect(closed.ok).toBe(false);
  });

  test("scoremod/ptx maps the 16-byte vector load to the load's source line (nvcc)", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const r = await h.rpc.sendRequest("scoremod/ptx", { uri, mod: "kvBiasMod" }) as { ok: boolean; error?: string; ptx: string; lineMap: number[]; loadsByLine: Record<string, Record<string, number>>; groups: { sourceLine: number }[] };
    expect(r.ok, r.error).toBe(true);
    const loadLine = posOf(KV_BIAS, "kvBias.at(").line;
    expect(r.loadsByLine[String(loadLine)]).toEqual({ "ld.global.v4 (16 B)": 1 });
    expect(r.groups.map((g) => g.sourceLine)).toContain(loadLine);
    expect(r.lineMap.length).toBe(r.ptx.split("\n").length);
  });

  test("scoremod/sass: the cubin's registers and spills, and SASS by source line or the reason there is none (nvcc)", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const r = await h.rpc.sendRequest("scoremod/sass", { uri, mod: "kvBiasMod" }) as { ok: boolean; error?: string; sass: string; lineMap: number[]; tool: string | null; registers: number | null; groups: { sourceLine: number }[] };
    expect(r.ok, r.error).toBe(true);
    expect(r.registers).toBeGreaterThan(0);
    expect(r.sass).toMatch(new RegExp(`: ${r.registers} registers, 0 bytes spill stores, 0 bytes spill loads`));
    expect(r.lineMap.length).toBe(r.sass.split("\n").length);
    if (r.tool === null) expect(r.sass).toMatch(/SASS: not shown: disassembling needs nvdisasm or cuobjdump .* neither is beside nvcc/);
    else expect(r.sass).toMatch(/\n {4}\/\*[0-9a-f]{4}\*\/ LDG/);
    if (r.tool === "nvdisasm") expect(r.groups.map((g) => g.sourceLine)).toContain(posOf(KV_BIAS, "kvBias.at(").line);
  });

  test("scoremod/ptx without nvcc says how to fix it", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    await h.rpc.sendNotification("workspace/didChangeConfiguration", { settings: { scoremod: { nvccPath: "/nonexistent/nvcc" } } });
    const r = await h.rpc.sendRequest("scoremod/ptx", { uri, mod: "kvBiasMod" }) as { ok: boolean; error: string };
    await h.rpc.sendNotification("workspace/didChangeConfiguration", { settings: { scoremod: { nvccPath: "" } } });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/nvcc/);
  });

  test("scoremod/export to FA4 answers CuTe-DSL Python with the vec size", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const r = await h.rpc.sendRequest("scoremod/export", { uri, mod: "kvBiasMod", flavor: "fa4" }) as { ok: boolean; code: string; error?: string };
    expect(r.ok, r.error).toBe(true);
    expect(r.code).toContain("__vec_size__");
  });

  test("scoremod/export to Flex answers Python for the mod", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const r = await h.rpc.sendRequest("scoremod/export", { uri, mod: "kvBiasMod", flavor: "flex" }) as { ok: boolean; code: string; language: string; error?: string };
    expect(r.ok, r.error).toBe(true);
    expect(r.language).toBe("python");
    expect(r.code).toContain("kv_idx");
    const bad = await h.rpc.sendRequest("scoremod/export", { uri, mod: "nope", flavor: "flex" }) as { ok: boolean; error: string };
    expect(bad).toMatchObject({ ok: false });
  });

  test("scoremod/setTarget re-analyses with the new target and rejects unknown ones", async () => {
    const uri = "file:///ws/kv.scoremod.ts";
    const bad = await h.rpc.sendRequest("scoremod/setTarget", { target: "sm_999" }) as { ok: boolean };
    expect(bad.ok).toBe(false);
    const ok = await h.rpc.sendRequest("scoremod/setTarget", { target: "fa4-sm90" }) as { ok: boolean; target: string };
    expect(ok).toEqual({ ok: true, target: "fa4-sm90" });
    const a = await h.rpc.sendRequest("scoremod/analysis", { uri }) as { analysis: { target: string } };
    expect(a.analysis.target).toBe("fa4-sm90");
    await h.rpc.sendRequest("scoremod/setTarget", { target: "fa4-sm100" });
  });

  test("the server does not compute heat maps (they execute the file: the runner's worker does)", async () => {
    await expect(h.rpc.sendRequest("scoremod/heatMap", { uri: "file:///ws/x.scoremod.ts", mod: "m", size: 4 })).rejects.toThrow(/Unhandled method/);
  });

  test("stale results never overwrite newer ones: only the last version is published after a burst", async () => {
    const uri = "file:///ws/burst.scoremod.ts";
    h.open(uri, KV_BIAS, 1);
    for (let v = 2; v <= 6; v++) h.change(uri, v % 2 ? KV_BIAS : KV_BIAS_UNALIGNED, v);
    const p = await h.waitFor(uri, 6);
    expect(p.version).toBe(6);
    const versions = h.published.filter((x) => x.uri === uri).map((x) => x.version ?? -1);
    // Debounced: the intermediate versions 2..5 are never published, and versions only grow.
    expect(versions.filter((v) => v > 1 && v < 6)).toEqual([]);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  });

  test("never crashes on arbitrary text", async () => {
    const uri = "file:///ws/fuzz.scoremod.ts";
    const pieces = ["scoreMod(", "maskMod((b,h,q,kv)=>", "tensor(\"x\", bf16, [\"KV\"], {align: 3})", ".at(", ")", "{", "}", "=>", "kv*2", "export const m = ", "\u0000", "`${", "/*", "idiv(", ";", "\n"];
    let seed = 12345;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    let text = "";
    h.open(uri, "", 1);
    for (let v = 2; v < 40; v++) {
      text += pieces[Math.floor(rnd() * pieces.length)];
      h.change(uri, KV_BIAS.slice(0, Math.floor(rnd() * KV_BIAS.length)) + text, v);
      const pos = { line: Math.floor(rnd() * 10), character: Math.floor(rnd() * 80) };
      await h.rpc.sendRequest("textDocument/hover", { textDocument: { uri }, position: pos });
      await h.rpc.sendRequest("textDocument/completion", { textDocument: { uri }, position: pos });
    }
    const p = await h.waitFor(uri, 39);
    expect(p.version).toBe(39);
    const a = await h.rpc.sendRequest("scoremod/analysis", { uri }) as { version: number };
    expect(a.version).toBe(39);
  });
});
