/**
 * Ctrl-C, `kill` and a closed terminal as a request to stop training (TrainOptions.signal): the
 * trainer finishes its step, checkpoints there and throws a TrainingStopped, where the process
 * would otherwise die mid-epoch and lose the epoch's steps since its last checkpoint.
 */
import { constants } from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * A repeat within this many milliseconds is the same request: Ctrl-C reaches a sweep's training
 * children both from the terminal and forwarded by the sweep (sweepRun.ts).
 */
const REPEAT_MS = 1000;

/**
 * Runs `work` with the stop signals aborting the AbortSignal it is given; `say` tells the user
 * once. The same signal again, a second or more later, ends the process at once as it would
 * without this. The handlers are removed when `work` settles.
 */
export async function withStopOnSignals<T>(
  work: (signal: AbortSignal) => Promise<T>,
  say: (line: string) => void,
): Promise<T> {
  const controller = new AbortController();
  let first = 0;
  const remove = () => STOP_SIGNALS.forEach((s) => process.off(s, onSignal));
  function onSignal(name: StopSignal): void {
    if (!controller.signal.aborted) {
      first = performance.now();
      say(`\n${name}: stopping after this step, checkpointed there (${name} again ends at once)`);
      controller.abort(name);
    } else if (performance.now() - first >= REPEAT_MS) {
      remove();
      process.kill(process.pid, name);
    }
  }
  STOP_SIGNALS.forEach((s) => process.on(s, onSignal));
  try {
    return await work(controller.signal);
  } finally {
    remove();
  }
}

/** The exit code of a process ended by `name` (128 + its number), as a shell reports it. */
export function signalExitCode(name: StopSignal): number {
  return 128 + constants.signals[name];
}
