/**
 * A sweep's grid file: flags for every run and axes whose product gives its configurations,
 * checked against the training flags before anything trains.
 */
import { parseFlags, toArgv, UsageError, type AnyFlagValue } from './flags';
import { MODEL_FLAGS } from './presets';
import { TRAIN_FLAGS } from './trainFlags';

export type FlagMap = Record<string, AnyFlagValue>;

/** The grid file: flags for every run, axes whose product gives configurations, and extra ones. */
export interface GridFile {
  /** Names the sweep: its section in the report and its folder under --runs. */
  name: string;
  description?: string;
  /** Model and training flags of every configuration (as on the `npm run train` command line). */
  base?: FlagMap;
  /** flag -> values: one configuration per combination. */
  grid?: Record<string, AnyFlagValue[]>;
  /** Further configurations, each over `base`; `name` names it (default: its flags). */
  configurations?: (FlagMap & { name?: string })[];
}

export interface SweepConfiguration {
  /** Unique; also the folder name of its runs. */
  name: string;
  /** Every flag of its `npm run train` command but the data, output and seed. */
  flags: FlagMap;
}

/** Flags a grid may not set: the sweep sets the seed, output and checkpoint of each run itself. */
const SWEEP_OWNED = ['seed'];

function describeFlags(flags: FlagMap): string {
  return Object.entries(flags)
    .map(([k, v]) => (v === true ? k : `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`))
    .join(' ');
}

/** Checks a grid's flags against the training flags (names, types, choices) by parsing them. */
function checkFlags(where: string, flags: FlagMap): void {
  for (const name of Object.keys(flags)) {
    if (SWEEP_OWNED.includes(name)) {
      throw new UsageError(`${where}: --${name} is set by the sweep (--seeds), not the grid`);
    }
  }
  try {
    parseFlags(toArgv(flags), { MODEL_FLAGS, TRAIN_FLAGS });
  } catch (e) {
    throw new UsageError(`${where}: ${(e as Error).message}`);
  }
}

/** The configurations of a grid file, in order: the grid's combinations, then the extra ones. */
export function gridConfigurations(file: GridFile): SweepConfiguration[] {
  if (typeof file.name !== 'string' || !/^[\w.-]+$/.test(file.name)) {
    throw new UsageError(
      `grid name must be letters, digits, '.', '-' or '_', got ${JSON.stringify(file.name)}`,
    );
  }
  const base = file.base ?? {};
  checkFlags('grid base', base);
  let combinations: FlagMap[] = [{}];
  for (const [flag, values] of Object.entries(file.grid ?? {})) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new UsageError(
        `grid.${flag} must be a non-empty list of values, got ${JSON.stringify(values)}`,
      );
    }
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [flag]: v })));
  }
  const fromGrid = file.grid
    ? combinations.map((c) => ({ name: describeFlags(c), flags: { ...base, ...c } }))
    : [];
  const extra = (file.configurations ?? []).map(({ name, ...flags }) => ({
    name: name ?? describeFlags(flags),
    flags: { ...base, ...flags },
  }));
  const all = [...fromGrid, ...extra];
  if (all.length === 0) all.push({ name: 'base', flags: base });
  const names = new Set<string>();
  for (const c of all) {
    checkFlags(`configuration "${c.name}"`, c.flags);
    if (names.has(c.name)) throw new UsageError(`grid: two configurations are named "${c.name}"`);
    names.add(c.name);
  }
  return all;
}

/** A folder name for a configuration: its name with anything but [\w.=+-] as '_'. */
export function runFolder(configuration: SweepConfiguration): string {
  return configuration.name.replace(/[^\w.=+-]+/g, '_');
}
