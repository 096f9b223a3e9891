import type { CatalogItem } from '../src/runtime';

/**
 * An entry's price: `price` is a field of the shop's own that catalog readers keep
 * (docs/model-format.md); null when the entry has none or it is not a non-negative number.
 */
export function priceOf(item: CatalogItem): number | null {
  const { price } = item as CatalogItem & { price?: unknown };
  return typeof price === 'number' && Number.isFinite(price) && price >= 0 ? price : null;
}

/** "£2.95" in the shop's currency, "2.95" without one. */
export function formatPrice(price: number, currency: string | null): string {
  const format = currency
    ? new Intl.NumberFormat('en-GB', { style: 'currency', currency })
    : new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return format.format(price);
}
