import { describe, expect, it } from 'vitest';
import { formatPrice, priceOf } from './price';

describe('priceOf', () => {
  it('reads a non-negative numeric price and ignores anything else', () => {
    const item = (price: unknown) => ({ id: '1', title: 'Mug', price });
    expect(priceOf(item(2.95))).toBe(2.95);
    expect(priceOf(item(0))).toBe(0);
    for (const bad of [undefined, '2.95', -1, Number.NaN, Number.POSITIVE_INFINITY, null]) {
      expect(priceOf(item(bad))).toBeNull();
    }
    expect(priceOf({ id: '2', title: 'Heat', year: 1995 })).toBeNull();
  });
});

describe('formatPrice', () => {
  it('shows the currency when the shop has one, two decimals either way', () => {
    expect(formatPrice(2.5, 'GBP')).toBe('£2.50');
    expect(formatPrice(1234.5, 'EUR')).toBe('€1,234.50');
    expect(formatPrice(2.5, null)).toBe('2.50');
  });
});
