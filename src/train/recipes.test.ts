import { describe, expect, it } from 'vitest';
import { DATA_FLAGS, loadData, recordedDataFlags } from './dataFlags';
import { parseFlags } from './flags';
import { readModelJson } from './modelFiles';
import { MODEL_FLAGS } from './presets';
import { recipeDefault, recipeFor, RECIPES } from './recipes';
import { runFromFlags, TRAIN_FLAGS } from './trainFlags';

const SHIPPED = [
  ['ml-latest-small', 'data/ml-latest-small/ratings.csv'],
  ['online-retail', 'data/online-retail/interactions.csv.gz'],
] as const;

describe('the defaults', () => {
  it.each(SHIPPED)(
    'train %s as it was shipped, given only its data options',
    async (name, path) => {
      const shipped = await readModelJson(`public/models/${name}`);
      const recorded = shipped.training.settings as Record<string, unknown>;
      // The data options and --keep-seen, as `npm run evaluate` reads them; no tuning flag.
      const flags = parseFlags(
        ['--data', path, '--seed', String(recorded.seed)],
        { DATA_FLAGS, MODEL_FLAGS, TRAIN_FLAGS },
        recordedDataFlags(shipped.training),
      );
      const keepSeen = flags['keep-seen'];
      expect(keepSeen).toBe(recorded.keepSeen);
      const data = loadData(flags);
      const { config, settings } = runFromFlags(flags, data.dataset.itemCounts);
      // The repeat bias is chosen after training (repeatChoice.ts), as training.repeatChoice records.
      const { repeatBias, repeatBiasBy, ...trained } = shipped.config;
      expect(config).toEqual({ ...trained, repeatBias: [], repeatBiasBy: 'distance' });
      const choice = shipped.training.repeatChoice as { bias: number[]; by?: string } | undefined;
      expect(repeatBias).toEqual(choice?.bias ?? []);
      expect(repeatBiasBy).toBe(choice?.by ?? 'distance');
      expect(choice !== undefined).toBe(keepSeen);
      // The preset's name may be older than its layout, which the config above has checked.
      for (const key of Object.keys(recorded).filter((k) => k !== 'preset')) {
        expect({ [key]: settings[key] }).toEqual({ [key]: recorded[key] });
      }
    },
    60_000,
  );

  it('follow --keep-seen, and say so in the help', () => {
    expect(recipeFor(true)).toBe(RECIPES.repeats);
    expect(recipeFor(false)).toBe(RECIPES.once);
    expect(recipeDefault('targetWindow')).toBe('(default: 5; 1 with --keep-seen)');
    expect(recipeDefault('copyHead')).toBe('(default: off; on with --keep-seen)');
    expect(TRAIN_FLAGS['target-window'].help).toContain(recipeDefault('targetWindow'));
  });
});
