// The user's own aux data: one tensor read from a .npy (format 1.0, 2.0, 3.0) or .safetensors
// file, checked against its declaration (dtype exactly, shape at this problem's dims) and laid
// out to the declared strides, so a benchmark reads the user's document ids or bias tables
// instead of our samples. fs only; files up to Buffer's limit are read in chunks (readFileSync
// refuses files over 2 GiB, and a [1, 16, 8192, 8192] bf16 bias is 2 GiB).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { constants as bufferConstants } from "node:buffer";
import type { DTypeName, Tensor } from "scoremod";
import { decodeBytes, dtypeBytes } from "scoremod/dtypes";
import { allocationElements, resolveShape, resolveStrides, type DimValues } from "scoremod/layout";
import type { SampleTensor } from "scoremod/sample";
import { SAMPLE_VALUES_LIMIT, type AuxData } from "./data";

/** An aux tensor filled from the user's file: where it came from, and whether its bytes were moved. */
export type UserAux = AuxData & { source: string; layout: "as-is" | "re-laid-out" };

/** One tensor's header as the file describes it (no data read yet). */
export interface AuxFileHeader {
  /** The path as given, and `path:key` for a tensor picked from a .safetensors file: messages name it. */
  label: string;
  dtype: DTypeName;
  shape: number[];
  /** "F": column-major (.npy fortran_order), else row-major. */
  order: "C" | "F";
  /** Byte offset and length of the data in the file. */
  offset: number;
  byteLength: number;
}

/** `path` or `path.safetensors:key` (the key only after .safetensors, so `C:\x.npy` stays a path). */
export function parseAuxSpec(spec: string): { path: string; key?: string } {
  const m = /^(.*\.safetensors):([^/\\]+)$/i.exec(spec);
  return m ? { path: m[1]!, key: m[2]! } : { path: spec };
}

// ---- .npy -------------------------------------------------------------------------------------

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** numpy descr (type char + size) -> DSL dtype. */
const NPY_DTYPES: Record<string, DTypeName> = {
  f4: "f32", f2: "f16", i4: "i32", u4: "u32", u1: "u8", i1: "i8", b1: "bool", i8: "i64", u2: "u16",
};

function npyDtype(descr: string, file: string): DTypeName {
  // ml_dtypes' registered name, when a writer recorded it; plain numpy writes '<V2' for bfloat16.
  if (descr === "bfloat16" || descr === "<bfloat16") return "bf16";
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) throw new Error(`${file}: unsupported numpy dtype '${descr}'`);
  const [, order, kind, size] = m as unknown as [string, string, string, string];
  if (kind === "O") throw new Error(`${file}: object arrays (pickled Python objects) cannot be aux data; save a numeric array`);
  if (kind === "V" && size === "2") {
    throw new Error(`${file}: dtype '${descr}' is raw 2-byte data (how numpy saves bfloat16, which .npy cannot name); save bf16 tensors as .safetensors`);
  }
  if (order === ">" && size !== "1") throw new Error(`${file}: big-endian data ('${descr}') is not supported; save it little-endian (arr.astype(arr.dtype.newbyteorder('<')))`);
  if (order === "=" && size !== "1") throw new Error(`${file}: dtype '${descr}' does not say its byte order; save it with numpy's np.save, which writes '<' or '>'`);
  const dt = NPY_DTYPES[kind + size];
  if (!dt) throw new Error(`${file}: numpy dtype '${descr}' has no aux dtype (supported: ${Object.entries(NPY_DTYPES).map(([k, v]) => `${k} (${v})`).join(", ")}; bf16 through .safetensors)`);
  return dt;
}

/** The dict numpy writes (`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`): just its three keys. */
function parseNpyDict(text: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const bad = (what: string) => new Error(`${file}: bad .npy header (${what}): ${JSON.stringify(text.trim().slice(0, 200))}`);
  if (!/^\s*\{/.test(text)) throw bad("not a dict");
  if (/['"]descr['"]\s*:\s*\[/.test(text)) throw new Error(`${file}: structured (record) arrays cannot be aux data; save a plain numeric array`);
  const descr = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(text)?.[2];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)\b/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined) throw bad("no 'descr'");
  if (fortran === undefined) throw bad("no 'fortran_order'");
  if (shapeText === undefined) throw bad("no 'shape'");
  const parts = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (parts.some((p) => !/^\d+L?$/.test(p))) throw bad("shape is not a tuple of integers");
  return { descr, fortran: fortran === "True", shape: parts.map((p) => Number.parseInt(p, 10)) };
}

function npyHeader(fd: number, file: string, size: number): AuxFileHeader {
  const pre = readAt(fd, 0, Math.min(12, size));
  if (pre.length < 10 || NPY_MAGIC.some((b, i) => pre[i] !== b)) throw new Error(`${file}: not a .npy file (no \\x93NUMPY magic)`);
  const major = pre[6]!;
  if (major < 1 || major > 3) throw new Error(`${file}: .npy format version ${major}.${pre[7]} is not supported (1.0, 2.0, 3.0 are)`);
  if (major > 1 && pre.length < 12) throw new Error(`${file}: truncated .npy header`);
  const view = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  const start = major === 1 ? 10 : 12;
  const len = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + len > size) throw new Error(`${file}: truncated .npy header (${len} bytes announced, ${size - start} in the file)`);
  // Version 3.0 only changed the header's encoding to UTF-8 (latin1 before).
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(readAt(fd, start, len));
  const h = parseNpyDict(text, file);
  const dtype = npyDtype(h.descr, file);
  const byteLength = h.shape.reduce((p, e) => p * e, 1) * dtypeBytes(dtype);
  return { label: file, dtype, shape: h.shape, order: h.fortran ? "F" : "C", offset: start + len, byteLength };
}

// ---- .safetensors -----------------------------------------------------------------------------

const ST_DTYPES: Record<string, DTypeName> = {
  BF16: "bf16", F16: "f16", F32: "f32", I32: "i32", U32: "u32", U8: "u8", I8: "i8", BOOL: "bool", I64: "i64", U16: "u16",
};
/** The format caps its JSON header at 100 MB. */
const ST_MAX_HEADER = 100_000_000;

interface StEntry { dtype?: unknown; shape?: unknown; data_offsets?: unknown }

function safetensorsHeader(fd: number, file: string, size: number, name: string, key: string | undefined): AuxFileHeader {
  if (size < 8) throw new Error(`${file}: truncated .safetensors file (${size} bytes, no header length)`);
  const n = new DataView(readAt(fd, 0, 8).buffer).getBigUint64(0, true);
  if (n > BigInt(Math.min(ST_MAX_HEADER, size - 8))) throw new Error(`${file}: bad .safetensors header length ${n} (the file has ${size - 8} bytes after it)`);
  const headerLen = Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(readAt(fd, 8, headerLen)));
  } catch (e) {
    throw new Error(`${file}: bad .safetensors header (not JSON: ${(e as Error).message})`);
  }
  if (!header || typeof header !== "object" || Array.isArray(header)) throw new Error(`${file}: bad .safetensors header (not a JSON object)`);
  const entries = Object.entries(header as Record<string, StEntry>).filter(([k]) => k !== "__metadata__");
  const keys = entries.map(([k]) => k);
  const list = keys.length ? keys.map((k) => `"${k}"`).join(", ") : "none";
  let pick: string;
  if (key !== undefined) {
    if (!keys.includes(key)) throw new Error(`${file}: no tensor "${key}" (tensors: ${list})`);
    pick = key;
  } else if (keys.includes(name)) pick = name;
  else if (keys.length === 1) pick = keys[0]!;
  else throw new Error(`${file}: ${keys.length ? `${keys.length} tensors and none is named "${name}"` : "no tensors"}; pick one with ${file}:KEY (tensors: ${list})`);
  const label = `${file}:${pick}`;
  const e = (header as Record<string, StEntry>)[pick]!;
  const dtype = typeof e.dtype === "string" ? ST_DTYPES[e.dtype] : undefined;
  if (!dtype) throw new Error(`${label}: dtype ${JSON.stringify(e.dtype)} has no aux dtype (supported: ${Object.keys(ST_DTYPES).join(", ")})`);
  if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) throw new Error(`${label}: bad shape ${JSON.stringify(e.shape)}`);
  const shape = e.shape as number[];
  const off = e.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || off.some((o) => !Number.isSafeInteger(o) || (o as number) < 0) || off[0] > off[1]) {
    throw new Error(`${label}: bad data_offsets ${JSON.stringify(off)}`);
  }
  const [begin, end] = off as [number, number];
  const byteLength = shape.reduce((p, d) => p * d, 1) * dtypeBytes(dtype);
  if (end - begin !== byteLength) throw new Error(`${label}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes but ${dtype} [${shape.join(", ")}] needs ${byteLength}`);
  const dataStart = 8 + headerLen;
  if (dataStart + end > size) throw new Error(`${label}: truncated file: data_offsets end at byte ${dataStart + end} but the file has ${size}`);
  return { label, dtype, shape, order: "C", offset: dataStart + begin, byteLength };
}

// ---- reading ----------------------------------------------------------------------------------

/** Largest single read: readSync takes at most 2 GiB - 1 per call. */
const CHUNK = 1 << 30;

function readAt(fd: number, position: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  readInto(fd, buf, position);
  return buf;
}

function readInto(fd: number, buf: Uint8Array, position: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, Math.min(CHUNK, buf.length - done), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function withFile<T>(path: string, fn: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : `cannot open (${code ?? (e as Error).message})`}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${path}: not a regular file`);
    return fn(fd, st.size);
  } finally {
    closeSync(fd);
  }
}

/** Which format, by extension (checked before the file is opened, so a stray :KEY is not "no such file"). */
function formatOf(path: string): "npy" | "safetensors" {
  const lower = path.toLowerCase();
  if (lower.endsWith(".npy")) return "npy";
  if (lower.endsWith(".safetensors")) return "safetensors";
  const npyKey = /\.npy:[^/\\]*$/i.test(path);
  throw new Error(`${path}: aux data must be a .npy or .safetensors file${npyKey ? " (a :KEY picks a tensor of a .safetensors file; a .npy file holds one array)" : ""}`);
}

function headerOf(fd: number, size: number, path: string, key: string | undefined, name: string): AuxFileHeader {
  if (formatOf(path) === "npy") {
    const h = npyHeader(fd, path, size);
    if (h.offset + h.byteLength > size) throw new Error(`${path}: truncated .npy data: ${h.dtype} [${h.shape.join(", ")}] needs ${h.byteLength} bytes after the header, the file has ${size - h.offset}`);
    if (h.offset + h.byteLength < size) throw new Error(`${path}: ${size - h.offset - h.byteLength} bytes after the data of ${h.dtype} [${h.shape.join(", ")}] (not a single .npy array?)`);
    return h;
  }
  return safetensorsHeader(fd, path, size, name, key);
}

/**
 * The header of the tensor `spec` (`path` or `path.safetensors:key`) names for the declared
 * tensor `name` (which a .safetensors file without a key is searched for), without its data:
 * the host checks files with this before a job goes to the runner.
 */
export function readAuxHeader(spec: string, name: string): AuxFileHeader {
  const { path, key } = parseAuxSpec(spec);
  formatOf(path);
  return withFile(path, (fd, size) => headerOf(fd, size, path, key, name));
}

// ---- checks and layout ------------------------------------------------------------------------

/** The file's dtype must be the declared one: no conversion, so the kernel reads the user's bits. */
export function checkDtype(h: AuxFileHeader, tensor: string, declared: DTypeName): void {
  if (h.dtype !== declared) throw new Error(`${h.label}: dtype ${h.dtype} but tensor "${tensor}" is declared ${declared}`);
}

function checkAgainst(h: AuxFileHeader, decl: Tensor, shape: number[]): void {
  const what = `tensor "${decl.name}"`;
  checkDtype(h, decl.name, decl.dtype.name);
  const declared = `[${decl.shape.join(", ")}]`;
  const at = decl.shape.every((d) => typeof d === "number") ? declared : `${declared} = [${shape.join(", ")}] at this shape`;
  if (h.shape.length !== shape.length) {
    throw new Error(`${h.label}: shape [${h.shape.join(", ")}] (rank ${h.shape.length}) but ${what} is ${at} (rank ${shape.length})`);
  }
  const d = h.shape.findIndex((e, i) => e !== shape[i]);
  if (d >= 0) {
    const want = typeof decl.shape[d] === "string" ? `${decl.shape[d]} = ${shape[d]}` : `${shape[d]}`;
    throw new Error(`${h.label}: shape [${h.shape.join(", ")}] but ${what} is ${at} (dim ${d}: ${h.shape[d]} vs ${want})`);
  }
}

/** Element strides of a dense array in C (row-major) or Fortran (column-major) order. */
export function denseStrides(shape: readonly number[], order: "C" | "F"): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  const dims = [...shape.keys()];
  for (const d of order === "C" ? dims.reverse() : dims) { out[d] = s; s *= shape[d]!; }
  return out;
}

/** Same layout: equal strides on every dim that has more than one element, and no padding. */
function sameLayout(shape: readonly number[], a: readonly number[], b: readonly number[], allocElements: number): boolean {
  return allocElements === shape.reduce((p, e) => p * e, 1) && shape.every((e, d) => e <= 1 || a[d] === b[d]);
}

/**
 * Copies every element of `src` (laid out by `srcStrides`) to its place in `dst` (laid out by
 * `dstStrides`), strides in elements. Walks the source's unit-stride dim innermost, so a row
 * that is contiguous in both is one copy.
 */
export function relayout(src: Uint8Array, srcStrides: readonly number[], dst: Uint8Array, dstStrides: readonly number[], shape: readonly number[], elemBytes: number): void {
  const total = shape.reduce((p, e) => p * e, 1);
  if (total === 0) return;
  const rank = shape.length;
  // Innermost: the dim with the smallest source stride among those with more than one element.
  let inner = -1;
  for (let d = 0; d < rank; d++) if (shape[d]! > 1 && (inner < 0 || srcStrides[d]! < srcStrides[inner]!)) inner = d;
  if (inner < 0) { dst.set(src.subarray(0, elemBytes), 0); return; }
  const n = shape[inner]!, ss = srcStrides[inner]! * elemBytes, ds = dstStrides[inner]! * elemBytes;
  const rowCopy = ss === elemBytes && ds === elemBytes;
  const outer = [...Array(rank).keys()].filter((d) => d !== inner);
  const idx = new Array<number>(rank).fill(0);
  let so = 0, dOff = 0;
  for (let row = 0; row < total / n; row++) {
    if (rowCopy) dst.set(src.subarray(so, so + n * elemBytes), dOff);
    else for (let i = 0; i < n; i++) dst.set(src.subarray(so + i * ss, so + i * ss + elemBytes), dOff + i * ds);
    for (let k = outer.length - 1; k >= 0; k--) {
      const d = outer[k]!;
      idx[d]!++;
      so += srcStrides[d]! * elemBytes;
      dOff += dstStrides[d]! * elemBytes;
      if (idx[d]! < shape[d]!) break;
      so -= srcStrides[d]! * shape[d]! * elemBytes;
      dOff -= dstStrides[d]! * shape[d]! * elemBytes;
      idx[d] = 0;
    }
  }
}

function allocate(bytes: number, label: string, zeroed: boolean): Uint8Array {
  if (bytes > bufferConstants.MAX_LENGTH) throw new Error(`${label}: ${bytes} bytes is more than one buffer can hold here (${bufferConstants.MAX_LENGTH})`);
  // Unpooled, so the view starts at offset 0 of its own memory; uninitialised only when every byte is read into it.
  return zeroed ? Buffer.alloc(bytes) : Buffer.allocUnsafeSlow(bytes);
}

/**
 * The declared tensor `decl` at `dims`, filled from the user's file `spec` (`path` or
 * `path.safetensors:key`). The file's dtype must equal the declaration's and its shape the
 * declared shape at `dims`; its bytes are used as read when the file's layout is the declared
 * one, else copied to the declared strides (padding elements 0). `sample` (for the JS reference)
 * holds the user's values when the allocation is small enough to sample (SAMPLE_VALUES_LIMIT).
 * Throws an Error whose message starts with the file's name.
 */
export function userAuxData(decl: Tensor, dims: DimValues, spec: string): UserAux {
  const what = `tensor "${decl.name}"`;
  const shape = resolveShape(decl.shape, dims, what);
  const strides = resolveStrides(decl.shape, decl.options, dims, what);
  const allocElements = allocationElements(shape, strides);
  const elem = decl.dtype.bytes;
  const { path, key } = parseAuxSpec(spec);
  formatOf(path);
  const { bytes, layout, label } = withFile(path, (fd, size) => {
    const h = headerOf(fd, size, path, key, decl.name);
    checkAgainst(h, decl, shape);
    const fileStrides = denseStrides(shape, h.order);
    const asIs = sameLayout(shape, fileStrides, strides, allocElements);
    const data = allocate(h.byteLength, h.label, false);
    if (readInto(fd, data, h.offset) !== data.length) throw new Error(`${h.label}: the file ended while reading its data`);
    if (asIs) return { bytes: data, layout: "as-is" as const, label: h.label };
    const out = allocate(allocElements * elem, h.label, true);
    relayout(data, fileStrides, out, strides, shape, elem);
    return { bytes: out, layout: "re-laid-out" as const, label: h.label };
  });
  const dtype = decl.dtype.name;
  const sample: SampleTensor | null = allocElements <= SAMPLE_VALUES_LIMIT
    ? { name: decl.name, dtype, shape, strides, values: decodeBytes(dtype, bytes), bytes, elementCount: shape.reduce((p, e) => p * e, 1), allocElements }
    : null;
  return { name: decl.name, dtype, shape, strides, allocElements, bytes, sample, source: label, layout };
}
