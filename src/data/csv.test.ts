import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseCsv, readTextFile } from './csv';

const rows = (text: string) => [...parseCsv(text, 'test.csv')];
const fields = (text: string) => rows(text).map((r) => r.fields);

describe('parseCsv', () => {
  it('splits plain fields and numbers the lines', () => {
    const parsed = rows('a,b,c\n1,2,3\n');
    expect(parsed.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(parsed.map((r) => r.line)).toEqual([1, 2]);
    expect(parsed[1].fieldColumns).toEqual([1, 3, 5]);
  });

  it('keeps commas inside quotes and unescapes doubled quotes', () => {
    expect(fields('id,title\n1,"Dog, The"\n2,"Say ""hi"", then go"\n3,""\n')).toEqual([
      ['id', 'title'],
      ['1', 'Dog, The'],
      ['2', 'Say "hi", then go'],
      ['3', ''],
    ]);
  });

  it('handles CRLF line ends, a missing final line break and empty fields', () => {
    expect(fields('a,b\r\n1,\r\n,2\r\n"x",y')).toEqual([
      ['a', 'b'],
      ['1', ''],
      ['', '2'],
      ['x', 'y'],
    ]);
  });

  it('keeps line breaks inside quotes and counts them for later lines and columns', () => {
    const parsed = rows('a,b,c\r\n"two\r\nlines","x\ny",z\r\nlast,1,2\r\n');
    expect(parsed.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['two\r\nlines', 'x\ny', 'z'],
      ['last', '1', '2'],
    ]);
    expect(parsed.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(parsed[1].fieldLines).toEqual([2, 3, 4]);
    expect(parsed[1].fieldColumns).toEqual([1, 8, 4]);
  });

  it('skips a BOM and yields a blank line as one empty field', () => {
    const parsed = rows('\ufeffa\n\nb\n');
    expect(parsed.map((r) => r.fields)).toEqual([['a'], [''], ['b']]);
    expect(parsed[0].fieldColumns).toEqual([1]);
    expect(parsed[2].line).toBe(3);
  });

  it('treats a lone CR as data', () => {
    expect(fields('a\rb,c\n')).toEqual([['a\rb', 'c']]);
  });

  it('names line and column of malformed quoting', () => {
    expect(() => rows('a,b\n1,"open\n')).toThrow('test.csv:2:3: unterminated quoted field');
    expect(() => rows('a,b\n1,"x"y\n')).toThrow(
      'test.csv:2:6: unexpected "y" after a closing quote',
    );
    expect(() => rows('a,b\n1,x"y\n')).toThrow('test.csv:2:4: quote inside an unquoted field');
  });

  it('parses the empty string as no rows', () => {
    expect(rows('')).toEqual([]);
  });
});

describe('readTextFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cprec-csv-'));
  afterAll(() => rmSync(dir, { recursive: true }));

  it('reads a gzipped file exactly as the plain one', () => {
    const text = 'user_id,item_id\n1,"a, b"\n2,c\n';
    writeFileSync(join(dir, 'x.csv'), text);
    writeFileSync(join(dir, 'x.csv.gz'), gzipSync(text));
    expect(readTextFile(join(dir, 'x.csv'))).toBe(text);
    expect(readTextFile(join(dir, 'x.csv.gz'))).toBe(text);
  });

  it('reads UTF-8, and Latin-1 where the bytes are not UTF-8', () => {
    const title = '1::Misérables, Les (1995)::Drama\n';
    writeFileSync(join(dir, 'utf8.dat'), Buffer.from(title, 'utf8'));
    writeFileSync(join(dir, 'latin1.dat'), Buffer.from(title, 'latin1'));
    expect(readTextFile(join(dir, 'utf8.dat'))).toBe(title);
    expect(readTextFile(join(dir, 'latin1.dat'))).toBe(title);
  });

  it('refuses, with its size, a file longer than a string can be', () => {
    writeFileSync(join(dir, 'big.csv'), 'x'.repeat(3 * 2 ** 20));
    expect(() => readTextFile(join(dir, 'big.csv'), 2 ** 21)).toThrow(
      /big\.csv: 3\.0 MB of text, more than the 2\.0 MB one string can hold/,
    );
    expect(readTextFile(join(dir, 'big.csv'), 3 * 2 ** 20)).toHaveLength(3 * 2 ** 20);
  });
});
