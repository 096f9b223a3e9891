/** A CSV file with a header row: columns by name, and field-count checks naming the file. */
import { parseCsv, readTextFile, type CsvRow } from './csv';
import { DataError } from './dataError';
import { movieLensLegacyTable } from './movieLensLegacy';

export interface CsvTable {
  path: string;
  /** Column names, trimmed. */
  header: string[];
  /** The data rows, read lazily after the header. */
  rows: Generator<CsvRow>;
}

export function isBlankRow(row: CsvRow): boolean {
  return row.fields.length === 1 && row.fields[0].trim() === '';
}

/**
 * Opens `path` and reads its header; an empty file (or a blank first line) is an error. The older
 * MovieLens files, which have no header, come with ML-latest's (see movieLensLegacy).
 */
export function openCsvTable(path: string): CsvTable {
  const text = readTextFile(path);
  const legacy = movieLensLegacyTable(path, text);
  if (legacy) return legacy;
  const rows = parseCsv(text, path);
  const first = rows.next();
  if (first.done || isBlankRow(first.value)) {
    throw new DataError(path, 'empty file: expected a header row');
  }
  return { path, header: first.value.fields.map((name) => name.trim()), rows };
}

/** Index of column `name`; `role` says what it is for in the error message. */
export function columnIndex(table: CsvTable, name: string, role: string): number {
  const { path, header } = table;
  const index = header.indexOf(name);
  if (index < 0) {
    const names = header.map((h) => JSON.stringify(h)).join(', ');
    throw new DataError(
      path,
      `missing ${role} column ${JSON.stringify(name)}; header: ${names}`,
      1,
    );
  }
  if (header.indexOf(name, index + 1) >= 0) {
    throw new DataError(
      path,
      `${role} column ${JSON.stringify(name)} appears twice in the header`,
      1,
    );
  }
  return index;
}

export function checkFieldCount(table: CsvTable, row: CsvRow): void {
  if (row.fields.length !== table.header.length) {
    throw new DataError(
      table.path,
      `expected ${table.header.length} fields as in the header, got ${row.fields.length}`,
      row.line,
    );
  }
}
