/**
 * Weight storage below 32 bits (docs/model-format.md, "Weight encodings"). A tensor is stored as
 * float32, float16, or as 8- or 4-bit codes with an affine map per group: value = min + code *
 * scale, where a group is one index along `axis` (a row of an embedding table, an output channel
 * of a kernel) or, with axis null, the whole tensor. Codes come first (int4: two per byte, the
 * even element in the low nibble), then the groups' scales, then their minima, as float32.
 */

export type WeightDtype = 'float32' | 'float16' | 'int8' | 'int4';
export const WEIGHT_DTYPES: readonly WeightDtype[] = ['float32', 'float16', 'int8', 'int4'];

/** How one tensor is stored. */
export interface WeightEncoding {
  dtype: WeightDtype;
  /** int8 / int4: the axis along which each index has its own scale and minimum; null = one. */
  axis: number | null;
}

const LEVELS: Record<'int8' | 'int4', number> = { int8: 255, int4: 15 };

function size(shape: readonly number[]): number {
  return shape.reduce((n, s) => n * s, 1);
}

/** The group of each element (row-major), and the number of groups. */
function groupsOf(
  shape: readonly number[],
  axis: number | null,
): { count: number; of: (i: number) => number } {
  if (axis === null) return { count: 1, of: () => 0 };
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new RangeError(`quantization axis ${axis} is outside shape [${shape.join(', ')}]`);
  }
  const inner = size(shape.slice(axis + 1));
  const count = shape[axis];
  return { count, of: (i) => Math.floor(i / inner) % count };
}

/** Bytes a tensor of `shape` takes in this encoding. */
export function encodedBytes(shape: readonly number[], { dtype, axis }: WeightEncoding): number {
  const n = size(shape);
  switch (dtype) {
    case 'float32':
      return 4 * n;
    case 'float16':
      return 2 * n;
    case 'int8':
      return n + 8 * groupsOf(shape, axis).count;
    case 'int4':
      return Math.ceil(n / 2) + 8 * groupsOf(shape, axis).count;
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits of a number, rounded to nearest even (overflow to infinity). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mantissa >>> 13;
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** The number that half-precision bits stand for. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >>> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Stores `values` (row-major, of `shape`) in the encoding; the inverse is decodeWeights. */
export function encodeWeights(
  values: Float32Array,
  shape: readonly number[],
  encoding: WeightEncoding,
): Uint8Array {
  const n = size(shape);
  if (values.length !== n) {
    throw new RangeError(`${values.length} values for shape [${shape.join(', ')}] (${n} elements)`);
  }
  const out = new Uint8Array(encodedBytes(shape, encoding));
  const view = new DataView(out.buffer);
  const { dtype } = encoding;
  if (dtype === 'float32') {
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    return out;
  }
  if (dtype === 'float16') {
    values.forEach((v, i) => view.setUint16(2 * i, toFloat16Bits(v), true));
    return out;
  }
  const groups = groupsOf(shape, encoding.axis);
  const min = new Float32Array(groups.count).fill(Infinity);
  const max = new Float32Array(groups.count).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const g = groups.of(i);
    if (!Number.isFinite(values[i])) throw new RangeError(`weight ${i} is ${values[i]}`);
    min[g] = Math.min(min[g], values[i]);
    max[g] = Math.max(max[g], values[i]);
  }
  const levels = LEVELS[dtype];
  // A constant group gets scale 0: every code decodes to its minimum exactly.
  const scale = Float32Array.from(min, (lo, g) => (max[g] - lo) / levels);
  const codesBytes = dtype === 'int8' ? n : Math.ceil(n / 2);
  for (let i = 0; i < n; i++) {
    const g = groups.of(i);
    const code = scale[g] > 0 ? Math.min(levels, Math.round((values[i] - min[g]) / scale[g])) : 0;
    if (dtype === 'int8') out[i] = code;
    else out[i >> 1] |= i & 1 ? code << 4 : code;
  }
  for (let g = 0; g < groups.count; g++) {
    view.setFloat32(codesBytes + 4 * g, scale[g], true);
    view.setFloat32(codesBytes + 4 * (groups.count + g), min[g], true);
  }
  return out;
}

/** The float32 values of an encoded tensor. */
export function decodeWeights(
  bytes: Uint8Array,
  shape: readonly number[],
  encoding: WeightEncoding,
): Float32Array {
  const expected = encodedBytes(shape, encoding);
  if (bytes.byteLength !== expected) {
    throw new RangeError(
      `${bytes.byteLength} bytes for a ${encoding.dtype} tensor of shape [${shape.join(', ')}]; expected ${expected}`,
    );
  }
  const n = size(shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  const { dtype } = encoding;
  if (dtype === 'float32') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  }
  if (dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = fromFloat16Bits(view.getUint16(2 * i, true));
    return out;
  }
  const groups = groupsOf(shape, encoding.axis);
  const codesBytes = dtype === 'int8' ? n : Math.ceil(n / 2);
  const scale = new Float32Array(groups.count);
  const min = new Float32Array(groups.count);
  for (let g = 0; g < groups.count; g++) {
    scale[g] = view.getFloat32(codesBytes + 4 * g, true);
    min[g] = view.getFloat32(codesBytes + 4 * (groups.count + g), true);
  }
  for (let i = 0; i < n; i++) {
    const g = groups.of(i);
    const code = dtype === 'int8' ? bytes[i] : i & 1 ? bytes[i >> 1] >> 4 : bytes[i >> 1] & 15;
    out[i] = min[g] + code * scale[g];
  }
  return out;
}

/**
 * What `--weights` asks for: one dtype for every tensor, or a mix by role (see weightEncoding),
 * in falling order of bytes.
 */
export type WeightKind = 'fp32' | 'fp16' | 'int8' | 'mixed' | 'mixed4' | 'int4';
export const WEIGHT_KINDS: readonly WeightKind[] = [
  'fp32',
  'fp16',
  'int8',
  'mixed',
  'mixed4',
  'int4',
];

/** Tensors smaller than this stay float32: biases and LayerNorm parameters of width d. */
const SMALL_TENSOR = 1024;
/** A group shares one scale and minimum (8 bytes), so it should hold at least this many values. */
const MIN_GROUP = 32;

/**
 * The finest grouping whose groups hold at least MIN_GROUP values, among the first axis (rows of
 * an embedding table) and the last (output channels, or items of an output kernel); null = one.
 */
export function groupAxis(shape: readonly number[]): number | null {
  if (shape.length < 2) return null;
  const n = size(shape);
  let best: number | null = null;
  for (const axis of [0, shape.length - 1]) {
    if (n / shape[axis] >= MIN_GROUP && (best === null || shape[axis] > shape[best])) best = axis;
  }
  return best;
}

/** A tail block's item vectors: what `mixed` stores at 4 bits (CpRec gives them less capacity). */
const TAIL_TABLE = /^(embedding\/block[1-9]\d*\/table|softmax\/tail\d+\/kernel)$/;
/** The head block's item vectors, the frequent items': what `mixed4` keeps at 8 bits. */
const HEAD_TABLE = /^(embedding\/block0\/table|softmax\/head\/kernel)$/;

/**
 * How a weight of this name and shape is stored for a `--weights` kind: `mixed` stores the tail
 * blocks' item tables at 4 bits and the other matrices at 8; `mixed4` every matrix at 4 bits but
 * the head block's item tables.
 */
export function weightEncoding(
  kind: WeightKind,
  name: string,
  shape: readonly number[],
): WeightEncoding {
  if (kind === 'fp32' || size(shape) < SMALL_TENSOR) return { dtype: 'float32', axis: null };
  if (kind === 'fp16') return { dtype: 'float16', axis: null };
  const at4 =
    kind === 'int4' ||
    (kind === 'mixed' && TAIL_TABLE.test(name)) ||
    (kind === 'mixed4' && !HEAD_TABLE.test(name));
  return { dtype: at4 ? 'int4' : 'int8', axis: groupAxis(shape) };
}
