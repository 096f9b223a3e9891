/** The list of shops (public/models/index.json) could not be used; the message names the field. */
export class ShopListError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShopListError';
  }
}
