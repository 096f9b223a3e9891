/**
 * One run per checkpoint directory: a LOCK file naming the process that trains into it, created
 * complete or not at all, and taken over when that process has died.
 */
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, checkpointStep, LOCK } from './checkpoint';

/** Who holds a checkpoint directory. */
export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** Whether the process that wrote `owner` may still run (another host's cannot be checked). */
function alive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** A LOCK as found: its text and, when it parses, its owner (null: gone). */
async function readLock(path: string): Promise<{ text: string; owner: LockOwner | null } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    return { text, owner: JSON.parse(text) as LockOwner };
  } catch {
    // Half-written by an older version that wrote LOCK in place and died before filling it.
    return { text, owner: null };
  }
}

/** The live process holding `dir`, if any (a LOCK left by a dead one does not count). */
export async function checkpointHolder(dir: string): Promise<LockOwner | null> {
  const found = await readLock(join(dir, LOCK));
  return found?.owner && alive(found.owner) ? found.owner : null;
}

/** A name beside `path` that no other process, nor another call in this one, picks. */
const besides = (path: string, what: string) =>
  `${path}.${what}.${process.pid}.${Math.random().toString(36).slice(2)}`;

/** Creates `path` holding `text`, complete or not at all (false: it exists). */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const draft = besides(path, 'draft');
  await writeFile(draft, text);
  try {
    await link(draft, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(draft, { force: true });
  }
}

/**
 * Holds `dir` for this process until `release`: two runs on one checkpoint (a command started
 * twice, a sweep and a hand-started run) would interleave their snapshots. A LOCK left by a
 * process that has died (a kill, a crash) is taken over; a live one is a CheckpointError naming
 * the process. Two processes may find the same dead LOCK: each moves it aside before taking
 * over, and one that moved another's fresh LOCK instead puts it back, so only one holds `dir`.
 */
export async function lockCheckpoint(dir: string): Promise<{ release: () => Promise<void> }> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK);
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 4; attempt++) {
    if (await createExclusive(path, `${JSON.stringify(me)}\n`)) {
      return { release: () => rm(path, { force: true }) };
    }
    const found = await readLock(path);
    if (!found) continue;
    if (found.owner && alive(found.owner)) {
      const { pid, host, since } = found.owner;
      throw new CheckpointError(
        `checkpoint ${dir} is in use by process ${pid} on ${host} since ${since}: ` +
          'two runs on one checkpoint would mix their snapshots; wait for it, stop it, or choose ' +
          `another --checkpoint (if that process is gone, delete ${path})`,
      );
    }
    await checkpointStep('lock-takeover');
    const aside = besides(path, 'dead');
    try {
      await rename(path, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    if ((await readFile(aside, 'utf8')) !== found.text) {
      await link(aside, path).catch(() => undefined);
    }
    await rm(aside, { force: true });
  }
  throw new CheckpointError(`checkpoint ${dir}: could not take over ${path}`);
}
