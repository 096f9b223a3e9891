import { afterEach, describe, expect, it, vi } from 'vitest';
import { signalExitCode, STOP_SIGNALS, withStopOnSignals } from './stopOnSignals';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const listeners = () => STOP_SIGNALS.map((s) => process.listenerCount(s));

describe('withStopOnSignals', () => {
  it('turns a stop signal into an abort, says so once, and removes its handlers after', async () => {
    const before = listeners();
    const said: string[] = [];
    const reason = await withStopOnSignals(
      async (signal) => {
        expect(listeners()).toEqual(before.map((n) => n + 1));
        expect(signal.aborted).toBe(false);
        // Delivered as a real signal would be to this process's listeners.
        process.emit('SIGTERM', 'SIGTERM');
        // A sweep forwards the terminal's Ctrl-C to a child that got it already: one request.
        process.emit('SIGTERM', 'SIGTERM');
        return signal.aborted ? signal.reason : null;
      },
      (line) => said.push(line),
    );
    expect(reason).toBe('SIGTERM');
    expect(said).toEqual([
      '\nSIGTERM: stopping after this step, checkpointed there (SIGTERM again ends at once)',
    ]);
    expect(listeners()).toEqual(before);
  });

  it('ends the process at once on the same signal a second or more later', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const before = listeners();
    await withStopOnSignals(
      async () => {
        process.emit('SIGINT', 'SIGINT');
        vi.advanceTimersByTime(999);
        process.emit('SIGINT', 'SIGINT');
        expect(kill).not.toHaveBeenCalled();
        vi.advanceTimersByTime(1);
        process.emit('SIGINT', 'SIGINT');
        // Its own handlers are gone first, so the signal raised again takes its default course.
        expect(listeners()).toEqual(before);
      },
      () => {},
    );
    expect(kill).toHaveBeenCalledExactlyOnceWith(process.pid, 'SIGINT');
  });

  it('gives the exit codes a shell reports for processes those signals end', () => {
    expect(STOP_SIGNALS.map(signalExitCode)).toEqual([130, 143, 129]);
  });
});
