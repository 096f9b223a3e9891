import { parseArgs } from 'node:util';

/** One command-line flag: its type, default and help line; `--help` is generated from these. */
export interface FlagSpec {
  type: 'string' | 'number' | 'boolean' | 'list';
  help: string;
  default?: string | number | boolean;
  choices?: readonly string[];
  required?: boolean;
}

/** A table of flags by name; declare one with `flagGroup` so that its values keep their types. */
export type FlagGroup = Record<string, FlagSpec>;

/** Keeps a flag table's literal types (type, choices, default), from which `FlagValues` derives. */
export function flagGroup<const G extends FlagGroup>(group: G): G {
  return group;
}

type BaseValue<S extends FlagSpec> = S['type'] extends 'number'
  ? number
  : S['type'] extends 'boolean'
    ? boolean
    : S['type'] extends 'list'
      ? string[]
      : S extends { choices: readonly (infer C)[] }
        ? C
        : string;

/** A flag's parsed value: lists and flags with a default or required are always set. */
type FlagValue<S extends FlagSpec> = S['type'] extends 'list'
  ? BaseValue<S>
  : S extends { default: string | number | boolean } | { required: true }
    ? BaseValue<S>
    : BaseValue<S> | undefined;

/** Any one flag's parsed value. */
export type AnyFlagValue = string | number | boolean | string[] | undefined;

/** The parsed values of one flag table. */
export type FlagValues<G extends FlagGroup> = { [K in keyof G]: FlagValue<G[K]> };

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (
  i: infer I,
) => void
  ? I
  : never;

/** The parsed values of several named tables (as a command's `--help` groups them). */
export type GroupValues<Groups extends Record<string, FlagGroup>> = FlagValues<
  UnionToIntersection<Groups[keyof Groups]> & FlagGroup
> & { help: boolean };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function helpText(usage: string, groups: Record<string, FlagGroup>): string {
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
  lines.push('', 'A boolean flag --<name> is turned off by --no-<name>.');
  return lines.join('\n');
}

/**
 * Parses argv against the specs; errors name the flag and the bad value. `--no-<name>` sets a
 * boolean flag false (for one whose default is on). `defaults` replace the specs' own defaults
 * (e.g. the settings a model was trained with).
 */
export function parseFlags<Groups extends Record<string, FlagGroup>>(
  argv: string[],
  groups: Groups,
  defaults: Readonly<Record<string, AnyFlagValue>> = {},
): GroupValues<Groups> {
  const specs: FlagGroup = Object.assign({}, ...Object.values(groups));
  const negated = new Set<string>();
  const args = argv.filter((arg) => {
    const name = /^--no-(.+)$/.exec(arg)?.[1];
    if (name === undefined || specs[name]?.type !== 'boolean') return true;
    negated.add(name);
    return false;
  });
  for (const name of negated) {
    if (args.includes(`--${name}`))
      throw new UsageError(`give --${name} or --no-${name}, not both`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
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
  const values: Record<string, AnyFlagValue> = {
    help: parsed.values.help === true,
  };
  for (const [name, spec] of Object.entries(specs)) {
    const raw = negated.has(name)
      ? false
      : (parsed.values as Record<string, string | string[] | boolean | undefined>)[name];
    if (raw === undefined) {
      if (name in defaults) values[name] = defaults[name];
      else if (spec.required && !values.help) throw new UsageError(`--${name} is required`);
      else values[name] = spec.type === 'list' ? [] : spec.default;
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
  return values as GroupValues<Groups>;
}

/** The command line that gives these flag values (undefined: the flag left out). */
export function toArgv(values: Readonly<Record<string, AnyFlagValue>>): string[] {
  return Object.entries(values).flatMap(([name, value]) =>
    value === undefined
      ? []
      : typeof value === 'boolean'
        ? [value ? `--${name}` : `--no-${name}`]
        : Array.isArray(value)
          ? value.flatMap((v) => [`--${name}`, v])
          : [`--${name}`, String(value)],
  );
}

/** A comma-separated list of numbers, e.g. "--cutoff-mass 0.8,0.95"; "" is the empty list. */
export function parseNumberList(flag: string, text: string): number[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const n = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(n))
      throw new UsageError(`--${flag} must be numbers separated by commas, got "${text}"`);
    return n;
  });
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
