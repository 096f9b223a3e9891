/**
 * No tfjs backend this thread may use started: `detail` says why each failed. The page's WASM
 * worker has no CPU backend, so there this sends the page on to the worker with every backend.
 */
export class NoBackendError extends Error {
  constructor(readonly detail: string) {
    super(`no tfjs backend works: ${detail}`);
    this.name = 'NoBackendError';
  }
}
