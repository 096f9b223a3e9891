/**
 * A sweep's finished run brought to how train would ship it, for runs trained before a step
 * existed or changed: on repeat data its repeat bias chosen by the current rule, then its item
 * tables measured.
 */
import type { Dataset } from '../data/dataset';
import type { ItemKnnTable } from '../eval/baselines';
import { readModelJson } from './modelFiles';
import { REPEAT_RULE, repeatBeside } from './repeatChoice';
import { tableBeside } from './tableChoice';

/**
 * What the folder still needs, done: its lines, or none when it has a bias by the current rule
 * (or needs none) and `hasTables`. A new bias means its tables are measured again.
 */
export async function runAsShipped(
  modelDir: string,
  name: string,
  dataset: Dataset,
  { keepSeen, hasTables }: { keepSeen: boolean; hasTables: boolean },
  full: () => ItemKnnTable,
): Promise<string[]> {
  const { repeatChoice } = (await readModelJson(modelDir)).training as {
    repeatChoice?: { rule?: unknown };
  };
  // Missing, or chosen by an older rule (before train chose one, or before it went by age).
  const unbiased = keepSeen && repeatChoice?.rule !== REPEAT_RULE;
  if (hasTables && !unbiased) return [];
  const lines = unbiased ? [await repeatBeside(modelDir, dataset)] : [];
  lines.push(await tableBeside(modelDir, name, dataset, keepSeen, full()));
  return lines;
}
