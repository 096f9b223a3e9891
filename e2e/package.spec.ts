import { expect, test } from '@playwright/test';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Recommender } from '../src/runtime';

// The npm package as a developer meets it: `npm pack`, the tarball installed into a copy of
// examples/vite-shop/ outside this repository, that app built with its own vite, served, and used.

const run = promisify(execFile);
const ROOT = resolve('.');
const PORT = 4179;
let dir = '';
let shop = '';
let tarball = '';
let preview: ChildProcess | undefined;

/** Runs a command in `cwd` and returns its stdout; a failure says what it printed. */
async function sh(cwd: string, command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} in ${cwd} failed:\n${stdout}\n${stderr}`, {
      cause: e,
    });
  }
}

test.beforeAll(async () => {
  test.setTimeout(15 * 60_000);
  dir = await mkdtemp(join(tmpdir(), 'cprec-package-'));
  // What prepack runs, first, so that npm pack's --json output is all that stdout holds;
  // dist/widget/ comes out as the web server built it, so the other specs see the same files.
  await sh(ROOT, 'npm', ['run', 'build:package']);
  const packed = JSON.parse(
    await sh(ROOT, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir]),
  ) as { filename: string }[];
  tarball = join(dir, packed[0].filename);

  shop = join(dir, 'vite-shop');
  await cp(join(ROOT, 'examples', 'vite-shop'), shop, { recursive: true });
  await cp(
    join(ROOT, 'public', 'models', 'ml-latest-small'),
    join(shop, 'public', 'models', 'ml-latest-small'),
    { recursive: true },
  );
  const manifest = JSON.parse(await readFile(join(shop, 'package.json'), 'utf8'));
  manifest.dependencies.cprec = `file:${tarball}`;
  await writeFile(join(shop, 'package.json'), JSON.stringify(manifest, null, 2));
  await sh(shop, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
  await sh(shop, 'npm', ['run', 'build']);

  // vite itself, not through npx, so that kill() reaches the server.
  preview = spawn(
    join(shop, 'node_modules', '.bin', 'vite'),
    ['preview', '--port', String(PORT), '--strictPort'],
    { cwd: shop, stdio: 'ignore' },
  );
  await expect
    .poll(
      () =>
        fetch(`http://localhost:${PORT}/`).then(
          (r) => r.status,
          () => 0,
        ),
      {
        timeout: 60_000,
      },
    )
    .toBe(200);
});

test.afterAll(async () => {
  preview?.kill();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the tarball holds the built package and nothing of the repository besides', async () => {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  const files = stdout.trim().split('\n');
  expect(files).toContain('package/dist/widget/cprec.js');
  expect(files).toContain('package/dist/widget/cprec-widget.js');
  expect(files).toContain('package/lib/cli.js');
  expect(files).toContain('package/lib/model.js');
  expect(files).toContain('package/lib/types/src/runtime/index.d.ts');
  expect(
    files.filter(
      (f) =>
        /\.test\.|\.spec\.|\/src\/.*\.ts$|\/data\/|\.png$|\/docs\//.test(f) && !f.endsWith('.d.ts'),
    ),
  ).toEqual([]);
});

test('the installed bin and cprec/model work in Node', async () => {
  const help = await sh(shop, 'npx', ['cprec', 'train', '--help']);
  expect(help).toMatch(/^Usage: cprec train --data <file>/);
  expect(help).toMatch(/--cutoff-mass <value>/);
  const commands = await sh(shop, 'npx', ['cprec', '--help']);
  expect(commands).toMatch(/^ {2}quantize +\w/m);
  const model = await sh(shop, 'node', [
    '--input-type=module',
    '-e',
    "const m = await import('cprec/model'); const c = m.createConfig({ numItems: 100 }); console.log(JSON.stringify({ CpRec: typeof m.CpRec, params: m.countParameters(c) }));",
  ]);
  const { CpRec, params } = JSON.parse(model);
  expect(CpRec).toBe('function');
  expect(params).toBeGreaterThan(0);
});

test('the app built from the tarball recommends, and no request leaves its origin', async ({
  page,
}) => {
  const origin = `http://localhost:${PORT}`;
  const foreign: string[] = [];
  const requested: string[] = [];
  page.on('request', (request) => {
    requested.push(request.url());
    if (!/^(data|blob):/.test(request.url()) && new URL(request.url()).origin !== origin) {
      foreign.push(request.url());
    }
  });
  await page.goto(`${origin}/`);
  const list = page.locator('#for-you');
  await expect(list).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  const before = await list.locator('li').evaluateAll((lis) => lis.map((li) => li.dataset.itemId));
  expect(before).toHaveLength(5);

  await page.getByRole('button', { name: 'The Matrix' }).click();
  await expect
    .poll(() => list.locator('li').evaluateAll((lis) => lis.map((li) => li.dataset.itemId)))
    .not.toEqual(before);
  await expect(page.locator('cprec-recommendations').locator('li')).toHaveCount(4, {
    timeout: 60_000,
  });
  // The worker and the WASM binary the app's own build emitted were used: the model ran in the
  // worker, not on the page's main thread after the worker failed.
  const info = await page
    .locator('cprec-recommendations')
    .evaluate((el) => (el as HTMLElement & { recommender?: Recommender }).recommender?.info);
  expect(info).toMatchObject({ worker: true, backend: 'wasm' });
  expect(info?.workerFailure).toBeUndefined();
  expect(requested.some((url) => /\/assets\/recommenderWorker-[\w-]+\.js$/.test(url))).toBe(true);
  expect(requested.some((url) => /\.wasm$/.test(url))).toBe(true);
  expect(foreign).toEqual([]);
  await readdir(join(shop, 'dist', 'assets')).then((files) =>
    expect(files.some((f) => f.endsWith('.wasm'))).toBe(true),
  );
});
