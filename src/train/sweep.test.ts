import { describe, expect, it } from 'vitest';
import {
  chooseConfiguration,
  chooseRun,
  rowTable,
  screenConfigurations,
  summarize,
  type RunOutcome,
  type SweepRow,
} from './sweep';
import { sweepChart, sweepMarkdown, type SweepReport } from './sweepReport';

const outcome = (
  configuration: string,
  seed: number,
  validation: number,
  test: number,
  parameters = 1000,
): RunOutcome => ({
  configuration,
  seed,
  parameters,
  weightBytes: parameters * 4,
  secondsPerEpoch: 10,
  bestEpoch: 5,
  epochs: 10,
  validation: { 'NDCG@10': validation, 'HR@10': 2 * validation },
  test: { 'NDCG@10': test, 'HR@10': 2 * test },
});

const configurations = ['a', 'b', 'c'].map((name) => ({ name, flags: {} }));

/** A sweep report of `rows` with placeholder command, machine and data, and no baselines. */
const plainReport = (rows: SweepRow[]): SweepReport => ({
  name: 'g',
  command: 'npm run tune',
  machine: 'm',
  date: 'd',
  dataSummary: 's',
  rows,
  baselines: [],
});

describe('the choice rule', () => {
  it('picks the best mean validation NDCG@10 where another row is best on test', () => {
    const rows = summarize(
      configurations,
      [
        outcome('a', 1, 0.1, 0.3),
        outcome('a', 2, 0.12, 0.32),
        outcome('b', 1, 0.2, 0.1),
        outcome('b', 2, 0.18, 0.12),
        outcome('c', 1, 0.15, 0.2),
        outcome('c', 2, 0.15, 0.2),
      ],
      2,
    );
    expect(chooseConfiguration(rows)?.configuration).toBe('b');
    const plain = plainReport(rows);
    const markdown = sweepMarkdown(plain);
    expect(markdown).toMatch(
      /\| \*\*b\*\* \(chosen\) \| 2 \| 1,000 \| 4 \| 10 \| 5\.0 ± 0\.0 \| 0\.1900 ± 0\.0141 \|/,
    );
    expect(markdown).toContain('Chosen by the rule');
    expect(markdown).not.toContain('![');
    const report = {
      ...plain,
      baselines: [
        {
          name: 'item-knn',
          validation: { 'NDCG@10': 0.3, 'HR@10': 0.5 },
          test: { 'NDCG@10': 0.25, 'HR@10': 0.4 },
        },
      ],
      chart: 'tuning-g.svg',
    };
    expect(sweepMarkdown(report)).toContain(
      '![NDCG@10 against weight bytes](tuning-g.svg)\n\nChosen',
    );
    expect(sweepMarkdown({ ...report, unfinished: ['d', 'e'] })).toContain(
      '| _item-knn_ |  |  |  |  |  | 0.3000 | 0.5000 | 0.2500 | 0.4000 |\n\nNot finished with any seed yet: d, e.\n\n![',
    );
    const popularity = {
      name: 'most-popular',
      validation: { 'NDCG@10': 0.01, 'HR@10': 0.02 },
      test: { 'NDCG@10': 0.01, 'HR@10': 0.02 },
    };
    const svg = sweepChart({ ...report, baselines: [...report.baselines, popularity] });
    // Two panels (validation, test), each a marker and a legend marker per configuration.
    expect(svg.match(/<circle/g)).toHaveLength(2 * 2 * rows.length);
    expect(svg).toContain('validation NDCG@10 against model size');
    expect(svg).toContain('item-knn');
    // Under half the lowest configuration's figure, a baseline stays in the table only.
    expect(svg).not.toContain('most-popular');
  });

  it('passes over configurations whose seeds are not all finished', () => {
    const rows = summarize(
      configurations,
      [outcome('a', 1, 0.1, 0.1), outcome('a', 2, 0.1, 0.1), outcome('b', 1, 0.5, 0.5)],
      2,
    );
    expect(rows.map((r) => [r.configuration, r.seeds])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(chooseConfiguration(rows)?.configuration).toBe('a');
    expect(chooseConfiguration(rows.slice(1))).toBeNull();
  });

  it('breaks a tie by fewer parameters', () => {
    const rows = summarize(
      configurations,
      [outcome('a', 1, 0.1, 0.1, 2000), outcome('b', 1, 0.1, 0.1, 1000)],
      1,
    );
    expect(chooseConfiguration(rows)?.configuration).toBe('b');
  });

  it('under a parameter cap, passes over larger configurations and says so', () => {
    const rows = summarize(
      configurations,
      [
        outcome('a', 1, 0.1, 0.1, 1000),
        outcome('b', 1, 0.3, 0.1, 3000),
        outcome('c', 1, 0.2, 0.1, 2000),
      ],
      1,
    );
    expect(chooseConfiguration(rows)?.configuration).toBe('b');
    expect(chooseConfiguration(rows, 2999)?.configuration).toBe('c');
    expect(chooseConfiguration(rows, 2000)?.configuration).toBe('c');
    expect(chooseConfiguration(rows, 999)).toBeNull();
    const report = { ...plainReport(rows), screen: 1 };
    const capped = sweepMarkdown({ ...report, maxParameters: 2000 });
    expect(capped).toContain('| **c** (chosen) |');
    expect(capped).toContain('and at most 2,000 parameters): **c**');
    expect(capped).toContain('validation NDCG@10 among those the choice allows go on');
    expect(sweepMarkdown(report)).toContain('every seed finished): **b**');
  });

  it("ships the chosen configuration's best seed on validation, never on test", () => {
    const runs = [
      outcome('a', 1, 0.2, 0.5),
      outcome('b', 1, 0.1, 0.9),
      outcome('b', 2, 0.15, 0.1),
      outcome('b', 3, 0.15, 0.2),
    ];
    expect(chooseRun(runs, 'b')?.seed).toBe(2);
    expect(chooseRun(runs, 'a')?.seed).toBe(1);
    expect(chooseRun(runs, 'c')).toBeNull();
  });
});

describe('the choice rule as the models would ship (with their item tables)', () => {
  /** A run with its table candidates: no table (its own figures) and two tables. */
  const withTables = (
    o: RunOutcome,
    small: [number, number],
    large: [number, number],
  ): RunOutcome => ({
    ...o,
    tables: [
      {
        k: null,
        weight: 0,
        bytes: 0,
        validation: o.validation['NDCG@10'],
        test: o.test['NDCG@10'],
      },
      { k: 5, weight: 0.1, bytes: 100, validation: small[0], test: small[1] },
      { k: 25, weight: 0.1, bytes: 1000, validation: large[0], test: large[1] },
    ],
  });

  it('compares each configuration with the table the table rule chooses for it, never reading test', () => {
    const runs = [
      // a: the best network alone, which no table lifts.
      withTables(outcome('a', 1, 0.2, 0.2), [0.15, 0.3], [0.15, 0.3]),
      withTables(outcome('a', 2, 0.2, 0.2), [0.15, 0.3], [0.15, 0.3]),
      // b: behind alone, ahead with its small table (the large one is within 1% of it).
      withTables(outcome('b', 1, 0.1, 0.1), [0.25, 0.1], [0.251, 0.1]),
      withTables(outcome('b', 2, 0.1, 0.1), [0.23, 0.1], [0.231, 0.1]),
      // c: the best test figures with a table, behind on validation.
      withTables(outcome('c', 1, 0.1, 0.1), [0.2, 0.9], [0.2, 0.9]),
      withTables(outcome('c', 2, 0.1, 0.1), [0.2, 0.9], [0.2, 0.9]),
    ];
    const rows = summarize(configurations, runs, 2);
    expect(rows[1].tables?.map((t) => [t.k, t.validation])).toEqual([
      [null, [0.1, 0.1]],
      [5, [0.25, 0.23]],
      [25, [0.251, 0.231]],
    ]);
    expect(chooseConfiguration(rows)?.configuration).toBe('a');
    const chosen = chooseConfiguration(rows, Infinity, true);
    expect(chosen?.configuration).toBe('b');
    expect(rowTable(chosen!)).toMatchObject({ k: 5, weight: 0.1 });
    expect(rowTable(rows[0])).toMatchObject({ k: null });
    // Its seed that ships: the better with that table.
    expect(chooseRun(runs, 'b', rowTable(chosen!))?.seed).toBe(1);

    const markdown = sweepMarkdown({ ...plainReport(rows), asShipped: true });
    expect(markdown).toContain(
      '| **b** (chosen) | 2 | 1,000 | 4 | 10 | 5.0 ± 0.0 | 0.1000 ± 0.0000 | 0.2000 ± 0.0000 | 0.1000 ± 0.0000 | 0.2000 ± 0.0000 | 5 per item, w = 0.1, 0 KB | 0.2400 ± 0.0141 | 0.1000 ± 0.0000 | 4 (float32) |',
    );
    expect(markdown).toContain(
      '| a | 2 | 1,000 | 4 | 10 | 5.0 ± 0.0 | 0.2000 ± 0.0000 | 0.4000 ± 0.0000 | 0.2000 ± 0.0000 | 0.4000 ± 0.0000 | none |',
    );
    expect(markdown).toContain(
      '(the fewest bytes as shipped (weights in the encoding the encoding rule keeps for the seed that would ship, beside its item table; float32 where that is not measured) among the configurations with every seed finished and their tables measured whose mean validation NDCG@10, with the item table the table rule chooses for each, is within 1% of the best): **b** with 5 per item at weight 0.1, validation 0.2400 ± 0.0141, test 0.1000 ± 0.0000',
    );
  });

  it('takes the fewest bytes within 1% of the best as shipped, never reading test', () => {
    // a: a small table; b: 0.8% ahead of a with its large one; c: more than 1% ahead of a.
    const runs = (bValidation: number, cValidation: number) => [
      withTables(outcome('a', 1, 0.1, 0.9), [0.25, 0.9], [0.1, 0.9]),
      withTables(outcome('b', 1, 0.1, 0.1), [0.1, 0.1], [bValidation, 0.1]),
      withTables(outcome('c', 1, 0.1, 0.1), [0.1, 0.1], [cValidation, 0.1]),
    ];
    const choose = (b: number, c: number) =>
      chooseConfiguration(summarize(configurations, runs(b, c), 1), Infinity, true)?.configuration;
    expect(choose(0.252, 0.1)).toBe('a');
    expect(choose(0.252, 0.2526)).toBe('c');
    expect(choose(0.252, 0.2522)).toBe('a');
    // Equal bytes: the better.
    expect(choose(0.2535, 0.2522)).toBe('b');
    // The network's own bytes count too: c's small table wins over a's large one, unless c's
    // weights are ten times a's.
    const tables = [
      withTables(outcome('a', 1, 0.1, 0.1), [0.1, 0.1], [0.25, 0.1]),
      withTables(outcome('c', 1, 0.1, 0.1), [0.2524, 0.1], [0.1, 0.1]),
    ];
    const heavy = (factor: number) =>
      chooseConfiguration(
        summarize(
          configurations,
          tables.map((o) =>
            o.configuration === 'c' ? { ...o, weightBytes: factor * o.weightBytes } : o,
          ),
          1,
        ),
        Infinity,
        true,
      )?.configuration;
    expect(heavy(1)).toBe('c');
    expect(heavy(10)).toBe('a');
  });

  it('sizes each configuration by the encoding measured for the seed that would ship, with its table', () => {
    // a and b level within 1%; in float32 a is smaller (its table), as encoded b is.
    const a = withTables(outcome('a', 1, 0.1, 0.9), [0.25, 0.9], [0.1, 0.1]);
    const b = [
      withTables(outcome('b', 1, 0.1, 0.1), [0.1, 0.1], [0.251, 0.1]),
      withTables(outcome('b', 2, 0.1, 0.1), [0.1, 0.1], [0.2505, 0.1]),
    ].map((o) => ({ ...o, weightBytes: 2 * o.weightBytes }));
    const k25 = { k: 25, weight: 0.1 };
    const int4 = { kind: 'int4', bytes: 500 };
    const choose = (bRuns: RunOutcome[]) => {
      const rows = summarize(configurations, [a, { ...a, seed: 2 }, ...bRuns], 2);
      return { rows, chosen: chooseConfiguration(rows, Infinity, true)?.configuration };
    };
    // Float32 bytes: a (4,000 + 100) against b (8,000 + 1,000).
    expect(choose(b).chosen).toBe('a');
    // b's seed 1 would ship; as int4 beside its table it is 500 + 1,000 bytes.
    const encoded = choose([{ ...b[0], encoded: { table: k25, ...int4 } }, b[1]]);
    expect(encoded.rows[1].encoded).toEqual({ seed: 1, table: k25, ...int4 });
    expect(encoded.chosen).toBe('b');
    expect(sweepMarkdown({ ...plainReport(encoded.rows), asShipped: true })).toContain(
      '| 25 per item, w = 0.1, 1 KB | 0.2508 ± 0.0004 | 0.1000 ± 0.0000 | 2 (int4, seed 1) |',
    );
    // Measured beside another table, or for the seed that would not ship: float32 again.
    expect(
      choose([{ ...b[0], encoded: { table: { k: 5, weight: 0.1 }, ...int4 } }, b[1]]).chosen,
    ).toBe('a');
    expect(choose([b[0], { ...b[1], encoded: { table: k25, ...int4 } }]).chosen).toBe('a');
  });

  it('compares only the candidates of the table grid, whatever older runs measured beside them', () => {
    const older = withTables(outcome('a', 1, 0.1, 0.1), [0.2, 0.1], [0.2, 0.1]);
    const runs = [
      // Measured when the grid held 100 per item too: that candidate, the best, is left out.
      {
        ...older,
        tables: [
          ...older.tables!,
          { k: 100, weight: 0.25, bytes: 9000, validation: 0.9, test: 0.9 },
        ],
      },
      withTables(outcome('a', 2, 0.1, 0.1), [0.2, 0.1], [0.2, 0.1]),
    ];
    const [row] = summarize(configurations, runs, 2);
    expect(row.tables?.map((t) => t.k)).toEqual([null, 5, 25]);
    expect(rowTable(row)).toMatchObject({ k: 5, validation: [0.2, 0.2] });
  });

  it('passes over configurations whose runs lack tables, or measured other candidates', () => {
    const runs = [
      outcome('a', 1, 0.5, 0.5),
      withTables(outcome('b', 1, 0.1, 0.1), [0.2, 0.1], [0.2, 0.1]),
      withTables(outcome('c', 1, 0.1, 0.1), [0.3, 0.1], [0.3, 0.1]),
      { ...withTables(outcome('c', 2, 0.1, 0.1), [0.3, 0.1], [0.3, 0.1]), tables: [] },
    ];
    const rows = summarize(configurations, runs, 1);
    expect(rows.map((r) => r.tables !== undefined)).toEqual([false, true, false]);
    expect(chooseConfiguration(rows, Infinity, true)?.configuration).toBe('b');
    expect(sweepMarkdown({ ...plainReport(rows), asShipped: true })).toContain(
      '| 0.5000 | 1.0000 | not measured |  |  |  |',
    );
    expect(chooseConfiguration(rows.slice(0, 1), Infinity, true)).toBeNull();
    expect(sweepMarkdown({ ...plainReport(rows.slice(0, 1)), asShipped: true })).toContain(
      'No configuration has every seed finished and its tables measured yet',
    );
  });
});

describe('screening', () => {
  it('keeps the best first seeds on validation, in grid order, never reading test', () => {
    const firsts = [
      outcome('a', 1, 0.1, 0.9),
      outcome('b', 1, 0.3, 0.1),
      outcome('c', 1, 0.2, 0.2),
      outcome('a', 2, 0.9, 0.9),
    ];
    const names = (keep: number) =>
      screenConfigurations(firsts, configurations, keep).map((c) => c.name);
    expect(names(1)).toEqual(['b']);
    expect(names(2)).toEqual(['b', 'c']);
    expect(names(5)).toEqual(['a', 'b', 'c']);
  });

  it('keeps only configurations the choice allows under a parameter cap', () => {
    const firsts = [
      outcome('a', 1, 0.1, 0, 1000),
      outcome('b', 1, 0.3, 0, 3000),
      outcome('c', 1, 0.2, 0, 2000),
    ];
    const names = (keep: number, cap: number) =>
      screenConfigurations(firsts, configurations, keep, cap).map((c) => c.name);
    expect(names(1, 2000)).toEqual(['c']);
    expect(names(2, 2000)).toEqual(['a', 'c']);
    expect(names(1, 3000)).toEqual(['b']);
  });

  it('breaks ties by grid order and passes over configurations without a first seed', () => {
    const firsts = [outcome('b', 1, 0.2, 0), outcome('c', 1, 0.2, 0), outcome('a', 2, 0.5, 0)];
    expect(screenConfigurations(firsts, configurations, 1).map((c) => c.name)).toEqual(['b']);
    expect(screenConfigurations(firsts, configurations, 3).map((c) => c.name)).toEqual(['b', 'c']);
  });
});
