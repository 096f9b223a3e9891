/** For every position of [B, T] row-major inputs: the non-padding ids of its row up to it. */
export function seenBefore(inputs: Int32Array, t: number): number[][] {
  const out: number[][] = [];
  for (let row = 0; row < inputs.length / t; row++) {
    const seen: number[] = [];
    for (let i = 0; i < t; i++) {
      const id = inputs[row * t + i];
      if (id !== 0 && !seen.includes(id)) seen.push(id);
      out.push([...seen]);
    }
  }
  return out;
}
