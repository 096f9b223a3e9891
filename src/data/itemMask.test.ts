import { describe, expect, it } from 'vitest';
import { maskItems } from './itemMask';
import { mulberry32 } from './random';

describe('maskItems', () => {
  it('hides about `rate` of the items, never adds one, and keeps padding', () => {
    const inputs = Int32Array.from({ length: 20_000 }, (_, i) => (i % 10 === 0 ? 0 : (i % 97) + 1));
    const out = maskItems(inputs, 0.2, mulberry32(5));
    let hidden = 0;
    for (let i = 0; i < inputs.length; i++) {
      if (out[i] !== inputs[i]) {
        expect(out[i]).toBe(0);
        hidden++;
      }
    }
    const items = inputs.filter((id) => id !== 0).length;
    expect(Math.abs(hidden / items - 0.2)).toBeLessThan(0.01);
    expect(inputs.filter((id) => id === 0).length).toBe(2_000);
  });

  it('is the identity at rate 0 and names a bad rate', () => {
    const inputs = Int32Array.of(1, 2, 3);
    expect(maskItems(inputs, 0, Math.random)).toBe(inputs);
    expect(() => maskItems(inputs, 1, Math.random)).toThrow(
      'item mask rate must be in [0, 1), got 1',
    );
    expect(() => maskItems(inputs, -0.1, Math.random)).toThrow(/got -0\.1/);
  });
});
