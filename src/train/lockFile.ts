/**
 * A lock file naming the process that holds something (a checkpoint folder, a run ledger),
 * created complete or not at all, and taken over when that process has died.
 */
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

/** Who holds a lock. */
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

/** A lock as found: its text and, when it parses, its owner (null: gone). */
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

/** The live process holding the lock at `path`, if any (one left by a dead process does not count). */
export async function lockHolder(path: string): Promise<LockOwner | null> {
  const found = await readLock(path);
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

export type Lock = { release: () => Promise<void> };

/**
 * Takes the lock at `path` for this process, or names the live process that holds it. A lock
 * left by a process that has died (a kill, a crash) is taken over. Two processes may find the
 * same dead lock: each moves it aside before taking over, and one that moved another's fresh
 * lock instead puts it back, so only one holds it. `beforeTakeover` lets tests interleave two.
 */
export async function takeLock(
  path: string,
  beforeTakeover: () => Promise<void> = async () => undefined,
): Promise<Lock | { holder: LockOwner }> {
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 4; attempt++) {
    if (await createExclusive(path, `${JSON.stringify(me)}\n`)) {
      return { release: () => rm(path, { force: true }) };
    }
    const found = await readLock(path);
    if (!found) continue;
    if (found.owner && alive(found.owner)) return { holder: found.owner };
    await beforeTakeover();
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
  throw new Error(`could not take over ${path}`);
}

/**
 * Takes the lock at `path`, waiting while a live process holds it: for locks held a moment (a
 * file's read and rewrite), not for a run's length. Gives up after `timeoutMs`, naming the holder.
 */
export async function waitForLock(path: string, timeoutMs = 60_000): Promise<Lock> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const taken = await takeLock(path);
    if (!('holder' in taken)) return taken;
    if (Date.now() > deadline) {
      const { pid, host, since } = taken.holder;
      throw new Error(
        `${path} has been held by process ${pid} on ${host} since ${since}, past ${timeoutMs / 1000} s ` +
          `of waiting (if that process is gone, delete ${path})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
