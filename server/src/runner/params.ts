// Host mirror of SmAttnParams (csrc/kernels/attention_abi.cuh) and SmParams (scoremod_abi.cuh),
// packed byte for byte into the single kernel argument. test/unit/runner/params.test.ts checks
// these offsets against the real headers compiled by nvcc.
export const SM_MAX_AUX = 8, SM_MAX_DIMS = 16, SM_MAX_SCALARS = 8;

export const ATTN_OFFSETS = {
  q: 0, k: 8, v: 16, o: 24, lse: 32,
  q_stride_b: 40, k_stride_b: 64, v_stride_b: 88, o_stride_b: 112, lse_stride_b: 136,
  B: 152, H: 156, Hkv: 160, Q: 164, KV: 168, D: 172, softmax_scale: 176, flags: 180,
  blk: 184, blk_stride_b: 192, blk_stride_h: 200, blk_row: 208, mod: 216,
} as const;
export const SMPARAMS_OFFSETS = { aux: 0, auxStride: 16, dims: 128, fscalars: 256, iscalars: 288 } as const;
export const SMPARAMS_SIZE = 320;
export const ATTN_PARAMS_SIZE = ATTN_OFFSETS.mod + SMPARAMS_SIZE;

/** SmWgParams (attention_wgmma.cuh): four 128-byte TMA tensor maps (Q, K, V, aux tile), then SmAttnParams. */
export const WG_PARAMS_OFFSET = 512;
export const WG_PARAMS_SIZE = 1088;
export const TENSOR_MAP_BYTES = 128;

/** SM_ATTN_FLAG_REVERSE_Q (attention_launch.h): launch the query blocks last first. */
export const FLAG_REVERSE_Q = 1;

/** SmClassifyParams (attention_entries.cuh): SmAttnParams, then the pre-pass's own fields. */
export const CLASSIFY_OFFSETS = { out: ATTN_PARAMS_SIZE, tile_q: ATTN_PARAMS_SIZE + 8 } as const;
export const CLASSIFY_PARAMS_SIZE = ATTN_PARAMS_SIZE + 32;

export interface ModParams {
  aux: { ptr: bigint; numel: number }[];
  dims: number[];
  fscalars: number[];
  iscalars: number[];
}

export interface AttnParams {
  q: bigint; k: bigint; v: bigint; o: bigint; lse: bigint;
  /** [b, h, s] strides in elements of each tensor. */
  qStrides: [number, number, number];
  kStrides: [number, number, number];
  vStrides: [number, number, number];
  oStrides: [number, number, number];
  lseStrides: [number, number];
  B: number; H: number; Hkv: number; Q: number; KV: number; D: number;
  softmaxScale: number;
  flags: number;
  /** The block map (SmAttnParams.blk): device rows and their strides in rows; absent = dense. */
  blockMap?: { ptr: bigint; strideB: number; strideH: number; row: number };
  mod: ModParams;
}

function capacity(what: string, n: number, max: number): void {
  if (n > max) throw new Error(`${what}: ${n} entries, the kernel ABI holds ${max} (scoremod_abi.cuh)`);
}

export function packModParams(view: DataView, base: number, m: ModParams): void {
  capacity("aux tensors", m.aux.length, SM_MAX_AUX);
  capacity("dims", m.dims.length, SM_MAX_DIMS);
  capacity("f32 scalars", m.fscalars.length, SM_MAX_SCALARS);
  capacity("i32 scalars", m.iscalars.length, SM_MAX_SCALARS);
  m.aux.forEach((a, i) => {
    view.setBigUint64(base + SMPARAMS_OFFSETS.aux + i * SMPARAMS_OFFSETS.auxStride, a.ptr, true);
    view.setBigInt64(base + SMPARAMS_OFFSETS.aux + i * SMPARAMS_OFFSETS.auxStride + 8, BigInt(a.numel), true);
  });
  m.dims.forEach((d, i) => view.setBigInt64(base + SMPARAMS_OFFSETS.dims + 8 * i, BigInt(d), true));
  m.fscalars.forEach((f, i) => view.setFloat32(base + SMPARAMS_OFFSETS.fscalars + 4 * i, f, true));
  m.iscalars.forEach((x, i) => view.setInt32(base + SMPARAMS_OFFSETS.iscalars + 4 * i, x, true));
}

export function packAttnParams(p: AttnParams): Uint8Array {
  const buf = new Uint8Array(ATTN_PARAMS_SIZE);
  const view = new DataView(buf.buffer);
  const O = ATTN_OFFSETS;
  view.setBigUint64(O.q, p.q, true);
  view.setBigUint64(O.k, p.k, true);
  view.setBigUint64(O.v, p.v, true);
  view.setBigUint64(O.o, p.o, true);
  view.setBigUint64(O.lse, p.lse, true);
  const strides = [...p.qStrides, ...p.kStrides, ...p.vStrides, ...p.oStrides, ...p.lseStrides];
  strides.forEach((s, i) => view.setBigInt64(O.q_stride_b + 8 * i, BigInt(s), true));
  view.setInt32(O.B, p.B, true);
  view.setInt32(O.H, p.H, true);
  view.setInt32(O.Hkv, p.Hkv, true);
  view.setInt32(O.Q, p.Q, true);
  view.setInt32(O.KV, p.KV, true);
  view.setInt32(O.D, p.D, true);
  view.setFloat32(O.softmax_scale, p.softmaxScale, true);
  view.setUint32(O.flags, p.flags, true);
  if (p.blockMap) {
    view.setBigUint64(O.blk, p.blockMap.ptr, true);
    view.setBigInt64(O.blk_stride_b, BigInt(p.blockMap.strideB), true);
    view.setBigInt64(O.blk_stride_h, BigInt(p.blockMap.strideH), true);
    view.setInt32(O.blk_row, p.blockMap.row, true);
  }
  packModParams(view, O.mod, p.mod);
  return buf;
}

export interface ClassifyFields { out: bigint; tileQ: number; tileKv: number; nQ: number; nKv: number; gridsB: number; gridsH: number }

/** The block-classification pre-pass's one argument. */
export function packClassifyParams(p: AttnParams, c: ClassifyFields): Uint8Array {
  const buf = new Uint8Array(CLASSIFY_PARAMS_SIZE);
  buf.set(packAttnParams(p), 0);
  const view = new DataView(buf.buffer);
  view.setBigUint64(CLASSIFY_OFFSETS.out, c.out, true);
  [c.tileQ, c.tileKv, c.nQ, c.nKv, c.gridsB, c.gridsH].forEach((x, i) => view.setInt32(CLASSIFY_OFFSETS.tile_q + 4 * i, x, true));
  return buf;
}

/**
 * The Hopper kernel's one argument: tensor maps for Q, K and V and, when the program stages an
 * aux tile, for its tensor (zeros otherwise: the kernel never reads it), then the common parameters.
 */
export function packWgParams(maps: { q: Uint8Array; k: Uint8Array; v: Uint8Array; aux?: Uint8Array }, p: AttnParams): Uint8Array {
  const buf = new Uint8Array(WG_PARAMS_SIZE);
  const list = [maps.q, maps.k, maps.v, ...(maps.aux ? [maps.aux] : [])];
  list.forEach((m, i) => {
    if (m.length !== TENSOR_MAP_BYTES) throw new Error(`tensor map ${["q", "k", "v", "aux"][i]}: ${m.length} bytes, expected ${TENSOR_MAP_BYTES}`);
    buf.set(m, i * TENSOR_MAP_BYTES);
  });
  buf.set(packAttnParams(p), WG_PARAMS_OFFSET);
  return buf;
}
