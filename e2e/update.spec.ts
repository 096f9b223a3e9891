import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { encodedBytes } from '../src/model/quantization';
import type { ModelJson } from '../src/model/modelFormat';

// The PWA across a deployment: a visitor whose service worker holds model version 1 comes back
// after version 2 is deployed, and from that visit on sees version 2's recommendations, online and
// offline. Version 1 is the storefront the other tests use (dist/); version 2 is the same app
// built again with one thing changed in the model: a large softmax bias on one item, which then
// tops every recommendation list.
test.use({ serviceWorkers: 'allow' });

const PORT = 4174;
const ORIGIN = `http://localhost:${PORT}`;
const MODEL_DIR = 'models/ml-latest-small';

/** A copy of public/ whose model favours model item `favoured` by a large head-softmax bias. */
function publicDirFavouring(favoured: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'cprec-public-v2-'));
  cpSync('public', dir, { recursive: true });
  const jsonPath = join(dir, MODEL_DIR, 'model.json');
  const model = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelJson;
  const [group] = model.weightsManifest;
  const [file] = group.paths;
  const bytes = readFileSync(join(dir, MODEL_DIR, file));
  let offset = 0;
  for (const w of group.weights) {
    if (w.name === 'softmax/head/bias') {
      if (w.dtype !== 'float32') throw new Error(`softmax/head/bias is stored as ${w.dtype}`);
      break;
    }
    offset += encodedBytes(w.shape, { dtype: w.dtype, axis: w.axis ?? null });
  }
  // Head column of a block-0 item: model ids start at 1 (0 is padding).
  const column = favoured - 1;
  bytes.writeFloatLE(bytes.readFloatLE(offset + column * 4) + 50, offset + column * 4);
  writeFileSync(join(dir, MODEL_DIR, file), bytes);
  model.weightFiles[file].sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(jsonPath, JSON.stringify(model));
  return dir;
}

async function serve(outDir: string): Promise<PreviewServer> {
  return preview({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    build: { outDir },
    preview: { port: PORT, strictPort: true },
  });
}

const recommendedIds = (page: Page) =>
  page
    .getByTestId('recommendations')
    .getByTestId('recommendation')
    .evaluateAll((links) => links.map((a) => a.getAttribute('data-item-id') ?? ''));

let server: PreviewServer | null = null;
const temporary: string[] = [];

test.afterAll(async () => {
  await server?.close();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

test('a new model version replaces the cached one on the next load, online and offline', async ({
  page,
  context,
}) => {
  test.setTimeout(300_000);
  server = await serve('dist');
  await page.goto(`${ORIGIN}/`);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  const recs = page.getByTestId('recommendations');
  await expect(recs).toHaveAttribute('data-source', 'popular', { timeout: 60_000 });
  const clicked = (await recs.getByTestId('recommendation').first().getAttribute('data-item-id'))!;
  await recs.getByTestId('recommendation').first().click();
  await expect(recs).toHaveAttribute('data-based-on', clicked);
  await expect(recs).toHaveAttribute('data-source', 'model');
  const before = await recommendedIds(page);

  // Version 2 favours a block-0 item that version 1 does not recommend here.
  const model = JSON.parse(readFileSync(join('public', MODEL_DIR, 'model.json'), 'utf8')) as {
    items: string[];
    config: { cutoffs: number[] };
  };
  let favoured = model.config.cutoffs[0];
  while ([...before, clicked].includes(model.items[favoured])) favoured--;
  const favouredId = model.items[favoured];
  const publicDir = publicDirFavouring(favoured);
  const outDir = mkdtempSync(join(tmpdir(), 'cprec-dist-v2-'));
  temporary.push(publicDir, outDir);
  await build({
    configFile: 'vite.config.ts',
    mode: 'e2e',
    logLevel: 'warn',
    publicDir,
    build: { outDir, emptyOutDir: true },
  });
  await server.close();
  server = await serve(outDir);

  // The visit after the deployment starts on the cached version 1; its service worker finds
  // version 2, installs it and takes over, and the page reloads onto it.
  await page.reload();
  const first = recs.getByTestId('recommendation').first();
  await expect(first).toHaveAttribute('data-item-id', favouredId, { timeout: 120_000 });
  await expect(recs).toHaveAttribute('data-based-on', clicked);

  await context.setOffline(true);
  await page.reload();
  await expect(recs).toHaveAttribute('data-source', 'model', { timeout: 60_000 });
  await expect(first).toHaveAttribute('data-item-id', favouredId);
});
