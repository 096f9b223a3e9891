import { describe, expect, it } from 'vitest';
import { helpText, parseFlags, parseIntList, toArgv, UsageError, type FlagSpec } from './flags';

const groups: Record<string, Record<string, FlagSpec>> = {
  G: {
    data: { type: 'string', required: true, help: 'input' },
    epochs: { type: 'number', default: 30, help: 'epochs' },
    mode: { type: 'string', choices: ['a', 'b'], default: 'a', help: 'mode' },
    where: { type: 'list', help: 'filters' },
    quiet: { type: 'boolean', default: false, help: 'quiet' },
  },
};

describe('parseFlags', () => {
  it('fills defaults and parses every type', () => {
    expect(
      parseFlags(['--data', 'x', '--where', 'a>1', '--where', 'b<2', '--quiet'], groups),
    ).toEqual({
      help: false,
      data: 'x',
      epochs: 30,
      mode: 'a',
      where: ['a>1', 'b<2'],
      quiet: true,
    });
    expect(parseFlags(['--data', 'x', '--epochs', '5', '--mode', 'b'], groups)).toMatchObject({
      epochs: 5,
      mode: 'b',
    });
  });

  it.each([
    [['--epochs', '3'], /--data is required/],
    [['--data', 'x', '--epochs', 'ten'], /--epochs must be a number, got "ten"/],
    [['--data', 'x', '--mode', 'c'], /--mode must be one of a, b, got "c"/],
    [['--data', 'x', '--colour', 'red'], /colour/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseFlags(argv, groups)).toThrow(UsageError);
    expect(() => parseFlags(argv, groups)).toThrow(message);
  });

  it('lets --help through without required flags and lists every flag with its default', () => {
    expect(parseFlags(['--help'], groups).help).toBe(true);
    const text = helpText('cmd', groups);
    for (const name of Object.keys(groups.G)) expect(text).toContain(`--${name}`);
    expect(text).toMatch(/--epochs <value> +epochs \(default: 30\)/);
    expect(text).toMatch(/--data <value> +input \(required\)/);
  });

  it('turns a boolean off with --no-<name>, and writes false back the same way', () => {
    const on = {
      G: { ...groups.G, reversed: { type: 'boolean' as const, default: true, help: 'r' } },
    };
    expect(parseFlags(['--data', 'x'], on)).toMatchObject({ reversed: true, quiet: false });
    const off = parseFlags(['--data', 'x', '--no-reversed', '--quiet'], on);
    expect(off).toMatchObject({ reversed: false, quiet: true });
    expect(toArgv({ reversed: false, quiet: true, epochs: 3, gone: undefined })).toEqual([
      '--no-reversed',
      '--quiet',
      '--epochs',
      '3',
    ]);
    expect(parseFlags(['--data', 'x', ...toArgv({ reversed: false })], on).reversed).toBe(false);
    expect(() => parseFlags(['--data', 'x', '--reversed', '--no-reversed'], on)).toThrow(
      /give --reversed or --no-reversed, not both/,
    );
    // Only boolean flags have a --no- form.
    expect(() => parseFlags(['--data', 'x', '--no-epochs'], on)).toThrow(/no-epochs/);
    expect(helpText('cmd', on)).toContain('--no-<name>');
  });

  it('parses integer lists', () => {
    expect(parseIntList('cutoffs', '1000, 4000')).toEqual([1000, 4000]);
    expect(parseIntList('cutoffs', '')).toEqual([]);
    expect(() => parseIntList('cutoffs', '10,x')).toThrow(/--cutoffs must be integers.*"10,x"/);
  });
});
