import { parseArgs } from 'node:util';

/** One command-line flag: its type, default and help line; `--help` is generated from these. */
export interface FlagSpec {
  type: 'string' | 'number' | 'boolean' | 'list';
  help: string;
  default?: string | number | boolean;
  choices?: readonly string[];
  required?: boolean;
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function helpText(usage: string, groups: Record<string, Record<string, FlagSpec>>): string {
  const lines = [`Usage: ${usage}`, ''];
  for (const [group, specs] of Object.entries(groups)) {
    lines.push(`${group}:`);
    for (const [name, spec] of Object.entries(specs)) {
      const arg =
        spec.type === 'boolean' ? '' : spec.choices ? ` <${spec.choices.join('|')}>` : ' <value>';
      const def = spec.required
        ? ' (required)'
        : spec.default !== undefined
          ? ` (default: ${spec.default})`
          : '';
      const left = `  --${name}${arg}`;
      lines.push(
        left.length < 34
          ? left.padEnd(34) + spec.help + def
          : `${left}\n${' '.repeat(34)}${spec.help}${def}`,
      );
    }
    lines.push('');
  }
  lines.push('  --help'.padEnd(34) + 'show this help');
  return lines.join('\n');
}

/** Parses argv against the specs; errors name the flag and the bad value. */
export function parseFlags(
  argv: string[],
  groups: Record<string, Record<string, FlagSpec>>,
): FlagValues {
  const specs: Record<string, FlagSpec> = Object.assign({}, ...Object.values(groups));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean' },
        ...Object.fromEntries(
          Object.entries(specs).map(([name, s]) => [
            name,
            { type: s.type === 'boolean' ? 'boolean' : 'string', multiple: s.type === 'list' },
          ]),
        ),
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const values: FlagValues = { help: parsed.values.help === true };
  for (const [name, spec] of Object.entries(specs)) {
    const raw = (parsed.values as Record<string, string | string[] | boolean | undefined>)[name];
    if (raw === undefined) {
      if (spec.required && !values.help) throw new UsageError(`--${name} is required`);
      values[name] = spec.type === 'list' ? [] : spec.default;
      continue;
    }
    if (spec.type === 'number') {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n))
        throw new UsageError(`--${name} must be a number, got "${raw}"`);
      values[name] = n;
    } else {
      if (spec.choices && !spec.choices.includes(raw as string)) {
        throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}, got "${raw}"`);
      }
      values[name] = raw;
    }
  }
  return values;
}

/** A comma-separated list of integers, e.g. "--cutoffs 2000,6000"; "" is the empty list. */
export function parseIntList(flag: string, text: string): number[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n))
      throw new UsageError(`--${flag} must be integers separated by commas, got "${text}"`);
    return n;
  });
}
