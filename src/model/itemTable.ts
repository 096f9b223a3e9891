/**
 * An item table beside the network: each item's most similar items (the item kNN's co-occurrence
 * similarities, kept to the k best of each row) and the sparse distribution their votes give a
 * history, which the ranking mixes into the network's (CpRec.rankHidden's `table`). A network of a
 * few hundred dimensions cannot hold every strong item pair a co-occurrence table does; a few of
 * each item's best pairs, mixed in at a small weight, add what it misses for a few hundred KB.
 */
import { verifyChecksum, type FileChecksum } from './fileChecksum';
import { ModelFormatError } from './modelFormatError';

/** Sparse item-to-item weights, one row per model id (compressed sparse rows). */
export interface SparseRows {
  offsets: Int32Array; // [numItems + 2]: row a is entries offsets[a] .. offsets[a + 1] - 1
  columns: Int32Array;
  values: Float32Array;
}

/** How a history votes (the item kNN's options of the same names). */
export interface ItemVoting {
  /** Most recent history items that vote. */
  historyLength: number;
  /** Vote of the j-th most recent history item (j = 1, 2, ...): 1 / j^recencyDecay. */
  recencyDecay: number;
}

/**
 * Calls `vote(b, weight)` for every similarity summed for this history: sim(h_j, b) /
 * j^recencyDecay over its last `historyLength` items h_j (j = 1 most recent). A column may come
 * several times; its score is the sum.
 */
export function itemVotes(
  rows: SparseRows,
  voting: ItemVoting,
  history: ArrayLike<number>,
  vote: (b: number, weight: number) => void,
): void {
  const { offsets, columns, values } = rows;
  const used = Math.min(voting.historyLength, history.length);
  for (let j = 1; j <= used; j++) {
    const a = history[history.length - j];
    const weight = 1 / Math.pow(j, voting.recencyDecay);
    for (let e = offsets[a]; e < offsets[a + 1]; e++) vote(columns[e], weight * values[e]);
  }
}

/** Each row kept to its k largest values (ties to the lower column), in column order. */
export function keepBest(rows: SparseRows, k: number): SparseRows {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`keepBest: k must be >= 1, got ${k}`);
  const { offsets, columns, values } = rows;
  const kept = new Int32Array(offsets.length);
  const keptColumns: number[] = [];
  const keptValues: number[] = [];
  for (let a = 0; a + 1 < offsets.length; a++) {
    const entries: number[] = [];
    for (let e = offsets[a]; e < offsets[a + 1]; e++) entries.push(e);
    entries.sort((x, y) => values[y] - values[x] || columns[x] - columns[y]);
    const best = entries.slice(0, k).sort((x, y) => columns[x] - columns[y]);
    for (const e of best) {
      keptColumns.push(columns[e]);
      keptValues.push(values[e]);
    }
    kept[a + 1] = keptColumns.length;
  }
  return {
    offsets: kept,
    columns: Int32Array.from(keptColumns),
    values: Float32Array.from(keptValues),
  };
}

/**
 * The table's distribution for a history: its votes to the power `power` (a sharper vote ranks
 * better in a mixture, docs/tuning.md), normalised over the items not excluded. Empty when no
 * item gets a vote.
 */
export function tableDistribution(
  rows: SparseRows,
  voting: ItemVoting,
  history: ArrayLike<number>,
  power: number,
  exclude: ReadonlySet<number> = new Set(),
): Map<number, number> {
  const votes = new Map<number, number>();
  itemVotes(rows, voting, history, (b, w) => {
    if (!exclude.has(b)) votes.set(b, (votes.get(b) ?? 0) + w);
  });
  let total = 0;
  for (const [b, v] of votes) {
    const weight = v ** power;
    votes.set(b, weight);
    total += weight;
  }
  if (!(total > 0)) return new Map();
  for (const [b, v] of votes) votes.set(b, v / total);
  return votes;
}

/**
 * The table files encodeItemTable has written (model.json `itemTable.format`, absent: 1). Both
 * hold the same numbers: 1 puts each value's code beside its column, 2 all the codes after all
 * the columns, which compress better apart (gzip -9: a tenth fewer bytes).
 */
export const ITEM_TABLE_FORMATS = [1, 2] as const;
export type ItemTableFormat = (typeof ITEM_TABLE_FORMATS)[number];
/** What encodeItemTable writes. */
export const ITEM_TABLE_FORMAT: ItemTableFormat = 2;

/** A value's code: 8 bits on a log scale between the table's smallest and largest value. */
const LEVELS = 255;

/**
 * The table as bytes, format ITEM_TABLE_FORMAT: two little-endian float32s (the log of the
 * smallest and the largest value); then row by row from model id 1 the entry count as a varint
 * and each entry's column gap to the previous one as a varint; then the entries' 8-bit value
 * codes in the same order. Values must be > 0.
 */
export function encodeItemTable(rows: SparseRows): Uint8Array {
  const { offsets, columns, values } = rows;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0)) throw new RangeError(`encodeItemTable: values must be > 0, got ${v}`);
    lo = Math.min(lo, Math.log(v));
    hi = Math.max(hi, Math.log(v));
  }
  if (values.length === 0) lo = hi = 0;
  const out: number[] = [];
  const varint = (n: number) => {
    for (; n >= 128; n = Math.floor(n / 128)) out.push((n % 128) | 128);
    out.push(n);
  };
  for (let a = 1; a + 1 < offsets.length; a++) {
    varint(offsets[a + 1] - offsets[a]);
    let previous = 0;
    for (let e = offsets[a]; e < offsets[a + 1]; e++) {
      if (columns[e] <= previous) {
        throw new RangeError(`encodeItemTable: row ${a}'s columns must rise, got ${columns[e]}`);
      }
      varint(columns[e] - previous);
      previous = columns[e];
    }
  }
  for (const v of values) {
    out.push(hi > lo ? Math.round(((Math.log(v) - lo) / (hi - lo)) * LEVELS) : 0);
  }
  const bytes = new Uint8Array(8 + out.length);
  const header = new DataView(bytes.buffer);
  header.setFloat32(0, lo, true);
  header.setFloat32(4, hi, true);
  bytes.set(out, 8);
  return bytes;
}

/**
 * A table file's bytes (either format) back as rows over model ids 0..numItems; throws on
 * malformed bytes.
 */
export function decodeItemTable(
  bytes: Uint8Array,
  numItems: number,
  format: ItemTableFormat = ITEM_TABLE_FORMAT,
): SparseRows {
  const fail = (why: string): never => {
    throw new RangeError(`item table: ${why}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes, too short for its header`);
  const header = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const lo = header.getFloat32(0, true);
  const hi = header.getFloat32(4, true);
  const value = (code: number) => Math.exp(lo + (code / LEVELS) * (hi - lo));
  let at = 8;
  const varint = () => {
    let n = 0;
    for (let scale = 1; ; scale *= 128) {
      if (at >= bytes.length) fail(`ends inside a number at byte ${at}`);
      const byte = bytes[at++];
      n += (byte & 127) * scale;
      if (byte < 128) return n;
    }
  };
  const offsets = new Int32Array(numItems + 2);
  const columns: number[] = [];
  const values: number[] = [];
  for (let a = 1; a <= numItems; a++) {
    const count = varint();
    let column = 0;
    for (let i = 0; i < count; i++) {
      column += varint();
      if (column > numItems) fail(`row ${a} names item ${column}, outside 1..${numItems}`);
      columns.push(column);
      if (format === 1) {
        if (at >= bytes.length) fail(`ends inside row ${a}`);
        values.push(value(bytes[at++]));
      }
    }
    offsets[a + 1] = columns.length;
  }
  if (format === 2) {
    if (bytes.length - at < columns.length) {
      fail(`ends inside the values: ${bytes.length - at} bytes for ${columns.length} entries`);
    }
    for (let e = 0; e < columns.length; e++) values.push(value(bytes[at++]));
  }
  if (at !== bytes.length) fail(`${bytes.length - at} bytes left after ${numItems} rows`);
  return { offsets, columns: Int32Array.from(columns), values: Float32Array.from(values) };
}

/** model.json `itemTable`: the table's file and how the ranking mixes it in. */
export interface ItemTableSpec extends ItemVoting, FileChecksum {
  /** The file beside model.json (encodeItemTable's bytes). */
  path: string;
  /** The file's layout (ITEM_TABLE_FORMATS); absent: 1, as tables were written before it. */
  format?: ItemTableFormat;
  /** Entries kept per item when it was made (keepBest). */
  perItem: number;
  /** w in p = (1 - w) p_network + w q. */
  weight: number;
  /** q: the votes to this power, normalised over the items that may be recommended. */
  power: number;
}

/** A table ready to rank with: its rows and how it mixes in. */
export interface ItemTable extends ItemVoting {
  rows: SparseRows;
  weight: number;
  power: number;
}

/** Checks model.json's `itemTable` (absent: undefined); throws ModelFormatError naming the field. */
export function itemTableSpecOf(json: unknown): ItemTableSpec | undefined {
  if (json === undefined) return undefined;
  const fail = (problem: string): never => {
    throw new ModelFormatError(`model.json itemTable: ${problem}`);
  };
  if (typeof json !== 'object' || json === null) return fail(`expected an object, got ${json}`);
  const spec = json as Record<string, unknown>;
  const number = (field: string, ok: (x: number) => boolean, range: string) => {
    const x = spec[field];
    if (typeof x !== 'number' || !ok(x))
      fail(`${field} must be ${range}, got ${JSON.stringify(x)}`);
  };
  if (typeof spec.path !== 'string' || !/^[\w.-]+$/.test(spec.path)) {
    fail(`path must be a file name beside model.json, got ${JSON.stringify(spec.path)}`);
  }
  if (typeof spec.sha256 !== 'string') fail(`sha256 missing`);
  if (spec.format !== undefined && !ITEM_TABLE_FORMATS.includes(spec.format as ItemTableFormat)) {
    fail(
      `format must be one of ${ITEM_TABLE_FORMATS.join(', ')} (absent: 1), got ${JSON.stringify(spec.format)}: a newer cprec may have written it`,
    );
  }
  number('bytes', (x) => Number.isInteger(x) && x >= 8, 'an integer >= 8');
  number('perItem', (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
  number('weight', (x) => x > 0 && x < 1, 'in (0, 1)');
  number('power', (x) => x > 0, '> 0');
  number('historyLength', (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
  number('recencyDecay', (x) => x >= 0, '>= 0');
  return spec as unknown as ItemTableSpec;
}

/** The table file's bytes, checked against its spec, decoded for a model of numItems items. */
export async function readItemTable(
  spec: ItemTableSpec,
  bytes: Uint8Array,
  numItems: number,
): Promise<ItemTable> {
  await verifyChecksum(`item table ${spec.path}`, bytes, spec);
  let rows: SparseRows;
  try {
    rows = decodeItemTable(bytes, numItems, spec.format ?? 1);
  } catch (e) {
    throw new ModelFormatError(`item table ${spec.path}: ${(e as Error).message}`, { cause: e });
  }
  const { weight, power, historyLength, recencyDecay } = spec;
  return { rows, weight, power, historyLength, recencyDecay };
}

/**
 * What the table mixes into the network's ranking after `history`: its distribution over the
 * items not excluded, at its weight; null when no such item gets a vote.
 */
export function tableMixture(
  table: ItemTable,
  history: ArrayLike<number>,
  exclude: ReadonlySet<number>,
): { weight: number; probs: Map<number, number> } | null {
  const probs = tableDistribution(table.rows, table, history, table.power, exclude);
  return probs.size ? { weight: table.weight, probs } : null;
}
