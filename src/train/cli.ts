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

/** One subcommand of `cprec` (src/train/cprecCli.ts). */
export interface Command {
  /** Parses `argv` (the arguments after the command's name), then runs; errors propagate. */
  run(argv: readonly string[]): Promise<void>;
}

/**
 * The frame of every command: parse the flags (or print --help), start the tfjs backend named by
 * --backend, run.
 *
 * `recorded` (optional) returns defaults read from elsewhere, such as the settings a model was
 * trained with; the flags are parsed again over them, and every flag given on the command line
 * that changes a recorded value is said on stderr.
 */
export function defineCommand<Groups extends Record<string, FlagGroup>>(
  usage: string,
  groups: Groups,
  main: (flags: CliValues<Groups>, argv: readonly string[]) => Promise<void>,
  recorded?: (flags: CliValues<Groups>) => Promise<Record<string, AnyFlagValue>>,
): Command {
  const all = { ...groups, Backend: BACKEND_FLAGS };
  return {
    async run(argv) {
      let flags = parseFlags([...argv], all) as CliValues<Groups>;
      if (flags.help) {
        console.log(helpText(usage, all));
        return;
      }
      if (recorded) {
        const defaults = await recorded(flags);
        flags = parseFlags([...argv], all, defaults) as CliValues<Groups>;
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
      await main(flags, argv);
    },
  };
}
