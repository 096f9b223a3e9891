import { describe, expect, it } from 'vitest';
import { fitItemKnnTable } from '../eval/baselines';
import { CpRec } from '../model/cprec';
import { tableMixture } from '../model/itemTable';
import { randomize, useBackend } from '../testing/backends';
import { priorTable, tablePrior } from './tablePrior';

const NUM_ITEMS = 12;
// Sequences with shared pairs, so that the table votes for some targets and not others.
const TRAIN = Array.from({ length: 30 }, (_, u) =>
  Int32Array.from({ length: 7 }, (_, j) => ((u * 5 + j * (1 + (u % 3))) % NUM_ITEMS) + 1),
);

describe('tablePrior', () => {
  it.each([true, false])(
    "trains on the likelihood the runtime's mixture ranks with (seen items excluded: %s)",
    async (excludeSeen) => {
      await useBackend('cpu');
      const t = 6;
      const model = new CpRec({
        numItems: NUM_ITEMS,
        cutoffs: [4, 8],
        d: 16,
        numBlocks: 1,
        maxLength: t,
      });
      randomize(model.params, 3);
      const table = priorTable(fitItemKnnTable(TRAIN, NUM_ITEMS), 0.2);
      // Targets at each window's last position, and one mid-window, whose history is the window
      // up to it. The table votes for some of the targets, not for all.
      const windows = [[1, 2], [3, 7, 4, 9, 2], [5], [8, 1, 6, 11, 12, 2]];
      const cases: { row: number; length: number; target: number }[] = [
        { row: 0, length: 2, target: 3 },
        { row: 1, length: 5, target: excludeSeen ? 10 : 7 },
        { row: 1, length: 3, target: excludeSeen ? 11 : 9 },
        { row: 2, length: 1, target: 10 },
        { row: 3, length: 6, target: 4 },
      ];
      const inputs = new Int32Array(windows.length * t);
      windows.forEach((w, row) => inputs.set(w, (row + 1) * t - w.length));
      const at = ({ row, length }: { row: number; length: number }) =>
        (row + 1) * t - windows[row].length + length - 1;
      const grid = new Int32Array(windows.length * t);
      for (const c of cases) grid[at(c)] = c.target;
      const probs = tablePrior(table, excludeSeen)(inputs, grid, t);
      expect(probs.filter((q, i) => q > 0 && grid[i] === 0)).toHaveLength(0);
      const voted = cases.filter((c) => probs[at(c)] > 0).length;
      expect(voted).toBeGreaterThan(0);
      expect(voted).toBeLessThan(cases.length);

      const loss = (
        await model
          .loss(inputs, grid, windows.length, {
            maskSeen: excludeSeen,
            prior: { weight: table.weight, probs },
          })
          .data()
      )[0];
      // Reference: each target's own loss without the prior (seen items masked as training masks
      // them), mixed with the probability the runtime's table mixture gives it after its history.
      let sum = 0;
      for (const c of cases) {
        const alone = new Int32Array(grid.length);
        alone[at(c)] = c.target;
        const nll = (
          await model.loss(inputs, alone, windows.length, { maskSeen: excludeSeen }).data()
        )[0];
        const history = windows[c.row].slice(0, c.length);
        const exclude = new Set(excludeSeen ? history : []);
        const q = tableMixture(table, history, exclude)?.probs.get(c.target) ?? 0;
        sum -= Math.log((1 - table.weight) * Math.exp(-nll) + table.weight * q);
      }
      expect(loss).toBeCloseTo(sum / cases.length, 4);
      model.dispose();
    },
  );
});
