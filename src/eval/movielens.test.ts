import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildDataset } from '../data/dataset';
import { loadMovieLensRatings } from '../data/interactionLoader';
import { fitItemKnn, fitPopularity } from './baselines';
import { evaluateScorer } from './evaluate';

const ratings = fileURLToPath(new URL('../../data/ml-latest-small/ratings.csv', import.meta.url));

describe('ml-latest-small', () => {
  // Figures from the data's README.txt and PROVENANCE.md.
  const dataset = buildDataset(loadMovieLensRatings(ratings));

  it('loads every rating of every user and movie', () => {
    expect(dataset.summary.load.rows).toBe(100836);
    expect(dataset.summary.load.kept).toBe(100836);
    expect(dataset.summary.events).toBe(100836);
    expect(dataset.users.length).toBe(610);
    expect(dataset.numItems).toBe(9724);
    // Every user has at least 20 ratings, so all are evaluated; nobody rates a movie twice.
    expect(dataset.validation.length).toBe(610);
    expect(dataset.summary.trainingOnlyUsers).toBe(0);
    expect(dataset.summary.repeatEvents).toBe(0);
    expect(dataset.summary.trainingEvents).toBe(100836 - 2 * 610);
  });

  it('has a co-occurrence kNN that beats popularity on validation', async () => {
    const popularity = await evaluateScorer(
      dataset,
      dataset.validation,
      fitPopularity(dataset.train, dataset.numItems),
    );
    const knn = await evaluateScorer(
      dataset,
      dataset.validation,
      fitItemKnn(dataset.train, dataset.numItems),
    );
    expect(knn.metrics['NDCG@10']).toBeGreaterThan(popularity.metrics['NDCG@10']);
    expect(knn.metrics['HR@10']).toBeGreaterThan(popularity.metrics['HR@10']);
  });
});
