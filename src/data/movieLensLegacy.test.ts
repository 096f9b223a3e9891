import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMovieLensMovies } from './catalogLoader';
import { loadMovieLensRatings } from './interactionLoader';
import { movieLensCatalogName, movieLensLegacyTable } from './movieLensLegacy';

const dir = mkdtempSync(join(tmpdir(), 'cprec-movielens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, lines: string[], encoding: BufferEncoding = 'utf8'): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.from(lines.join('\n') + '\n', encoding));
  return path;
}

// The same ratings and movies as an ML-latest CSV, the reference each older layout must match.
const RATINGS = [
  [1, 1193, 5, 978300760],
  [1, 661, 3.5, 978302109],
  [2, 1193, 4, 978298413],
];
const ratingsCsv = () =>
  file('ratings.csv', ['userId,movieId,rating,timestamp', ...RATINGS.map((r) => r.join(','))]);
const moviesCsv = () =>
  file('movies.csv', [
    'movieId,title,genres',
    '1,Toy Story (1995),Animation|Comedy',
    '73,"Misérables, Les (1995)",Drama|Musical',
    '267,unknown,(no genres listed)',
  ]);

describe('the older MovieLens files', () => {
  it('reads ML-1M ratings.dat and ML-100K u.data as the same ratings.csv', () => {
    const expected = loadMovieLensRatings(ratingsCsv()).interactions;
    const dat = file('ratings.dat', [...RATINGS.map((r) => r.join('::')), '']);
    const data = file(
      'u.data',
      RATINGS.map((r) => r.join('\t')),
    );
    expect(loadMovieLensRatings(dat).interactions).toEqual(expected);
    expect(loadMovieLensRatings(data).interactions).toEqual(expected);
    // The blank last line is counted, as in a CSV file.
    expect(loadMovieLensRatings(dat).summary.dropped).toEqual({ 'blank line': 1 });
  });

  it('reads ML-1M movies.dat in Latin-1 and ML-100K u.item as the same movies.csv', () => {
    const expected = [...loadMovieLensMovies(moviesCsv()).values()];
    const dat = file(
      'movies.dat',
      [
        '1::Toy Story (1995)::Animation|Comedy',
        '73::Misérables, Les (1995)::Drama|Musical',
        '267::unknown::(no genres listed)',
      ],
      'latin1',
    );
    const flags = (...on: number[]) =>
      Array.from({ length: 19 }, (_, j) => (on.includes(j) ? 1 : 0)).join('|');
    const item = file(
      'u.item',
      [
        `1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|${flags(3, 5)}`,
        `73|Misérables, Les (1995)|01-Jan-1995||http://us.imdb.com/|${flags(8, 12)}`,
        `267|unknown||||${flags(0)}`,
      ],
      'latin1',
    );
    expect([...loadMovieLensMovies(dat).values()]).toEqual(expected);
    expect([...loadMovieLensMovies(item).values()]).toEqual(expected);
  });

  it('names the line and the layout of a line with another field count', () => {
    const path = file('bad.dat', ['1::1193::5::978300760', '1::661::3']);
    expect(() => loadMovieLensRatings(path)).toThrow(
      /bad\.dat:2: expected 4 fields as in MovieLens ratings\.dat \(UserID::MovieID::Rating::Timestamp\), got 3/,
    );
  });

  it('points each field at its column', () => {
    const table = movieLensLegacyTable('columns.dat', '12::345::4.5::978300760\n');
    expect([...table!.rows][0].fieldColumns).toEqual([1, 5, 10, 15]);
  });

  it('leaves CSV files and other text to the CSV parser', () => {
    for (const text of [
      'userId,movieId,rating,timestamp\n1,2,3,4\n',
      'user::item::rating::time\n',
      '1\t2\tthree\t4\n',
      '',
    ]) {
      expect(movieLensLegacyTable('x', text)).toBeUndefined();
    }
  });

  it('names the catalog each release keeps beside its ratings', () => {
    expect(movieLensCatalogName('/d/ml-1m/ratings.dat')).toBe('movies.dat');
    expect(movieLensCatalogName('/d/ml-100k/u.data')).toBe('u.item');
    expect(movieLensCatalogName('/d/ml-latest-small/ratings.csv')).toBe('movies.csv');
  });
});
