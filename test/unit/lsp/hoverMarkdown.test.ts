// User text in hover Markdown stays inside its code span (issue 14, item 8): a load's source text
// holds whatever its comments hold, backticks included, and must never turn into links, images
// or HTML in the editor's hover.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { factHover } from "../../../server/src/lsp/hover";

// markdown-it renders hovers in VS Code; it ships no typings, so it is required untyped.
const MarkdownIt = createRequire(import.meta.url)("markdown-it") as new (o: object) => { render(src: string): string };
const md = new MarkdownIt({ html: true, linkify: false });
const PAYLOAD = "[link](https://evil.example/a) ![img](https://evil.example/i.png) <b>bold</b>";

function hoverOn(loadSource: string): { html: string; text: string } {
  const text = `import { bf16, scoreMod, tensor } from "scoremod";
export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });
export const m = scoreMod({ vecSize: 8 }, (score, b, h, q, kv) => score + ${loadSource});
`;
  const a = analyze("/ws/bt.scoremod.ts", text);
  const load = a.mods[0]?.loads[0];
  expect(load, JSON.stringify(a.diagnostics)).toBeDefined();
  const h = factHover(a, load!.range.start);
  return { html: md.render((h!.contents as { value: string }).value), text: load!.text };
}

describe("hover Markdown", () => {
  it.each([
    ["one backtick", "kvBias.at(b, h, /* ` " + PAYLOAD + " ` */ kv)"],
    ["a run of backticks", "kvBias.at(b, h, /* ``` " + PAYLOAD + " ``` */ kv)"],
    ["a backtick at the end", "kvBias.at(b, h, kv /* " + PAYLOAD + " `*/)"],
    ["a line comment with a line break", "kvBias.at(b, h, // ` " + PAYLOAD + "\n  kv)"],
    ["a blank line", "kvBias.at(b, h, /* `\n\n- " + PAYLOAD + " */ kv)"],
  ])("%s in a comment inside .at(...) stays in the code span", (_, src) => {
    const { html, text } = hoverOn(src);
    expect(text).toContain("evil.example");
    expect(html).not.toMatch(/<a |<img |<b>/);
    // The whole load text is one <code> element (line breaks shown as spaces).
    const codes = [...html.matchAll(/<code>([^<]*)<\/code>/g)].map((m) => m[1]);
    const flat = text.replace(/\s*[\r\n]+\s*/g, " ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    expect(codes).toContain(flat);
  });
});
