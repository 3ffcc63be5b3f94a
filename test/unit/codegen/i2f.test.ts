// The generated code's int -> float (prelude sm_i2f: two exact halves and one fma, off the
// conversion unit) must round exactly as (float)x does. The prelude's own text is compiled for
// the host with g++ (shims for the two CUDA intrinsics it uses) and compared over a strided sweep
// of all int32 values plus the edges.
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PRELUDE } from "../../../server/src/codegen/prelude";

const hasGpp = spawnSync("g++", ["--version"]).status === 0;

describe("sm_i2f", () => {
  it.runIf(hasGpp)("equals (float)x bit for bit on int32", () => {
    const m = /#ifndef SM_I2F_SPLIT[\s\S]*?\n__device__ __forceinline__ float sm_i2f\(int x\) \{[\s\S]*?\n\}\n/.exec(PRELUDE);
    expect(m, "sm_i2f not found in the prelude").not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), "scoremod-i2f-"));
    const src = `#include <cstdio>\n#include <cstring>\n#include <cmath>\n#include <cstdint>\n#include <initializer_list>\n` +
      `static float __int_as_float(int v) { float f; std::memcpy(&f, &v, 4); return f; }\n` +
      `static float __fmaf_rn(float a, float b, float c) { return std::fmaf(a, b, c); }\n` +
      `#define __device__\n#define __forceinline__ inline\n${m![0]}\n` +
      `int main() {\n  long long bad = 0, n = 0;\n` +
      `  auto one = [&](int x) { n++; float a = sm_i2f(x), b = (float)x; if (std::memcmp(&a, &b, 4)) { if (bad++ < 3) printf("bad %d %.9g %.9g\\n", x, a, b); } };\n` +
      `  for (long long x = INT32_MIN; x <= INT32_MAX; x += 9973) one((int)x);\n` +
      `  for (int x : {INT32_MIN, INT32_MIN + 1, -65537, -65536, -1, 0, 1, 65535, 65536, 16777217, -16777217, 33554433, INT32_MAX}) one(x);\n` +
      `  for (int k = 0; k < 31; ++k) { one(1 << k); one((1 << k) + 1); one(-(1 << k) - 1); }\n` +
      `  printf("%lld %lld\\n", n, bad);\n}\n`;
    writeFileSync(join(dir, "i2f.cc"), src);
    execFileSync("g++", ["-O2", "-ffp-contract=off", "-o", join(dir, "i2f"), join(dir, "i2f.cc")], { stdio: "pipe" });
    const out = execFileSync(join(dir, "i2f"), { encoding: "utf8" }).trim().split("\n");
    const [n, bad] = out[out.length - 1]!.split(" ").map(Number);
    expect(n).toBeGreaterThan(400_000);
    expect(bad, out.join("\n")).toBe(0);
  }, 60_000);
});
