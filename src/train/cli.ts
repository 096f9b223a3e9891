import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { helpText, parseFlags, type FlagSpec, type FlagValues } from './flags';

/**
 * The frame of every command: parse the flags (or print --help), start the tfjs backend named by
 * --backend, run, and turn any error into one line on stderr and exit code 1.
 */
export function runCli(
  usage: string,
  groups: Record<string, Record<string, FlagSpec>>,
  main: (flags: FlagValues) => Promise<void>,
): void {
  (async () => {
    const flags = parseFlags(process.argv.slice(2), groups);
    if (flags.help) {
      console.log(helpText(usage, groups));
      return;
    }
    await tf.setBackend(flags.backend as string);
    await main(flags);
  })().catch((e: Error) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  });
}
