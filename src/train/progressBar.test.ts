import { describe, expect, it, vi } from 'vitest';
import { ProgressBar } from './progressBar';

/** A stream that keeps what is written; a terminal or not. */
function stream(isTTY: boolean) {
  const written: string[] = [];
  const out = { isTTY, write: (text: string) => written.push(text) > 0 };
  return { out: out as unknown as NodeJS.WriteStream, written };
}

describe('ProgressBar', () => {
  it('shows training steps and other long work with a bar, a count and an ETA', () => {
    const { out, written } = stream(false);
    const bar = new ProgressBar(out, 0);
    bar.startEpoch();
    bar.update({ epoch: 2, epochs: 40, step: 6, steps: 24, loss: 1.23456 });
    bar.progress('item tables', 5, 10, 'cases');
    expect(written[0]).toMatch(
      /^epoch 2\/40 \[######\.{18}\] step 6\/24 loss 1\.2346 [\d.]+ steps\/s ETA \d+:\d\d\n$/,
    );
    expect(written[1]).toMatch(
      /^item tables \[#{12}\.{12}\] 5\/10 cases [\d.]+ cases\/s ETA \d+:\d\d\n$/,
    );
  });

  it("leaves a resumed epoch's earlier steps out of the speed and the ETA", () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const { out, written } = stream(false);
      const bar = new ProgressBar(out, 0);
      bar.startEpoch(100);
      vi.advanceTimersByTime(10_000);
      bar.update({ epoch: 3, epochs: 40, step: 110, steps: 200, loss: 1 });
      expect(written[0]).toMatch(/ step 110\/200 loss 1\.0000 1\.00 steps\/s ETA 1:30\n$/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('redraws one line on a terminal; elsewhere writes a line now and then, and at the end', () => {
    const tty = stream(true);
    new ProgressBar(tty.out, 0).progress('item tables', 1, 4, 'cases');
    expect(tty.written).toHaveLength(1);
    expect(tty.written[0].startsWith('\ritem tables [######..................] 1/4 cases ')).toBe(
      true,
    );
    expect(tty.written[0].endsWith('\x1b[K')).toBe(true);
    const piped = stream(false);
    const bar = new ProgressBar(piped.out, Number.MAX_SAFE_INTEGER);
    bar.startEpoch();
    for (let done = 1; done <= 4; done++) bar.progress('item tables', done, 4, 'cases');
    // Never the interval here, so only the last step.
    expect(piped.written.map((line) => line.match(/(\d)\/4 cases/)?.[1])).toEqual(['4']);
  });
});
