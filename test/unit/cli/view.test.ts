// `scoremod view`: the PNG is a real PNG whose pixels show the classes the analysis proved, and
// bad input gets a clear message.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { run } from "../../../server/src/cli/view";
import { maskView } from "../../../server/src/view/maskView";
import { renderView } from "../../../server/src/cli/view";
import type { HeatMapOk } from "../../../server/src/protocol";

const ROOT = join(__dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "scoremod-view-"));

async function view(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

/** Decodes an 8-bit RGB, non-interlaced PNG whose rows use filter 0 (what Raster writes). */
function decodePng(buf: Buffer): { width: number; height: number; px: (x: number, y: number) => number[] } {
  expect([...buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8, width = 0, height = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off), type = buf.toString("ascii", off + 4, off + 8), body = buf.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") { width = body.readUInt32BE(0); height = body.readUInt32BE(4); expect([body[8], body[9], body[12]]).toEqual([8, 2, 0]); }
    if (type === "IDAT") idat.push(body);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width * 3 + 1) * height);
  return { width, height, px: (x, y) => { const o = y * (width * 3 + 1) + 1 + x * 3; return [raw[o]!, raw[o + 1]!, raw[o + 2]!]; } };
}

describe("scoremod view", () => {
  it("writes a PNG whose tile map shows the proven classes", async () => {
    const out = join(dir, "causal.png");
    const r = await view([join(ROOT, "examples/causal.scoremod.ts"), "--mod", "causalMask", "--out", out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("28 of 64 tiles empty, 28 full, 8 partial");
    const png = decodePng(readFileSync(out));
    // Same geometry as renderView: tiles start at (16 + 76, top + 18), 64 px per tile for 8 x 8 tiles.
    const v = maskView(join(ROOT, "examples/causal.scoremod.ts"), readFileSync(join(ROOT, "examples/causal.scoremod.ts"), "utf8"), { mod: "causalMask", size: 64 }) as HeatMapOk;
    const img = renderView(v);
    expect([png.width, png.height]).toEqual([img.width, img.height]);
    const top = 16 + 3 * 18, tx = 16 + 76, ty = top + 18, tpx = 64;
    const at = (qt: number, kt: number) => png.px(tx + kt * tpx + tpx / 2, ty + qt * tpx + tpx / 2);
    expect(at(7, 0)).toEqual([70, 160, 95]);    // full: below the diagonal
    expect(at(0, 7)).toEqual([232, 232, 232]);  // empty: above it
    expect(at(3, 3)).toEqual([235, 180, 40]);   // partial: on it
  });

  it("refuses bad input with a clear message", async () => {
    const f = join(ROOT, "examples/causal.scoremod.ts");
    expect((await view([f, "--out", join(dir, "x.png")])).err).toMatch(/--mod NAME is required/);
    expect((await view([f, "--mod", "causalMask", "--out", join(dir, "x.jpg")])).err).toMatch(/must name a \.png file/);
    expect((await view([f, "--mod", "causalMask", "--out", join(dir, "x.png"), "--at", "1"])).code).toBe(2);
    const missing = await view([f, "--mod", "nope", "--out", join(dir, "x.png")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/"nope" is not a mod/);
  });
});
