/**
 * `cprec <command> [flags]`: the package's bin and the npm scripts' entry (`npm run train --`
 * is `cprec train`). Each command's module loads only when it runs.
 */
import type { Command } from './cli';
import { UsageError } from './flags';
import { signalExitCode, STOP_SIGNALS } from './stopOnSignals';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  train: {
    summary: 'train a CpRec (or NextItNet) model on an interactions CSV and write its files',
    load: () => import('./trainCli'),
  },
  evaluate: {
    summary: "rank a trained model's validation and test cases beside the baselines",
    load: () => import('./evaluateCli'),
  },
  compare: {
    summary: 'train NextItNet and every CpRec sharing scheme alike and tabulate them',
    load: () => import('./compareCli'),
  },
  tune: {
    summary: 'train every configuration of a grid with several seeds and choose on validation',
    load: () => import('./tuneCli'),
  },
  quantize: {
    summary:
      "re-encode a model's weights (fp16, int8, mixed, mixed4, int4, or auto: chosen on validation)",
    load: () => import('./quantizeCli'),
  },
  catalog: {
    summary: "rewrite a model folder's catalog as shards in place (weights untouched)",
    load: () => import('./catalogCli'),
  },
};

function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  return [
    'Usage: cprec <command> [flags]   (cprec <command> --help lists its flags)',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}${summary}`),
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(helpText());
    return;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    throw new UsageError(
      `unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')})`,
    );
  }
  const { command } = await entry.load();
  await command.run(rest);
}

main(process.argv.slice(2)).catch((e: Error & { reason?: unknown }) => {
  // A stop the user asked for (trainer.ts's TrainingStopped) is no error: it ends as the signal would.
  if (e.name === 'TrainingStopped') {
    console.error(e.message);
    const signal = STOP_SIGNALS.find((s) => s === e.reason);
    process.exit(signal ? signalExitCode(signal) : 1);
  }
  console.error(`error: ${e.message}`);
  process.exit(1);
});
