/**
 * Training for the ranking the model will ship with (`--table-prior w`): the item table the
 * runtime mixes in, p = (1 - w) p_network + w q (src/model/sparseMixture.ts), mixed into each
 * training target's likelihood too (CpRec.loss's `prior`). Where the table already gives a target
 * much of its mass, the network's gradient there shrinks, so its capacity goes to what the table
 * leaves.
 */
import type { ItemKnnTable } from '../eval/baselines';
import { tableDistribution, type ItemTable } from '../model/itemTable';
import { shippedTable, TABLE_POWER } from './tableChoice';

/** Entries kept per item in the table trained against. */
export const TABLE_PRIOR_SIZE = 10;

/** The table's probability of each position's target after the position's window history. */
export type TargetPrior = (
  inputs: Int32Array,
  targets: Int32Array,
  maxLength: number,
) => Float32Array;

/** The table trained against: the kNN's kept to TABLE_PRIOR_SIZE entries, as it would ship. */
export function priorTable(full: ItemKnnTable, weight: number): ItemTable {
  const { historyLength, recencyDecay } = full.options;
  const { rows } = shippedTable(full, TABLE_PRIOR_SIZE);
  return { rows, weight, power: TABLE_POWER, historyLength, recencyDecay };
}

/**
 * q(target) at every position of [B, T] windows (0 where there is no target or no vote); the
 * history is the window up to the position, and with `excludeSeen` its items take no mass, as the
 * loss masks them.
 */
export function tablePrior(table: ItemTable, excludeSeen: boolean): TargetPrior {
  const none = new Set<number>();
  return (inputs, targets, maxLength) => {
    const probs = new Float32Array(inputs.length);
    for (let start = 0; start < inputs.length; start += maxLength) {
      // Windows are left-padded: the history starts at the first item.
      let first = start;
      while (first < start + maxLength && inputs[first] === 0) first++;
      for (let at = first; at < start + maxLength; at++) {
        if (targets[at] === 0) continue;
        const history = inputs.subarray(first, at + 1);
        const exclude = excludeSeen ? new Set(history) : none;
        probs[at] =
          tableDistribution(table.rows, table, history, table.power, exclude).get(targets[at]) ?? 0;
      }
    }
    return probs;
  };
}
