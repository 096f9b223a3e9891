import { describe, expect, it } from 'vitest';
import {
  decodeWeights,
  encodedBytes,
  encodeWeights,
  fromFloat16Bits,
  groupAxis,
  toFloat16Bits,
  weightEncoding,
  type WeightEncoding,
} from './quantization';

/** Deterministic values in about [-1, 1], with some rows on their own scale. */
function values(n: number, seed = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return ((s / 2 ** 31) * 2 - 1) * (1 + (Math.floor(i / 7) % 3));
  });
}

/** The naive reference: per group, the 2^bits - 1 steps between its min and max, nearest step. */
function reference(
  v: Float32Array,
  shape: number[],
  bits: number,
  axis: number | null,
): Float32Array {
  const inner = axis === null ? v.length : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const count = axis === null ? 1 : shape[axis];
  const group = (i: number) => (axis === null ? 0 : Math.floor(i / inner) % count);
  const out = new Float32Array(v.length);
  for (let g = 0; g < count; g++) {
    const members = [...v.keys()].filter((i) => group(i) === g);
    const lo = Math.min(...members.map((i) => v[i]));
    const hi = Math.max(...members.map((i) => v[i]));
    const step = Math.fround((hi - lo) / (2 ** bits - 1));
    for (const i of members) out[i] = step > 0 ? lo + Math.round((v[i] - lo) / step) * step : lo;
  }
  return out;
}

describe('float16', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00],
    [Infinity, 0x7c00],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [0.1, 0x2e66],
  ])('%d has the half bits 0x%s, nearest even', (value, bits) => {
    expect(toFloat16Bits(value)).toBe(bits);
  });

  it('round-trips every half value and keeps NaN', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const e = (bits >> 10) & 0x1f;
      if (e === 0x1f && bits & 0x3ff) continue;
      expect(toFloat16Bits(fromFloat16Bits(bits))).toBe(bits);
    }
    expect(fromFloat16Bits(toFloat16Bits(NaN))).toBeNaN();
  });
});

describe('encodeWeights / decodeWeights', () => {
  const shape = [6, 7, 5];
  const v = values(6 * 7 * 5);

  it('stores float32 exactly and float16 within half an ulp', () => {
    expect(
      decodeWeights(encodeWeights(v, shape, { dtype: 'float32', axis: null }), shape, {
        dtype: 'float32',
        axis: null,
      }),
    ).toEqual(v);
    const half = decodeWeights(encodeWeights(v, shape, { dtype: 'float16', axis: null }), shape, {
      dtype: 'float16',
      axis: null,
    });
    half.forEach((x, i) =>
      expect(Math.abs(x - v[i])).toBeLessThanOrEqual(Math.abs(v[i]) * 2 ** -11 + 2 ** -25),
    );
  });

  it.each([
    ['int8', 8, 0],
    ['int8', 8, 2],
    ['int8', 8, null],
    ['int4', 4, 0],
    ['int4', 4, 1],
    ['int4', 4, null],
  ] as const)('%s with axis %s equals the naive reference', (dtype, bits, axis) => {
    const encoding: WeightEncoding = { dtype, axis };
    const bytes = encodeWeights(v, shape, encoding);
    const groups = axis === null ? 1 : shape[axis];
    expect(bytes.byteLength).toBe(Math.ceil((v.length * bits) / 8) + 8 * groups);
    expect(encodedBytes(shape, encoding)).toBe(bytes.byteLength);
    const back = decodeWeights(bytes, shape, encoding);
    const want = reference(v, shape, bits, axis);
    back.forEach((x, i) => expect(x).toBeCloseTo(want[i], 6));
  });

  it('decodes a constant group exactly and an odd int4 count', () => {
    const constant = Float32Array.from([0.5, 0.5, 0.5, -1, 2, 3, 7]);
    for (const dtype of ['int8', 'int4'] as const) {
      const back = decodeWeights(encodeWeights(constant, [7], { dtype, axis: null }), [7], {
        dtype,
        axis: null,
      });
      expect(back[6]).toBeCloseTo(7, 6);
      expect(back[3]).toBeCloseTo(-1, 6);
      const rows = decodeWeights(
        encodeWeights(constant.slice(0, 6), [2, 3], { dtype, axis: 0 }),
        [2, 3],
        { dtype, axis: 0 },
      );
      expect(Array.from(rows.slice(0, 3))).toEqual([0.5, 0.5, 0.5]);
    }
  });

  it('names a wrong length, axis or value', () => {
    expect(() => decodeWeights(new Uint8Array(3), [2, 2], { dtype: 'int8', axis: 0 })).toThrow(
      /3 bytes for a int8 tensor of shape \[2, 2\]; expected 20/,
    );
    expect(() => encodeWeights(new Float32Array(4), [2, 2], { dtype: 'int8', axis: 2 })).toThrow(
      /axis 2 is outside shape \[2, 2\]/,
    );
    expect(() =>
      encodeWeights(Float32Array.from([1, NaN]), [2], { dtype: 'int8', axis: null }),
    ).toThrow(/weight 1 is NaN/);
  });
});

describe('weightEncoding', () => {
  it('groups by item vector or output channel where a group holds 32 values or more', () => {
    expect(groupAxis([972, 64])).toBe(0);
    expect(groupAxis([2918, 16])).toBe(1);
    expect(groupAxis([64, 1160])).toBe(1);
    expect(groupAxis([3, 64, 64])).toBe(2);
    expect(groupAxis([5834])).toBeNull();
    expect(groupAxis([8, 8])).toBeNull();
  });

  it('keeps small tensors float32; mixed stores tail tables at 4 bits, mixed4 all but the head tables, int4 every matrix', () => {
    expect(weightEncoding('int8', 'layer0/bias', [64])).toEqual({ dtype: 'float32', axis: null });
    expect(weightEncoding('fp16', 'layer0/kernel', [3, 64, 64])).toEqual({
      dtype: 'float16',
      axis: null,
    });
    expect(weightEncoding('int8', 'embedding/block1/table', [2918, 16])).toEqual({
      dtype: 'int8',
      axis: 1,
    });
    expect(weightEncoding('mixed', 'embedding/block1/table', [2918, 16])).toEqual({
      dtype: 'int4',
      axis: 1,
    });
    expect(weightEncoding('mixed', 'softmax/tail2/kernel', [4, 5834])).toEqual({
      dtype: 'int4',
      axis: 0,
    });
    expect(weightEncoding('mixed', 'embedding/block0/table', [972, 64])).toEqual({
      dtype: 'int8',
      axis: 0,
    });
    expect(weightEncoding('mixed', 'softmax/tail1/bias', [2918])).toEqual({
      dtype: 'int8',
      axis: null,
    });
    for (const name of ['embedding/block0/table', 'softmax/head/kernel']) {
      expect(weightEncoding('mixed4', name, [972, 64])).toEqual({ dtype: 'int8', axis: 0 });
    }
    for (const name of ['embedding/block1/table', 'layer0/kernel', 'copy/query']) {
      expect(weightEncoding('mixed4', name, [972, 64]).dtype, name).toBe('int4');
    }
    expect(weightEncoding('mixed4', 'layer0/bias', [64])).toEqual({ dtype: 'float32', axis: null });
    expect(weightEncoding('int4', 'embedding/block0/table', [972, 64])).toEqual({
      dtype: 'int4',
      axis: 0,
    });
    expect(weightEncoding('int4', 'layer0/bias', [64])).toEqual({ dtype: 'float32', axis: null });
    expect(weightEncoding('fp32', 'embedding/block0/table', [972, 64])).toEqual({
      dtype: 'float32',
      axis: null,
    });
  });
});
