// What the browser benchmarks share: the harness page of a fresh e2e build in Debian's Chromium,
// and where the results go.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { arch, cpus, platform } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';

/** Builds the app with the test harness page into dist/ (models written there are served too). */
export function buildHarness(): void {
  execFileSync('npx', ['vite', 'build', '--mode', 'e2e', '--logLevel', 'error'], {
    stdio: 'inherit',
  });
}

/** Serves dist/ on `port` (vite preview) and runs `use` with headless Chromium, once it answers. */
export async function withPreview<T>(
  port: number,
  use: (browser: Browser, origin: string) => Promise<T>,
): Promise<T> {
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    stdio: 'ignore',
    detached: true,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const origin = `http://localhost:${port}`;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await fetch(`${origin}/`);
        break;
      } catch (e) {
        if (attempt > 50) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return await use(browser, origin);
  } finally {
    await browser.close();
    // A server that has already exited must not hide the error that ended `use`.
    if (server.pid && server.exitCode === null) process.kill(-server.pid);
  }
}

/** Serves dist/ on `port`, opens the harness page in headless Chromium and runs `use` on it. */
export function withHarnessPage<T>(port: number, use: (page: Page) => Promise<T>): Promise<T> {
  return withPreview(port, async (browser, origin) => {
    const page = await browser.newPage();
    await page.goto(`${origin}/e2e/harness.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    return use(page);
  });
}

/** This machine and browser, for the results' header. */
export function browserMachine(): string {
  const version = execFileSync(CHROMIUM_PATH, ['--version']).toString().trim();
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${platform()} ${arch()}, ${version}, headless`;
}

/** A results page: its title, what was measured and how, the table, and the ratios under it. */
export function resultsMarkdown(
  title: string,
  method: string,
  table: string[],
  ratios: string[],
): string {
  return [`# ${title}`, '', method, '', ...table, '', ...ratios, ''].join('\n');
}

/** Writes bench/results/<name>.json (machine, date, rows) and <name>.md, and prints the latter. */
export async function writeResults(
  name: string,
  machine: string,
  rows: unknown[],
  markdown: string,
): Promise<void> {
  await mkdir(join('bench', 'results'), { recursive: true });
  await writeFile(
    join('bench', 'results', `${name}.json`),
    `${JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 1)}\n`,
  );
  await writeFile(join('bench', 'results', `${name}.md`), markdown);
  console.log(markdown);
}

/** Runs a benchmark's main, turning an error into one line and exit code 1. */
export function runBenchmark(main: () => Promise<void>): void {
  main().catch((e: Error) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  });
}
