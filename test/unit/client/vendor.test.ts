// media/vendor/uplot is a verbatim copy of the npm package's browser build (the webview may load
// only local files, and the .vsix ships no node_modules); it must match the installed version.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";

const root = join(__dirname, "..", "..", "..");

test("vendored uPlot equals node_modules/uplot/dist", () => {
  for (const f of ["uPlot.iife.min.js", "uPlot.min.css"]) {
    expect(readFileSync(join(root, "media/vendor/uplot", f)).equals(readFileSync(join(root, "node_modules/uplot/dist", f))), f).toBe(true);
  }
  expect(readFileSync(join(root, "media/vendor/uplot/LICENSE"), "utf8")).toContain("MIT");
});

test("the webview page script loads nothing remote", () => {
  const js = readFileSync(join(root, "media/sweep.js"), "utf8");
  expect(js).not.toMatch(/https?:\/\//);
  expect(js).not.toMatch(/\beval\(|new Function\(/);
});
