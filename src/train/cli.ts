import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  flagGroup,
  helpText,
  parseFlags,
  type AnyFlagValue,
  type FlagGroup,
  type FlagValues,
  type GroupValues,
} from './flags';

/** The tfjs backend every command runs on; wasm is ~8x faster than cpu here (TOOLCHAIN.md). */
export const BACKEND_FLAGS = flagGroup({
  backend: { type: 'string', choices: ['wasm', 'cpu'], default: 'wasm', help: 'tfjs backend' },
});

type CliValues<Groups extends Record<string, FlagGroup>> = GroupValues<Groups> &
  FlagValues<typeof BACKEND_FLAGS>;

/**
 * The frame of every command: parse the flags (or print --help), start the tfjs backend named by
 * --backend, run, and turn any error into one line on stderr and exit code 1.
 *
 * `recorded` (optional) returns defaults read from elsewhere, such as the settings a model was
 * trained with; the flags are parsed again over them, and every flag given on the command line
 * that changes a recorded value is said on stderr.
 */
export function runCli<Groups extends Record<string, FlagGroup>>(
  usage: string,
  groups: Groups,
  main: (flags: CliValues<Groups>) => Promise<void>,
  recorded?: (flags: CliValues<Groups>) => Promise<Record<string, AnyFlagValue>>,
): void {
  const all = { ...groups, Backend: BACKEND_FLAGS };
  const argv = process.argv.slice(2);
  (async () => {
    let flags = parseFlags(argv, all) as CliValues<Groups>;
    if (flags.help) {
      console.log(helpText(usage, all));
      return;
    }
    if (recorded) {
      const defaults = await recorded(flags);
      flags = parseFlags(argv, all, defaults) as CliValues<Groups>;
      for (const [name, value] of Object.entries(defaults)) {
        const given = (flags as Record<string, AnyFlagValue>)[name];
        if (JSON.stringify(given) !== JSON.stringify(value)) {
          console.error(
            `--${name} ${JSON.stringify(given)} overrides the recorded ${JSON.stringify(value)}`,
          );
        }
      }
    }
    await tf.setBackend(flags.backend);
    await main(flags);
  })().catch((e: Error) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  });
}
