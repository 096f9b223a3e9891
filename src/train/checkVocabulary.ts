import type { Dataset } from '../data/dataset';

/** The model must index items exactly as this data's split does, or no figure would mean anything. */
export function checkVocabulary(
  modelItems: readonly string[],
  dataset: Dataset,
  fix = 'evaluate with the data and filters the model was trained on',
): void {
  if (modelItems.length !== dataset.itemIds.length) {
    throw new Error(
      `the model knows ${modelItems.length - 1} items, the data has ${dataset.numItems}: ` + fix,
    );
  }
  const at = modelItems.findIndex((id, i) => id !== dataset.itemIds[i]);
  if (at >= 0) {
    throw new Error(
      `model id ${at} is item "${modelItems[at]}" in the model but "${dataset.itemIds[at]}" ` +
        `in the data: ${fix}`,
    );
  }
}
