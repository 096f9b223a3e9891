/**
 * A model.json or weight file that does not follow the format; the message names the field or
 * file. In a module without tfjs, so a page can recognise it when it comes from the worker.
 */
export class ModelFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFormatError';
  }
}
