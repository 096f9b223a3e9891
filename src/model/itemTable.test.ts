import { describe, expect, it } from 'vitest';
import {
  decodeItemTable,
  encodeItemTable,
  ITEM_TABLE_FORMAT,
  itemTableSpecOf,
  itemVotes,
  keepBest,
  readItemTable,
  tableDistribution,
  type SparseRows,
} from './itemTable';
import { mulberry32 } from '../data/random';
import { checksumOf } from './fileChecksum';
import { ModelFormatError } from './modelFormatError';

/** Random rows over model ids 1..n (row 0, padding, empty), columns rising, values > 0. */
function randomRows(n: number, seed: number): SparseRows {
  const random = mulberry32(seed);
  const offsets = new Int32Array(n + 2);
  const columns: number[] = [];
  const values: number[] = [];
  for (let a = 1; a <= n; a++) {
    for (let b = 1; b <= n; b++) {
      if (b !== a && random() < 0.4) {
        columns.push(b);
        values.push(Math.exp(-6 * random()));
      }
    }
    offsets[a + 1] = columns.length;
  }
  return { offsets, columns: Int32Array.from(columns), values: Float32Array.from(values) };
}

/** The rows as a dense matrix: dense[a][b] = the value of row a's column b, else 0. */
function dense(rows: SparseRows): number[][] {
  const n = rows.offsets.length - 2;
  const m = Array.from({ length: n + 1 }, () => new Array<number>(n + 1).fill(0));
  for (let a = 0; a <= n; a++) {
    for (let e = rows.offsets[a]; e < rows.offsets[a + 1]; e++)
      m[a][rows.columns[e]] = rows.values[e];
  }
  return m;
}

const N = 30;
const rows = randomRows(N, 7);
const voting = { historyLength: 4, recencyDecay: 1 };

describe('itemVotes', () => {
  it("sums each of the last historyLength items' row, weighted 1 / j^recencyDecay", () => {
    const history = [5, 9, 2, 17, 3, 11];
    const got = new Array<number>(N + 1).fill(0);
    itemVotes(rows, voting, history, (b, w) => (got[b] += w));
    const m = dense(rows);
    const want = new Array<number>(N + 1).fill(0);
    for (let j = 1; j <= 4; j++) {
      for (let b = 1; b <= N; b++) want[b] += m[history[history.length - j]][b] / j;
    }
    got.forEach((v, b) => expect(v).toBeCloseTo(want[b], 6));
  });
});

describe('keepBest', () => {
  it("keeps each row's k largest values, in column order", () => {
    const kept = keepBest(rows, 3);
    const m = dense(rows);
    for (let a = 1; a <= N; a++) {
      const best = m[a]
        .map((v, b) => ({ v, b }))
        .filter((x) => x.v > 0)
        .sort((x, y) => y.v - x.v || x.b - y.b)
        .slice(0, 3)
        .map((x) => x.b)
        .sort((x, y) => x - y);
      expect([...kept.columns.slice(kept.offsets[a], kept.offsets[a + 1])]).toEqual(best);
      best.forEach((b, i) => expect(kept.values[kept.offsets[a] + i]).toBe(Math.fround(m[a][b])));
    }
  });

  it('refuses a k below 1', () => {
    expect(() => keepBest(rows, 0)).toThrow('keepBest: k must be >= 1, got 0');
  });
});

describe('tableDistribution', () => {
  it('is the votes to the power, normalised over the items not excluded', () => {
    const history = [4, 8, 15, 16, 23];
    const exclude = new Set([16, 23, 1]);
    const q = tableDistribution(rows, voting, history, 2, exclude);
    const votes = new Array<number>(N + 1).fill(0);
    itemVotes(rows, voting, history, (b, w) => (votes[b] += w));
    const kept = votes.map((v, b) => (exclude.has(b) ? 0 : v ** 2));
    const total = kept.reduce((x, y) => x + y, 0);
    for (let b = 1; b <= N; b++) expect(q.get(b) ?? 0).toBeCloseTo(kept[b] / total, 6);
    expect([...q.values()].reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
  });

  it('is empty when no item gets a vote', () => {
    expect(tableDistribution(rows, voting, [], 2).size).toBe(0);
    expect(
      tableDistribution(keepBest(rows, 1), voting, [1], 1, new Set([0, ...Array(N + 1).keys()]))
        .size,
    ).toBe(0);
  });
});

/** Format 1, as tables were written before format 2: each value's 8-bit code beside its column. */
function formatOne(rows: SparseRows): Uint8Array {
  const logs = [...rows.values].map(Math.log);
  const [lo, hi] = [Math.min(...logs), Math.max(...logs)];
  const out: number[] = [];
  const varint = (n: number) => {
    for (; n >= 128; n >>= 7) out.push((n & 127) | 128);
    out.push(n);
  };
  for (let a = 1; a + 1 < rows.offsets.length; a++) {
    varint(rows.offsets[a + 1] - rows.offsets[a]);
    let previous = 0;
    for (let e = rows.offsets[a]; e < rows.offsets[a + 1]; e++) {
      varint(rows.columns[e] - previous);
      previous = rows.columns[e];
      out.push(Math.round(((logs[e] - lo) / (hi - lo)) * 255));
    }
  }
  const bytes = new Uint8Array(8 + out.length);
  new DataView(bytes.buffer).setFloat32(0, lo, true);
  new DataView(bytes.buffer).setFloat32(4, hi, true);
  bytes.set(out, 8);
  return bytes;
}

/** Each decoded value's log within half a code step of the original's (levels - 1 steps). */
function expectWithinHalfStep(original: Float32Array, decoded: Float32Array, levels: number) {
  const logs = [...original].map(Math.log);
  const step = (Math.max(...logs) - Math.min(...logs)) / (levels - 1);
  expect(decoded.length).toBe(original.length);
  original.forEach((v, e) => {
    expect(Math.abs(Math.log(decoded[e]) - Math.log(v))).toBeLessThanOrEqual(step / 2 + 1e-6);
  });
}

describe('encodeItemTable / decodeItemTable', () => {
  it('keeps every column and each value within half an 8-bit step of its log', () => {
    const bytes = encodeItemTable(rows);
    const back = decodeItemTable(bytes, N);
    expect([...back.offsets]).toEqual([...rows.offsets]);
    expect([...back.columns]).toEqual([...rows.columns]);
    expectWithinHalfStep(rows.values, back.values, 256);
    // Small gaps: 2 bytes an entry (8 in memory), 1 per row for its count, 8 for the header.
    expect(bytes.length).toBe(rows.columns.length * 2 + 8 + N);
  });

  it('holds the numbers of format 1, the values after the columns', () => {
    const one = formatOne(rows);
    const two = encodeItemTable(rows);
    expect(decodeItemTable(two, N)).toEqual(decodeItemTable(one, N, 1));
    // The same bytes, reordered: header, then format 1 without its value codes, then those.
    expect(two.length).toBe(one.length);
    expect([...two].sort()).toEqual([...one].sort());
    expect([...two.subarray(two.length - rows.values.length)]).not.toEqual([
      ...one.subarray(one.length - rows.values.length),
    ]);
  });

  it('still reads format 1, with its 8-bit values', () => {
    const back = decodeItemTable(formatOne(rows), N, 1);
    expect([...back.offsets]).toEqual([...rows.offsets]);
    expect([...back.columns]).toEqual([...rows.columns]);
    expectWithinHalfStep(rows.values, back.values, 256);
  });

  it('round-trips an empty table and a table of equal values', () => {
    const empty = {
      offsets: new Int32Array(4),
      columns: new Int32Array(0),
      values: new Float32Array(0),
    };
    expect(decodeItemTable(encodeItemTable(empty), 2)).toEqual(empty);
    const flat = {
      offsets: Int32Array.of(0, 0, 1, 2),
      columns: Int32Array.of(2, 1),
      values: Float32Array.of(0.5, 0.5),
    };
    expect([...decodeItemTable(encodeItemTable(flat), 2).values]).toEqual([0.5, 0.5]);
  });

  it('refuses values <= 0 and columns out of order', () => {
    const bad = {
      offsets: Int32Array.of(0, 0, 2),
      columns: Int32Array.of(1, 1),
      values: Float32Array.of(1, 1),
    };
    expect(() => encodeItemTable(bad)).toThrow("encodeItemTable: row 1's columns must rise, got 1");
    expect(() =>
      encodeItemTable({ ...bad, columns: Int32Array.of(1, 2), values: Float32Array.of(1, 0) }),
    ).toThrow('encodeItemTable: values must be > 0, got 0');
  });

  it('names what is wrong with malformed bytes', () => {
    const bytes = encodeItemTable(rows);
    expect(() => decodeItemTable(bytes.slice(0, 5), N)).toThrow(
      'item table: 5 bytes, too short for its header',
    );
    expect(() => decodeItemTable(bytes.slice(0, bytes.length - 1), N)).toThrow(
      /item table: ends inside the values: \d+ bytes for \d+ entries/,
    );
    expect(() => decodeItemTable(formatOne(rows).slice(0, -1), N, 1)).toThrow(
      /item table: ends inside row 30/,
    );
    expect(() => decodeItemTable(Uint8Array.of(...bytes, 0), N)).toThrow(
      'item table: 1 bytes left after 30 rows',
    );
    expect(() => decodeItemTable(bytes, N - 5)).toThrow(
      /item table: row \d+ names item \d+, outside 1..25/,
    );
  });
});

describe('itemTableSpecOf and readItemTable', () => {
  const bytes = encodeItemTable(rows);
  const spec = async () => ({
    path: 'item-table.bin',
    format: ITEM_TABLE_FORMAT,
    ...(await checksumOf(bytes)),
    perItem: 12,
    weight: 0.1,
    power: 2,
    historyLength: 4,
    recencyDecay: 1,
  });

  it('accepts a complete spec, and reads the file it describes', async () => {
    const good = await spec();
    expect(itemTableSpecOf(good)).toEqual(good);
    expect(itemTableSpecOf(undefined)).toBeUndefined();
    const table = await readItemTable(good, bytes, N);
    expect([...table.rows.columns]).toEqual([...rows.columns]);
    expect(table).toMatchObject({ weight: 0.1, power: 2, historyLength: 4, recencyDecay: 1 });
  });

  it('reads a spec without a format as format 1, as tables were written before it', async () => {
    const old = formatOne(rows);
    const { format: _, ...spec1 } = { ...(await spec()), ...(await checksumOf(old)) };
    const table = await readItemTable(itemTableSpecOf(spec1)!, old, N);
    expect([...table.rows.columns]).toEqual([...rows.columns]);
    expectWithinHalfStep(rows.values, table.rows.values, 256);
  });

  it.each([
    ['path', '../x.bin', /path must be a file name beside model.json, got "..\/x.bin"/],
    ['weight', 1, /weight must be in \(0, 1\), got 1/],
    ['perItem', 0.5, /perItem must be an integer >= 1, got 0.5/],
    ['power', 0, /power must be > 0, got 0/],
    ['historyLength', '4', /historyLength must be an integer >= 1, got "4"/],
    ['recencyDecay', -1, /recencyDecay must be >= 0, got -1/],
    [
      'format',
      3,
      /format must be one of 1, 2 \(absent: 1\), got 3: a newer cprec may have written it/,
    ],
  ])('names a bad %s', async (field, value, message) => {
    const bad = { ...(await spec()), [field]: value };
    expect(() => itemTableSpecOf(bad)).toThrow(ModelFormatError);
    expect(() => itemTableSpecOf(bad)).toThrow(message);
  });

  it('refuses a file that does not match its spec or its model', async () => {
    const good = await spec();
    const flipped = bytes.map((b, i) => (i === 9 ? b ^ 1 : b));
    await expect(readItemTable(good, flipped, N)).rejects.toThrow(
      /item table item-table.bin is corrupted/,
    );
    await expect(readItemTable(good, bytes, N + 1)).rejects.toThrow(
      /item table item-table.bin: item table: row 31 names item \d+, outside 1..31/,
    );
  });
});
