// The user's run sizes per document (own dims, scalars), as the editor remembers them
// (workspaceState), validates them and passes them to Benchmark and Sweep jobs.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { RUN_SIZES_KEY, RunSizeStore, jobRunSizes, parseDimInput, parseScalarInput } from "../../../client/src/runSizes";
import { memento } from "./memento";

describe("RunSizeStore", () => {
  test("keeps dims and scalars per document URI under one workspaceState key; a set replaces the document's sizes", async () => {
    const m = memento();
    const s = new RunSizeStore(m);
    await s.set("file:///a.scoremod.ts", { dims: { KVW: 8 }, scalars: { scale: 0.5 } });
    await s.set("file:///b.scoremod.ts", { dims: { T: 40 }, scalars: {} });
    await s.set("file:///a.scoremod.ts", { dims: { KVW: 16 }, scalars: {} });
    expect(s.get("file:///a.scoremod.ts")).toEqual({ dims: { KVW: 16 }, scalars: {} });
    expect(m.raw[RUN_SIZES_KEY]).toEqual({
      "file:///a.scoremod.ts": { dims: { KVW: 16 }, scalars: {} },
      "file:///b.scoremod.ts": { dims: { T: 40 }, scalars: {} },
    });
    expect(s.get("file:///c.scoremod.ts")).toEqual({ dims: {}, scalars: {} });
  });

  test("setting nothing or clearing forgets the document, and only it", async () => {
    const m = memento();
    const s = new RunSizeStore(m);
    await s.set("u", { dims: { KVW: 8 }, scalars: {} });
    await s.set("v", { dims: { T: 4 }, scalars: {} });
    await s.set("u", { dims: {}, scalars: {} });
    expect(m.raw[RUN_SIZES_KEY]).toEqual({ v: { dims: { T: 4 }, scalars: {} } });
    await s.set("u", { dims: { KVW: 8 }, scalars: {} });
    await s.clear("u");
    expect(m.raw[RUN_SIZES_KEY]).toEqual({ v: { dims: { T: 4 }, scalars: {} } });
  });

  test("a job gets dims and scalars only where some are set", () => {
    expect(jobRunSizes({ dims: {}, scalars: {} })).toEqual({});
    expect(jobRunSizes({ dims: { KVW: 8 }, scalars: {} })).toEqual({ dims: { KVW: 8 } });
    expect(jobRunSizes({ dims: {}, scalars: { shift: 3 } })).toEqual({ scalars: { shift: 3 } });
  });
});

describe("validation of what the user types", () => {
  test("a dim is a positive integer below 2^31", () => {
    expect(parseDimInput(" 8 ")).toEqual({ value: 8 });
    expect(parseDimInput("2147483647")).toEqual({ value: 2147483647 });
    for (const bad of ["", "0", "-4", "1.5", "8k", "1e3"]) expect(parseDimInput(bad), bad).toEqual({ error: "A dim is a positive integer (1, 2, 3, …)." });
    expect(parseDimInput("2147483648")).toEqual({ error: "A dim must be below 2^31 (it is an int32 index in the kernels)." });
  });

  test("a scalar is a number, an i32 one an integer in int32 range; empty is the declared default", () => {
    expect(parseScalarInput("", "f32")).toEqual({ value: undefined });
    expect(parseScalarInput("-0.25", "f32")).toEqual({ value: -0.25 });
    expect(parseScalarInput("1e-2", "f32")).toEqual({ value: 0.01 });
    expect(parseScalarInput("-7", "i32")).toEqual({ value: -7 });
    expect(parseScalarInput("abc", "f32")).toEqual({ error: "A scalar is a number (e.g. 0.5, -3, 1e-2); leave it empty for the declared default." });
    expect(parseScalarInput("Infinity", "f32")).toHaveProperty("error");
    for (const bad of ["1.5", "2147483648", "-2147483649"]) expect(parseScalarInput(bad, "i32"), bad).toEqual({ error: "This is an i32 scalar: an integer from -2147483648 to 2147483647." });
  });

  test("the runner's refusal names this command by its title in the manifest", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../../client/package.json", import.meta.url), "utf8"));
    const cmd = manifest.contributes.commands.find((c: { command: string }) => c.command === "scoremod.setRunSizes");
    const prepare = readFileSync(new URL("../../../server/src/runner/prepare.ts", import.meta.url), "utf8");
    expect(prepare).toContain(`the editor: "${cmd.category}: ${cmd.title}"`);
  });
});
