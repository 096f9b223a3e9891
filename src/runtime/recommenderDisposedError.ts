/**
 * A call on a recommender after `dispose()`, or one still pending when it was disposed. In a
 * module of its own, like ModelLoadError, so pages can catch it without loading tfjs.
 */
export class RecommenderDisposedError extends Error {
  constructor(readonly modelName: string) {
    super(`the recommender of model "${modelName}" was disposed`);
    this.name = 'RecommenderDisposedError';
  }
}
