import type { BrowserContext } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogIndex, CatalogShard } from '../src/model/catalogFormat';
import type { ModelJson } from '../src/model/modelFormat';

// The shipped model's catalog shards, as a test reads them and edits what the browser gets.

export const MOVIE_MODEL = '/models/ml-latest-small/';

/** The shipped movie model's model.json, from public/. */
export function movieModelJson(): ModelJson & { catalog: CatalogIndex } {
  return JSON.parse(readFileSync(join('public', MOVIE_MODEL, 'model.json'), 'utf8'));
}

/** Every item of the shipped movie model's catalog, in catalog order. */
export function movieCatalog(): CatalogShard['items'] {
  return movieModelJson().catalog.shards.flatMap(
    ({ path }) =>
      (JSON.parse(readFileSync(join('public', MOVIE_MODEL, path), 'utf8')) as CatalogShard).items,
  );
}

/** The catalog shard holding catalog id `itemId` in the shipped movie model. */
export function shardOfItem(model: ModelJson & { catalog: CatalogIndex }, itemId: string): number {
  const modelId = model.items.indexOf(itemId);
  if (modelId < 1) throw new Error(`${itemId} is not in ${MOVIE_MODEL}model.json`);
  return Math.floor((modelId - 1) / model.catalog.shardSize);
}

/**
 * Serves shard `s` of the movie model's catalog as `edit` changes it, and a model.json whose
 * index gives the edited file's length and SHA-256, which the runtime checks. On the context, so
 * the recommender's worker gets the same model.json.
 */
export async function editCatalogShard(
  context: BrowserContext,
  s: number,
  edit: (shard: CatalogShard) => void,
): Promise<void> {
  const model = movieModelJson();
  const { path } = model.catalog.shards[s];
  const shard = JSON.parse(readFileSync(join('public', MOVIE_MODEL, path), 'utf8')) as CatalogShard;
  edit(shard);
  const body = Buffer.from(`${JSON.stringify(shard)}\n`);
  model.catalog.shards[s] = {
    path,
    bytes: body.byteLength,
    sha256: createHash('sha256').update(body).digest('hex'),
  };
  await context.route(`**${MOVIE_MODEL}model.json`, (route) => route.fulfill({ json: model }));
  await context.route(`**${MOVIE_MODEL}${path}`, (route) =>
    route.fulfill({ body, contentType: 'application/json' }),
  );
}
