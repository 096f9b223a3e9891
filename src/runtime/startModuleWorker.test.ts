import { resolveObjectURL } from 'node:buffer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startModuleWorker } from './startModuleWorker';

const PAGE = 'https://shop.example/products/42';

/** What each Worker was constructed with, and the source a blob: script held at that moment. */
const started: { url: string; type?: string; source?: Promise<string> }[] = [];

class RecordingWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    const href = String(url);
    started.push({ url: href, type: options?.type, source: resolveObjectURL(href)?.text() });
  }
}

describe('startModuleWorker', () => {
  beforeEach(() => {
    started.length = 0;
    vi.stubGlobal('Worker', RecordingWorker);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('starts a script of the page origin directly, resolved against the page', () => {
    startModuleWorker('/widget/assets/worker.js', PAGE);
    expect(started).toEqual([
      { url: 'https://shop.example/widget/assets/worker.js', type: 'module', source: undefined },
    ]);
  });

  it('starts a script of another origin through a same-origin blob: module importing it', async () => {
    startModuleWorker('https://cdn.example/widget/assets/worker.js', PAGE);
    expect(started).toHaveLength(1);
    const [{ url, type, source }] = started;
    expect(type).toBe('module');
    expect(url).toMatch(/^blob:/);
    expect(await source).toBe('import "https://cdn.example/widget/assets/worker.js";\n');
    // The worker has what it needs; the URL is not left behind.
    expect(resolveObjectURL(url)).toBeUndefined();
  });

  it('frees the blob: URL when the browser refuses the worker', () => {
    const refused = new DOMException('worker-src forbids blob:', 'SecurityError');
    let url = '';
    vi.stubGlobal(
      'Worker',
      class {
        constructor(scriptUrl: string) {
          url = scriptUrl;
          throw refused;
        }
      },
    );
    expect(() => startModuleWorker('https://cdn.example/w.js', PAGE)).toThrow(refused);
    expect(url).toMatch(/^blob:/);
    expect(resolveObjectURL(url)).toBeUndefined();
  });
});
