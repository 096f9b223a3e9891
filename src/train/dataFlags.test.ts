import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_FLAGS, describeData, loadData, recordedDataFlags, splitOptions } from './dataFlags';
import { SESSION_SEPARATOR } from '../data/sessionSeparators';
import { parseFlags } from './flags';

describe('recordedDataFlags', () => {
  it('gives the recorded split options and keep-seen as flag values', () => {
    const training = {
      data: { where: ['quantity>0'], 'min-item-events': 5, format: 'csv' },
      settings: { keepSeen: true, epochs: 3 },
    };
    expect(recordedDataFlags(training)).toEqual({
      where: ['quantity>0'],
      'min-item-events': 5,
      format: 'csv',
      'keep-seen': true,
    });
  });

  it('gives nothing for a model that records nothing', () => {
    expect(recordedDataFlags({})).toEqual({});
  });

  it.each([
    [{ 'min-item-events': '5' }, /min-item-events = "5"/],
    [{ format: 'excel' }, /format = "excel"/],
    [{ 'time-unit': 'h' }, /time-unit = "h"/],
    [{ where: 'quantity>0' }, /where = "quantity>0"/],
    [{ colour: 'red' }, /colour/],
  ])('rejects a recorded %j, naming it', (data, message) => {
    expect(() => recordedDataFlags({ data })).toThrow(message);
  });
});

describe('loadData', () => {
  it('recognises a MovieLens ratings.csv saved with a BOM', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cprec-data-'));
    try {
      const path = join(dir, 'ratings.csv');
      writeFileSync(
        path,
        '\ufeffuserId,movieId,rating,timestamp\n1,10,4,100\n1,11,4,101\n1,12,4,102\n',
      );
      const flags = parseFlags(['--data', path], { DATA_FLAGS });
      const data = loadData(flags);
      expect(data.format).toBe('movielens');
      expect(data.dataset.numItems).toBe(3);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it.each([
    ['ratings.dat', '::', 'movies.dat', '1::Toy Story (1995)::Animation|Comedy'],
    ['u.data', '\t', 'u.item', `1|Toy Story (1995)|01-Jan-1995||http://x|${'0|'.repeat(18)}1`],
  ])('reads MovieLens %s and the catalog beside it', (name, separator, catalog, movie) => {
    const dir = mkdtempSync(join(tmpdir(), 'cprec-data-'));
    try {
      const path = join(dir, name);
      const ratings = [1, 2, 3].map((item) => [1, item, 4, 100 + item].join(separator));
      writeFileSync(path, ratings.join('\n') + '\n');
      writeFileSync(join(dir, catalog), movie + '\n');
      const data = loadData(parseFlags(['--data', path], { DATA_FLAGS }));
      expect(data.format).toBe('movielens');
      expect(data.dataset.numItems).toBe(3);
      expect(data.catalog?.get('1')?.title).toBe('Toy Story');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('marks sessions with --session-gap, and records the gap with the split', () => {
    const argv = ['--data', 'data/online-retail-sample/interactions.csv', '--where', 'quantity>0'];
    const plain = loadData(parseFlags(argv, { DATA_FLAGS }));
    const flags = parseFlags([...argv, '--session-gap', '0'], { DATA_FLAGS });
    const { dataset } = loadData(flags);
    expect(dataset.itemIds[dataset.separator]).toBe(SESSION_SEPARATOR);
    expect(dataset.numItems).toBe(plain.dataset.numItems + 1);
    const events = (d: typeof dataset) => d.train.reduce((n, s) => n + s.length, 0);
    const separators = dataset.train.reduce(
      (n, s) => n + s.filter((id) => id === dataset.separator).length,
      0,
    );
    expect(separators).toBeGreaterThan(0);
    expect(events(dataset)).toBe(events(plain.dataset) + separators);
    expect(dataset.validation.map((c) => dataset.itemIds[c.target])).toEqual(
      plain.dataset.validation.map((c) => plain.dataset.itemIds[c.target]),
    );
    const recorded = JSON.parse(JSON.stringify({ data: splitOptions(flags) }));
    expect(recordedDataFlags(recorded)['session-gap']).toBe(0);
    // Without the flag, model.json's record is what it was before the flag existed.
    const before = JSON.parse(JSON.stringify(splitOptions(parseFlags(argv, { DATA_FLAGS }))));
    expect(before).not.toHaveProperty('session-gap');
  });

  it('notes timestamps that look like milliseconds, and reads them as seconds with --time-unit ms', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-times-'));
    try {
      const write = (scale: number, ...argv: string[]) => {
        const path = join(dir, `times-${scale}.csv`);
        const rows = ['user_id,item_id,timestamp'];
        for (let u = 0; u < 3; u++) {
          for (let j = 0; j < 4; j++)
            rows.push(`u${u},i${(u + j) % 3},${(1.3e9 + j * 60) * scale}`);
        }
        writeFileSync(path, `${rows.join('\n')}\n`);
        return loadData(parseFlags(['--data', path, ...argv], { DATA_FLAGS }));
      };
      expect(describeData(write(1000))).toMatch(
        /1300000060000 s, lies after the year 5000: .* say --time-unit ms/,
      );
      expect(describeData(write(1))).not.toMatch(/time-unit/);
      // 1.3e9 s is 2011-03-13 07:06:40 UTC; the training events are each user's first two.
      expect(describeData(write(1))).toMatch(
        /^training events from 2011-03-13 07:06 to 2011-03-13 07:07 \(timestamps read as seconds\)$/m,
      );
      // Said, the unit reads the same times as seconds, and the split records it for evaluation.
      const ms = write(1000, '--time-unit', 'ms');
      expect(describeData(ms)).not.toMatch(/time-unit/);
      expect(ms.dataset.trainTimes).toEqual(write(1).dataset.trainTimes);
      expect(ms.splitOptions['time-unit']).toBe('ms');
      expect(recordedDataFlags({ data: ms.splitOptions })['time-unit']).toBe('ms');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the filters when they leave fewer than 2 items', () => {
    const flags = parseFlags(
      [
        '--data',
        'data/online-retail-sample/interactions.csv',
        '--where',
        'quantity>0',
        '--min-item-events',
        '1000',
      ],
      { DATA_FLAGS },
    );
    expect(() => loadData(flags)).toThrow(
      /0 items left after the filters \(--where quantity>0, --min-user-events 1, --min-item-events 1000\); a recommender needs at least 2/,
    );
  });
});
