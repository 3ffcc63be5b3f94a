// The PTX parser on hand-written PTX: .file/.loc attribution through inlined_at chains, load widths.
import { describe, expect, it } from "vitest";
import { globalLoad, globalLoadsByLine, groupBySource, parsePtx } from "../../../server/src/codegen/ptxMap";

const PTX = `
.visible .entry k(
	.param .u64 k_param_0
)
{
	.reg .b32 %r<9>;
	.loc	1 3 0
	ld.param.u64 	%rd1, [k_param_0];
	ld.global.nc.u32 	%r1, [%rd1];
	.loc	2 7 3, function_name $L__info_string0, inlined_at 1 16 3
	.loc	3 131 49, function_name $L__info_string1, inlined_at 2 7 3
	ld.global.nc.v4.u32 	{%r1, %r2, %r3, %r4}, [%rd2];
	.loc	4 600 1, function_name $L__info_string2, inlined_at 3 131 49
	@%p1 ld.global.v2.u16 	{%rs1, %rs2}, [%rd3];
	.loc	2 9 3, function_name $L__info_string0, inlined_at 1 16 3
	ld.global.nc.f32 	%f1, [%rd4+4];
	ld.global.L1::no_allocate.v8.f32 	{%f1, %f2, %f3, %f4, %f5, %f6, %f7, %f8}, [%rd5];
	ld.shared.u32 	%r5, [%rd6];
	ret;
}
	.file	1 "/tmp/x/mod.cu"
	.file	2 "/tmp/x/kv_bias.scoremod.ts"
	.file	3 "/usr/local/cuda/include/sm_32_intrinsics.hpp"
	.file	4 "/usr/local/cuda/include/cuda_bf16.hpp"
`;

describe("ptxMap", () => {
  const map = parsePtx(PTX, (f) => f.endsWith(".scoremod.ts"));
  it("attributes inlined header code to the source line that called it", () => {
    expect(globalLoadsByLine(map, "k")).toEqual(new Map([[7, [4, 16]], [9, [4, 32]]]));
  });
  it("leaves code outside the source unattributed", () => {
    const first = map.instrs.find((i) => i.text.startsWith("ld.global.nc.u32"))!;
    expect(first.line).toBeNull();
    expect(map.files.get(2)).toBe("/tmp/x/kv_bias.scoremod.ts");
  });
  it("reads widths of every global load form, and nothing else", () => {
    expect(globalLoad("ld.global.nc.v4.u32 {%r1, %r2, %r3, %r4}, [%rd2];")).toEqual({ bytes: 16, vec: 4, bits: 32, nc: true });
    expect(globalLoad("@!%p2 ld.global.u8 %rs1, [%rd3];")).toMatchObject({ bytes: 1, vec: 1 });
    expect(globalLoad("ld.global.nc.v2.u64 {%rd1, %rd2}, [%rd3];")).toMatchObject({ bytes: 16 });
    expect(globalLoad("ld.shared.u32 %r5, [%rd6];")).toBeNull();
    expect(globalLoad("ld.param.u64 %rd1, [k_param_0];")).toBeNull();
    expect(globalLoad("st.global.u32 [%rd1], %r1;")).toBeNull();
  });
  it("groups instructions under source lines", () => {
    const text = groupBySource(map, "k", ["", "", "", "", "", "", "  return s + kvBias.at(b, h, kv);", "", "  x"], "kv_bias.scoremod.ts");
    expect(text).toContain("// kv_bias.scoremod.ts:7: return s + kvBias.at(b, h, kv);\n    ld.global.nc.v4.u32");
    expect(text.startsWith("// (generated code)\n    ld.param.u64")).toBe(true);
  });
});
