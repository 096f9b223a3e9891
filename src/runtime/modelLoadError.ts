/**
 * A model file could not be fetched or is not what model.json promises; `file` names it. Kept in
 * a module of its own so pages can catch it without loading tfjs.
 */
export class ModelLoadError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}
