import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadInteractions,
  loadMovieLensRatings,
  ONLINE_RETAIL_PURCHASES,
} from './interactionLoader';
import { openCsvTable } from './csvTable';

const dir = mkdtempSync(join(tmpdir(), 'cprec-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
function csvFile(text: string): string {
  const path = join(dir, `f${fileCount++}.csv`);
  writeFileSync(path, text);
  return path;
}

describe('loadInteractions', () => {
  it('reads the default columns in file order, in any column order', () => {
    const path = csvFile('timestamp,extra,item_id,user_id\n5,x,i1,u1\n3.5,y,i2,u2\n-1,z,i3,u1\n');
    const { interactions, summary } = loadInteractions(path);
    expect(interactions).toEqual([
      { user: 'u1', item: 'i1', timestamp: 5 },
      { user: 'u2', item: 'i2', timestamp: 3.5 },
      { user: 'u1', item: 'i3', timestamp: -1 },
    ]);
    expect(summary).toEqual({ file: path, rows: 3, kept: 3, dropped: {} });
  });

  it('loads a table opened for its header as it loads the path', () => {
    const path = csvFile('user_id,item_id,timestamp\nu1,i1,5\nu2,i2,3\n');
    const table = openCsvTable(path);
    expect(table.header).toEqual(['user_id', 'item_id', 'timestamp']);
    expect(loadInteractions(table)).toEqual(loadInteractions(path));
  });

  it('uses the MovieLens column names', () => {
    const path = csvFile('userId,movieId,rating,timestamp\r\n1,31,2.5,1260759144\r\n');
    expect(loadMovieLensRatings(path).interactions).toEqual([
      { user: '1', item: '31', timestamp: 1260759144 },
    ]);
  });

  it('drops rows by where conditions and item pattern, counting each reason', () => {
    const path = csvFile(
      [
        'user_id,item_id,timestamp,quantity,price',
        'a,10001,1,2,1.5', // kept
        'a,10002,2,-2,1.5', // quantity
        'a,POST,3,1,9', // pattern
        'b,10003A,4,0,1', // quantity (checked before the pattern)
        'b,10004,5,1,0', // price
        'b,M,6,-1,0', // quantity: the first failing condition counts
        '',
        'c,10005,7,1,2.25', // kept
      ].join('\n'),
    );
    const { interactions, summary } = loadInteractions(path, {
      where: ['quantity>0', 'price >= 0.5'],
      itemPattern: '^\\d{5}[A-Za-z]?$',
    });
    expect(interactions.map((e) => e.item)).toEqual(['10001', '10005']);
    expect(summary.dropped).toEqual({
      'where quantity>0': 3,
      'where price >= 0.5': 1,
      'itemPattern ^\\d{5}[A-Za-z]?$': 1,
      'blank line': 1,
    });
    expect(summary.rows).toBe(8);
    expect(summary.kept).toBe(2);
  });

  it('supports every comparison operator', () => {
    const path = csvFile('user_id,item_id,timestamp,q\nu,a,1,1\nu,b,2,2\nu,c,3,3\n');
    const kept = (condition: string) =>
      loadInteractions(path, { where: [condition] }).interactions.map((e) => e.item);
    expect(kept('q>2')).toEqual(['c']);
    expect(kept('q>=2')).toEqual(['b', 'c']);
    expect(kept('q<2')).toEqual(['a']);
    expect(kept('q<=2')).toEqual(['a', 'b']);
    expect(kept('q==2')).toEqual(['b']);
    expect(kept('q!=2')).toEqual(['a', 'c']);
  });

  it('counts rows with an empty user or item id', () => {
    const path = csvFile('user_id,item_id,timestamp\n,a,1\nu,,2\nu,b,3\n');
    const { summary } = loadInteractions(path);
    expect(summary.dropped).toEqual({ 'empty user id': 1, 'empty item id': 1 });
    expect(summary.kept).toBe(1);
  });

  it('reads timestamps as seconds: numbers in their unit, ISO 8601 date-times as they are', () => {
    const path = csvFile(
      'user_id,item_id,timestamp\nu,a,1323435000500\nu,b,2011-12-09 12:50:01\nu,c,2011-12-09T13:50:02+01:00\n',
    );
    const seconds = Date.parse('2011-12-09T12:50:00Z') / 1000;
    expect(loadInteractions(path, { timeUnit: 'ms' }).interactions.map((e) => e.timestamp)).toEqual(
      [seconds + 0.5, seconds + 1, seconds + 2],
    );
    expect(loadInteractions(path).interactions[0].timestamp).toBe(1323435000500);
  });

  it('names file, line and column of a non-numeric timestamp', () => {
    const path = csvFile('user_id,item_id,timestamp\nu,a,1\nu,"b,c",soon\n');
    expect(() => loadInteractions(path)).toThrow(
      `${path}:3:9: timestamp "timestamp" is not a finite number or an ISO 8601 date-time: "soon"`,
    );
    const blank = csvFile('user_id,item_id,timestamp\nu,a, \n');
    expect(() => loadInteractions(blank)).toThrow(`${blank}:2:5: timestamp`);
  });

  it('names file, line and column of a non-numeric filtered value', () => {
    const path = csvFile('user_id,item_id,timestamp,quantity\nu,a,1,two\n');
    expect(() => loadInteractions(path, { where: ['quantity>0'] })).toThrow(
      `${path}:2:7: where column "quantity" is not a finite number: "two"`,
    );
  });

  it('names a missing column and lists the header', () => {
    const path = csvFile('user,item_id,timestamp\nu,a,1\n');
    expect(() => loadInteractions(path)).toThrow(
      `${path}:1: missing user column "user_id"; header: "user", "item_id", "timestamp"`,
    );
    expect(() => loadInteractions(path, { userColumn: 'user', where: ['qty>1'] })).toThrow(
      'missing where column "qty"',
    );
  });

  it('rejects a malformed where condition', () => {
    const path = csvFile('user_id,item_id,timestamp\nu,a,1\n');
    expect(() => loadInteractions(path, { where: ['timestamp=>1'] })).toThrow(
      'bad where condition "timestamp=>1"',
    );
  });

  it('rejects rows with too few or too many fields', () => {
    const short = csvFile('user_id,item_id,timestamp\nu,a,1\nu,b\n');
    expect(() => loadInteractions(short)).toThrow(
      `${short}:3: expected 3 fields as in the header, got 2`,
    );
    const long = csvFile('user_id,item_id,timestamp\nu,a,1,9\n');
    expect(() => loadInteractions(long)).toThrow(`${long}:2: expected 3 fields`);
  });

  it('rejects an empty file and a header without rows', () => {
    const empty = csvFile('');
    expect(() => loadInteractions(empty)).toThrow(`${empty}: empty file`);
    const headerOnly = csvFile('user_id,item_id,timestamp\n');
    expect(() => loadInteractions(headerOnly)).toThrow(`${headerOnly}: no data rows`);
  });
});

describe('the Online Retail sample', () => {
  const path = fileURLToPath(
    new URL('../../data/online-retail-sample/interactions.csv', import.meta.url),
  );
  // An independent reading: this file has no quoted fields, so a plain split is exact.
  const raw = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [user, item, timestamp, , quantity] = line.split(',');
      return { user, item, timestamp: Number(timestamp), quantity: Number(quantity) };
    });
  const nonProducts = ['POST', 'M', 'D', 'C2', 'DOT', 'BANK CHARGES', 'CRUK', 'PADS'];
  const productCode = /^\d{5}[A-Za-z]?$/;

  it('holds cancellations and non-product codes to filter', () => {
    expect(raw.some((r) => r.quantity < 0)).toBe(true);
    for (const code of nonProducts) expect(raw.some((r) => r.item === code)).toBe(true);
  });

  it('keeps exactly the purchase lines of product codes', () => {
    const { interactions, summary } = loadInteractions(path, {
      where: ['quantity>0'],
      itemPattern: productCode,
    });
    const expected = raw.filter((r) => r.quantity > 0 && productCode.test(r.item));
    expect(interactions).toEqual(
      expected.map(({ user, item, timestamp }) => ({ user, item, timestamp })),
    );
    expect(interactions.some((e) => nonProducts.includes(e.item))).toBe(false);
    expect(summary.rows).toBe(raw.length);
    expect(summary.dropped).toEqual({
      'where quantity>0': raw.filter((r) => r.quantity <= 0).length,
      'itemPattern ^\\d{5}[A-Za-z]?$': raw.filter(
        (r) => r.quantity > 0 && !productCode.test(r.item),
      ).length,
    });
  });

  it('has a preset that also keeps the two-letter product code 15056BL', () => {
    const { interactions } = loadInteractions(path, ONLINE_RETAIL_PURCHASES);
    const items = new Set(interactions.map((e) => e.item));
    expect(items.has('15056BL')).toBe(true);
    expect(nonProducts.some((code) => items.has(code))).toBe(false);
    expect(interactions.length).toBe(
      raw.filter((r) => r.quantity > 0 && (productCode.test(r.item) || r.item === '15056BL'))
        .length,
    );
  });
});
