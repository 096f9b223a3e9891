import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockHolder, takeLock, waitForLock, type Lock } from './lockFile';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cprec-lock-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The pid of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

describe('lock file', () => {
  it('is held by one taker at a time, names its holder, and is gone once released', async () => {
    const path = join(dir, 'a.lock');
    const first = (await takeLock(path)) as Lock;
    expect(first.release).toBeTypeOf('function');
    const second = await takeLock(path);
    expect(second).toEqual({
      holder: { pid: process.pid, host: hostname(), since: expect.any(String) },
    });
    expect(await lockHolder(path)).toMatchObject({ pid: process.pid });
    await first.release();
    expect(await lockHolder(path)).toBeNull();
    expect(await readdir(dir)).toEqual([]);
  });

  it("takes over a dead process's lock", async () => {
    const path = join(dir, 'b.lock');
    const pid = deadPid();
    await writeFile(path, JSON.stringify({ pid, host: hostname(), since: 'then' }));
    expect(await lockHolder(path)).toBeNull();
    const lock = (await takeLock(path)) as Lock;
    expect(JSON.parse(await readFile(path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('waits while a live process holds it, and gives up naming the holder', async () => {
    const path = join(dir, 'c.lock');
    const held = (await takeLock(path)) as Lock;
    let taken = false;
    const waiting = waitForLock(path).then((lock) => {
      taken = true;
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(taken).toBe(false);
    await held.release();
    await (await waiting).release();
    expect(taken).toBe(true);

    const again = (await takeLock(path)) as Lock;
    await expect(waitForLock(path, 50)).rejects.toThrow(
      new RegExp(`held by process ${process.pid} on .* past 0\\.05 s of waiting`),
    );
    await again.release();
  });
});
