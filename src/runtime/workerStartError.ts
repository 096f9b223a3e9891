/**
 * A module worker could not start: a Content-Security-Policy forbids it, the browser has no
 * module workers, or its script did not load. `script` names the script it was to run. The
 * recommender then loads on the page's main thread instead.
 */
export class WorkerStartError extends Error {
  constructor(
    readonly script: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the worker ${script} could not start: ${reason}`, options);
    this.name = 'WorkerStartError';
  }
}
