/**
 * One run per checkpoint directory: a LOCK file (lockFile.ts) naming the process that trains
 * into it.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, checkpointStep, LOCK } from './checkpoint';
import { lockHolder, takeLock, type Lock, type LockOwner } from './lockFile';

/** The live process holding `dir`, if any (a LOCK left by a dead one does not count). */
export async function checkpointHolder(dir: string): Promise<LockOwner | null> {
  return lockHolder(join(dir, LOCK));
}

/**
 * Holds `dir` for this process until `release`: two runs on one checkpoint (a command started
 * twice, a sweep and a hand-started run) would interleave their snapshots. A LOCK left by a
 * process that has died is taken over (lockFile.ts); a live one is a CheckpointError naming it.
 */
export async function lockCheckpoint(dir: string): Promise<Lock> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK);
  const taken = await takeLock(path, () => checkpointStep('lock-takeover'));
  if ('holder' in taken) {
    const { pid, host, since } = taken.holder;
    throw new CheckpointError(
      `checkpoint ${dir} is in use by process ${pid} on ${host} since ${since}: ` +
        'two runs on one checkpoint would mix their snapshots; wait for it, stop it, or choose ' +
        `another --checkpoint (if that process is gone, delete ${path})`,
    );
  }
  return taken;
}
