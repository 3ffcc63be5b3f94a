// The user's aux files: .npy (1.0, 2.0, 3.0 headers, Fortran order, every dtype) and
// .safetensors (several tensors, keys), built here byte by byte from the two formats' specs;
// exact bytes after re-layout, and exact messages for every refusal.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bf16, bool, f16, f32, i32, i64, i8, tensor, u16, u32, u8 } from "../../../runtime/src/dsl";
import type { DType } from "../../../runtime/index";
import { parseAuxSpec, readAuxHeader, relayout, userAuxData } from "../../../server/src/runner/auxFile";

const dir = mkdtempSync(join(tmpdir(), "scoremod-auxfile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}
const ascii = (s: string) => new TextEncoder().encode(s);

/** A .npy file as numpy writes it: magic, version, header length, the dict padded with spaces to 64 bytes, '\n'. */
function npy(descr: string, shape: number[], data: Uint8Array, opts: { fortran?: boolean; major?: number; header?: string } = {}): Uint8Array {
  const major = opts.major ?? 1;
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let dict = opts.header ?? `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? "True" : "False"}, 'shape': ${tuple}, }`;
  const pre = major === 1 ? 10 : 12;
  while ((pre + ascii(dict).length + 1) % 64 !== 0) dict += " ";
  const header = ascii(dict + "\n");
  const lenBytes = new Uint8Array(major === 1 ? 2 : 4);
  const v = new DataView(lenBytes.buffer);
  if (major === 1) v.setUint16(0, header.length, true); else v.setUint32(0, header.length, true);
  return concat(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]), lenBytes, header, data);
}

/** A .safetensors file: u64 LE header length, the JSON header (space-padded to 8 bytes), the data. */
function safetensors(tensors: Record<string, { dtype: string; shape: number[]; data: Uint8Array }>, meta?: Record<string, string>, tweak?: (h: Record<string, unknown>) => void): Uint8Array {
  const header: Record<string, unknown> = meta ? { __metadata__: meta } : {};
  let off = 0;
  for (const [k, t] of Object.entries(tensors)) {
    header[k] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.data.length] };
    off += t.data.length;
  }
  tweak?.(header);
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += " ";
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(json.length), true);
  return concat(len, ascii(json), ...Object.values(tensors).map((t) => t.data));
}

const bytes = (n: number, start = 1) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
const f32s = (...xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
const i32s = (...xs: number[]) => new Uint8Array(Int32Array.from(xs).buffer);

describe(".npy", () => {
  const dist = tensor("distances", f32, ["B", "Q", "KV"]);
  const dims = { B: 1, Q: 2, KV: 3 };
  const data = f32s(0, 1, 2, 10, 11, 12);

  it("reads a version 1.0 file as is: the bytes, and values the JS reference reads", () => {
    const a = userAuxData(dist, dims, file("v1.npy", npy("<f4", [1, 2, 3], data)));
    expect(a.layout).toBe("as-is");
    expect([...a.bytes]).toEqual([...data]);
    expect({ name: a.name, dtype: a.dtype, shape: a.shape, strides: a.strides, allocElements: a.allocElements }).toEqual({ name: "distances", dtype: "f32", shape: [1, 2, 3], strides: [6, 3, 1], allocElements: 6 });
    expect([...a.sample!.values]).toEqual([0, 1, 2, 10, 11, 12]);
    expect(a.sample!.bytes).toBe(a.bytes);
  });

  it("reads version 2.0 (4-byte header length) and 3.0 (UTF-8 header) the same", () => {
    for (const major of [2, 3]) {
      const a = userAuxData(dist, dims, file(`v${major}.npy`, npy("<f4", [1, 2, 3], data, { major })));
      expect([...a.bytes], `v${major}`).toEqual([...data]);
    }
  });

  it("refuses a version it does not know", () => {
    const p = file("v4.npy", npy("<f4", [1, 2, 3], data, { major: 4 }));
    expect(() => userAuxData(dist, dims, p)).toThrow(`${p}: .npy format version 4.0 is not supported (1.0, 2.0, 3.0 are)`);
  });

  it("re-lays out a Fortran-order file to the declared row-major strides", () => {
    // Logical [[0, 1, 2], [10, 11, 12]] stored column by column.
    const a = userAuxData(dist, dims, file("fortran.npy", npy("<f4", [1, 2, 3], f32s(0, 10, 1, 11, 2, 12), { fortran: true })));
    expect(a.layout).toBe("re-laid-out");
    expect([...a.bytes]).toEqual([...data]);
  });

  it("re-lays out into padded declared strides, padding elements zero", () => {
    const padded = tensor("ids", i32, ["B", "KV"], { strides: ["KV + 2", 1] });
    const a = userAuxData(padded, { B: 2, KV: 3 }, file("ids.npy", npy("<i4", [2, 3], i32s(1, 2, 3, 4, 5, 6))));
    expect(a.layout).toBe("re-laid-out");
    expect(a.strides).toEqual([5, 1]);
    expect(a.allocElements).toBe(8);
    expect([...a.bytes]).toEqual([...i32s(1, 2, 3, 0, 0, 4, 5, 6)]);
    expect([...a.sample!.values]).toEqual([1, 2, 3, 0, 0, 4, 5, 6]);
  });

  it("re-lays out for a leading dim moved innermost, and keeps a Fortran file as is when it matches", () => {
    const colMajor = tensor("t", u8, ["Q", "KV"], { leadingDim: 0 });
    const c = userAuxData(colMajor, { Q: 2, KV: 3 }, file("lead.npy", npy("|u1", [2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6]))));
    expect(c.layout).toBe("re-laid-out");
    expect([...c.bytes]).toEqual([1, 4, 2, 5, 3, 6]);
    const f = userAuxData(colMajor, { Q: 2, KV: 3 }, file("leadF.npy", npy("|u1", [2, 3], Uint8Array.from([1, 4, 2, 5, 3, 6]), { fortran: true })));
    expect(f.layout).toBe("as-is");
    expect([...f.bytes]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it("reads every dtype numpy can name, bytes unchanged", () => {
    const cases: [string, DType, number][] = [
      ["<f4", f32, 4], ["<f2", f16, 2], ["<i4", i32, 4], ["<u4", u32, 4], ["|u1", u8, 1], ["|i1", i8, 1],
      ["|b1", bool, 1], ["<i8", i64, 8], ["<u2", u16, 2], ["bfloat16", bf16, 2],
    ];
    for (const [descr, dt, size] of cases) {
      const raw = dt === bool ? Uint8Array.from([1, 0, 1, 1]) : bytes(4 * size, 3);
      const a = userAuxData(tensor("x", dt, [4]), {}, file(`dt-${dt.name}.npy`, npy(descr, [4], raw)));
      expect(a.dtype, descr).toBe(dt.name);
      expect([...a.bytes], descr).toEqual([...raw]);
    }
  });

  it("refuses big-endian, object, bfloat16-as-void and unsupported dtypes by name", () => {
    const x = tensor("x", f32, [2]);
    const cases: [string, string][] = [
      [">f4", `big-endian data ('>f4') is not supported; save it little-endian (arr.astype(arr.dtype.newbyteorder('<')))`],
      ["|O", `unsupported numpy dtype '|O'`],
      ["|O8", `object arrays (pickled Python objects) cannot be aux data; save a numeric array`],
      ["<V2", `dtype '<V2' is raw 2-byte data (how numpy saves bfloat16, which .npy cannot name); save bf16 tensors as .safetensors`],
      ["=f4", `dtype '=f4' does not say its byte order; save it with numpy's np.save, which writes '<' or '>'`],
      ["<f8", `numpy dtype '<f8' has no aux dtype (supported: f4 (f32), f2 (f16), i4 (i32), u4 (u32), u1 (u8), i1 (i8), b1 (bool), i8 (i64), u2 (u16); bf16 through .safetensors)`],
    ];
    for (const [descr, msg] of cases) {
      const p = file("bad-dtype.npy", npy(descr, [2], bytes(16)));
      expect(() => userAuxData(x, {}, p), descr).toThrow(`${p}: ${msg}`);
    }
  });

  it("refuses a structured array and a header that is not numpy's dict", () => {
    const x = tensor("x", f32, [2]);
    const s = file("rec.npy", npy("", [2], bytes(8), { header: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }" }));
    expect(() => userAuxData(x, {}, s)).toThrow(`${s}: structured (record) arrays cannot be aux data; save a plain numeric array`);
    const b = file("noshape.npy", npy("", [2], bytes(8), { header: "{'descr': '<f4', 'fortran_order': False}" }));
    expect(() => userAuxData(x, {}, b)).toThrow(`${b}: bad .npy header (no 'shape'): "{'descr': '<f4', 'fortran_order': False}"`);
    const m = file("magic.npy", ascii("PK\u0003\u0004 this is a zip"));
    expect(() => userAuxData(x, {}, m)).toThrow(`${m}: not a .npy file (no \\x93NUMPY magic)`);
  });

  it("refuses truncated data and truncated headers, and extra bytes", () => {
    const x = tensor("x", f32, [4]);
    const whole = npy("<f4", [4], bytes(16));
    const short = file("short.npy", whole.subarray(0, whole.length - 3));
    expect(() => userAuxData(x, {}, short)).toThrow(`${short}: truncated .npy data: f32 [4] needs 16 bytes after the header, the file has 13`);
    const head = file("head.npy", whole.subarray(0, 40));
    expect(() => userAuxData(x, {}, head)).toThrow(`${head}: truncated .npy header (118 bytes announced, 30 in the file)`);
    const long = file("long.npy", concat(whole, bytes(4)));
    expect(() => userAuxData(x, {}, long)).toThrow(`${long}: 4 bytes after the data of f32 [4] (not a single .npy array?)`);
  });

  it("names the file, the tensor and the dim in dtype and shape mismatches", () => {
    const biasDecl = tensor("bias", bf16, ["B", "KV"]);
    const b = file("bias.npy", npy("<f4", [1, 3], bytes(12)));
    expect(() => userAuxData(biasDecl, { B: 1, KV: 3 }, b)).toThrow(`${b}: dtype f32 but tensor "bias" is declared bf16`);
    const d = file("dist.npy", npy("<f4", [1, 8, 4], bytes(128)));
    expect(() => userAuxData(dist, { B: 1, Q: 8, KV: 8 }, d))
      .toThrow(`${d}: shape [1, 8, 4] but tensor "distances" is [B, Q, KV] = [1, 8, 8] at this shape (dim 2: 4 vs KV = 8)`);
    const r = file("rank.npy", npy("<f4", [8], bytes(32)));
    expect(() => userAuxData(dist, { B: 1, Q: 8, KV: 8 }, r))
      .toThrow(`${r}: shape [8] (rank 1) but tensor "distances" is [B, Q, KV] = [1, 8, 8] at this shape (rank 3)`);
    const fixed = tensor("lut", f32, [4, 2]);
    const l = file("lut.npy", npy("<f4", [4, 3], bytes(48)));
    expect(() => userAuxData(fixed, {}, l)).toThrow(`${l}: shape [4, 3] but tensor "lut" is [4, 2] (dim 1: 3 vs 2)`);
  });

  it("refuses a missing file and another extension (a :KEY makes sense only after .safetensors)", () => {
    const x = tensor("x", f32, [4]);
    const missing = join(dir, "missing.npy");
    expect(() => userAuxData(x, {}, missing)).toThrow(`${missing}: no such file`);
    const txt = file("x.csv", ascii("1,2,3,4"));
    expect(() => userAuxData(x, {}, txt)).toThrow(`${txt}: aux data must be a .npy or .safetensors file`);
    const n = file("k.npy", npy("<f4", [4], bytes(16)));
    expect(() => userAuxData(x, {}, `${n}:x`)).toThrow(`${n}:x: aux data must be a .npy or .safetensors file (a :KEY picks a tensor of a .safetensors file; a .npy file holds one array)`);
  });
});

describe(".safetensors", () => {
  const bias = tensor("bias", bf16, ["H", "KV"]);
  const dims = { H: 2, KV: 2 };
  const bf = Uint8Array.from([0x80, 0x3f, 0x00, 0x40, 0x40, 0x40, 0x80, 0xc0]); // 1, 2, 3, -4 in bf16

  it("reads a bf16 tensor (the dtype .npy cannot carry) and ignores __metadata__", () => {
    const p = file("one.safetensors", safetensors({ weights: { dtype: "BF16", shape: [2, 2], data: bf } }, { format: "pt" }));
    const a = userAuxData(bias, dims, p);
    expect(a.layout).toBe("as-is");
    expect(a.source).toBe(`${p}:weights`);
    expect([...a.bytes]).toEqual([...bf]);
    expect([...a.sample!.values]).toEqual([1, 2, 3, -4]);
  });

  const many = () => safetensors({
    alibi: { dtype: "F32", shape: [2], data: f32s(5, 6) },
    bias: { dtype: "BF16", shape: [2, 2], data: bf },
    other: { dtype: "BF16", shape: [2, 2], data: bf.slice().reverse() },
  });

  it("picks the tensor named like the declaration, or the one a :KEY names", () => {
    const p = file("many.safetensors", many());
    expect([...userAuxData(bias, dims, p).bytes]).toEqual([...bf]);
    const k = userAuxData(bias, dims, `${p}:other`);
    expect(k.source).toBe(`${p}:other`);
    expect([...k.bytes]).toEqual([...bf.slice().reverse()]);
  });

  it("lists the keys when it cannot choose, or the key is not there", () => {
    const p = file("many2.safetensors", many());
    const rel = tensor("rel", bf16, ["H", "KV"]);
    expect(() => userAuxData(rel, dims, p)).toThrow(`${p}: 3 tensors and none is named "rel"; pick one with ${p}:KEY (tensors: "alibi", "bias", "other")`);
    expect(() => userAuxData(rel, dims, `${p}:nope`)).toThrow(`${p}: no tensor "nope" (tensors: "alibi", "bias", "other")`);
    expect(() => userAuxData(bias, dims, `${p}:alibi`)).toThrow(`${p}:alibi: dtype f32 but tensor "bias" is declared bf16`);
  });

  it("refuses unsupported dtypes by name, wrong data_offsets, truncated data and bad headers", () => {
    const f64 = file("f64.safetensors", safetensors({ bias: { dtype: "F64", shape: [2, 2], data: bytes(32) } }));
    expect(() => userAuxData(bias, dims, f64)).toThrow(`${f64}:bias: dtype "F64" has no aux dtype (supported: BF16, F16, F32, I32, U32, U8, I8, BOOL, I64, U16)`);
    const off = file("off.safetensors", safetensors({ bias: { dtype: "BF16", shape: [2, 2], data: bf } }, undefined, (h) => { (h.bias as { data_offsets: number[] }).data_offsets = [0, 6]; }));
    expect(() => userAuxData(bias, dims, off)).toThrow(`${off}:bias: data_offsets [0, 6] hold 6 bytes but bf16 [2, 2] needs 8`);
    const whole = safetensors({ bias: { dtype: "BF16", shape: [2, 2], data: bf } });
    const cut = file("cut.safetensors", whole.subarray(0, whole.length - 2));
    expect(() => userAuxData(bias, dims, cut)).toThrow(`${cut}:bias: truncated file: data_offsets end at byte ${whole.length} but the file has ${whole.length - 2}`);
    const huge = file("huge.safetensors", concat(Uint8Array.from([0xff, 0xff, 0, 0, 0, 0, 0, 0]), ascii("{}")));
    expect(() => userAuxData(bias, dims, huge)).toThrow(`${huge}: bad .safetensors header length 65535 (the file has 2 bytes after it)`);
    const notJson = file("nojson.safetensors", concat(Uint8Array.from([4, 0, 0, 0, 0, 0, 0, 0]), ascii("{x: ")));
    expect(() => userAuxData(bias, dims, notJson)).toThrow(`${notJson}: bad .safetensors header (not JSON: `);
    const tiny = file("tiny.safetensors", bytes(5));
    expect(() => userAuxData(bias, dims, tiny)).toThrow(`${tiny}: truncated .safetensors file (5 bytes, no header length)`);
  });

  it("reads the header alone for the host's checks", () => {
    const p = file("hdr.safetensors", many());
    expect(readAuxHeader(`${p}:alibi`, "bias")).toEqual({ label: `${p}:alibi`, dtype: "f32", shape: [2], order: "C", offset: expect.any(Number), byteLength: 8 });
  });
});

describe("sizes and specs", () => {
  it("fills no sample above the tiling threshold (the JS reference never runs there)", () => {
    const big = tensor("mask", u8, ["Q", "KV"]);
    const n = 4097 * 4096; // just over 2^24 elements
    const raw = new Uint8Array(n);
    raw[n - 1] = 7;
    const a = userAuxData(big, { Q: 4097, KV: 4096 }, file("big.npy", npy("|u1", [4097, 4096], raw)));
    expect(a.sample).toBeNull();
    expect(a.bytes.length).toBe(n);
    expect(a.bytes[n - 1]).toBe(7);
  });

  it("splits a :KEY only after .safetensors", () => {
    expect(parseAuxSpec("w.safetensors:bias")).toEqual({ path: "w.safetensors", key: "bias" });
    expect(parseAuxSpec("C:\\data\\w.safetensors:bias")).toEqual({ path: "C:\\data\\w.safetensors", key: "bias" });
    expect(parseAuxSpec("C:\\data\\ids.npy")).toEqual({ path: "C:\\data\\ids.npy" });
    expect(parseAuxSpec("a:b/w.safetensors")).toEqual({ path: "a:b/w.safetensors" });
  });

  it("relayout copies each element to its declared offset", () => {
    // [2, 2] of 2-byte elements, source column-major, destination rows padded to 3.
    const dst = new Uint8Array(10);
    relayout(Uint8Array.from([1, 1, 2, 2, 3, 3, 4, 4]), [1, 2], dst, [3, 1], [2, 2], 2);
    expect([...dst]).toEqual([1, 1, 3, 3, 0, 0, 2, 2, 4, 4]);
  });
});
