/**
 * The worker that held the model failed after it loaded (an uncaught error there, a crash): every
 * call pending then rejects with this, and so does every later one, since the model is gone.
 * `reason` is what the browser said. Load the model again to go on.
 */
export class RecommenderWorkerError extends Error {
  constructor(
    readonly modelName: string,
    readonly reason: string,
  ) {
    super(`the worker running model "${modelName}" failed: ${reason}; load the model again`);
    this.name = 'RecommenderWorkerError';
  }
}
