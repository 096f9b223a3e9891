/**
 * RFC 4180 CSV: comma-separated fields, fields in double quotes may hold commas, line breaks and
 * doubled quotes (`""` = `"`). Lines end in CRLF or LF (a lone CR is data). A leading UTF-8 BOM is
 * skipped.
 * Strict where RFC 4180 is: a quote inside an unquoted field, text after a closing quote and an
 * unterminated quote are errors that name the line and column.
 */
import { constants } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from './dataError';

export interface CsvRow {
  /** 1-based line on which the row starts. */
  line: number;
  fields: string[];
  /** 1-based line and column where each field starts (a quoted line break moves later fields). */
  fieldLines: number[];
  fieldColumns: number[];
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

function isLineBreak(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === LF || (c === CR && text.charCodeAt(i + 1) === LF);
}

/**
 * Yields the rows of `text` in order. Every line is a row (a blank line is a row with one empty
 * field) except that the line break ending the last row does not start another one.
 * `source` names the text in error messages.
 */
export function* parseCsv(text: string, source = '<csv>'): Generator<CsvRow> {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;
  const fail = (detail: string, at: number): never => {
    throw new DataError(source, detail, line, at - lineStart + 1);
  };

  while (i < n) {
    const row: CsvRow = { line, fields: [], fieldLines: [], fieldColumns: [] };
    for (;;) {
      row.fieldLines.push(line);
      row.fieldColumns.push(i - lineStart + 1);
      if (text.charCodeAt(i) === QUOTE) {
        const openLine = line;
        const openColumn = i - lineStart + 1;
        let value = '';
        i++;
        for (;;) {
          const close = text.indexOf('"', i);
          if (close < 0) {
            throw new DataError(source, 'unterminated quoted field', openLine, openColumn);
          }
          // Line breaks inside the quotes still advance the line count.
          for (
            let lf = text.indexOf('\n', i);
            lf >= 0 && lf < close;
            lf = text.indexOf('\n', lf + 1)
          ) {
            line++;
            lineStart = lf + 1;
          }
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += text.slice(i, close + 1);
            i = close + 2;
          } else {
            value += text.slice(i, close);
            i = close + 1;
            break;
          }
        }
        if (i < n && text.charCodeAt(i) !== COMMA && !isLineBreak(text, i)) {
          fail(`unexpected ${JSON.stringify(text[i])} after a closing quote`, i);
        }
        row.fields.push(value);
      } else {
        const start = i;
        for (; i < n; i++) {
          const c = text.charCodeAt(i);
          if (c === COMMA || isLineBreak(text, i)) break;
          if (c === QUOTE) fail('quote inside an unquoted field (quote the whole field)', i);
        }
        row.fields.push(text.slice(start, i));
      }

      if (text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      if (isLineBreak(text, i)) {
        i += text.charCodeAt(i) === CR ? 2 : 1;
        line++;
        lineStart = i;
      }
      break;
    }
    yield row;
  }
}

/**
 * A whole file's text; a `.gz` file is gunzipped (the vendored data is stored that way). UTF-8,
 * or Latin-1 where the bytes are not UTF-8 (ML-1M's movies.dat and ML-100K's u.item are).
 * `maxBytes` is V8's longest string; a test passes a smaller one.
 */
export function readTextFile(path: string, maxBytes = constants.MAX_STRING_LENGTH): string {
  const raw = readFileSync(path);
  const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  if (bytes.length > maxBytes) {
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
    throw new DataError(
      path,
      `${mb(bytes.length)} of text, more than the ${mb(maxBytes)} one string can hold: ` +
        'filter or sample the file first (e.g. fewer users)',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
