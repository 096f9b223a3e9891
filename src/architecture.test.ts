import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Relative imports of every non-test source file under `dir`, as repo paths. */
function importsUnder(dir: string): { file: string; target: string }[] {
  const out: { file: string; target: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name))
      continue;
    const file = join(entry.parentPath, entry.name);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
      const target = spec.startsWith('.') ? relative('.', join(entry.parentPath, spec)) : spec;
      out.push({ file, target });
    }
  }
  return out;
}

// docs/architecture.md, "The parts": the directions imports may take.
describe('architecture', () => {
  it('src/model is pure tensor math: no other layer, no file system, no backend choice', () => {
    const bad = importsUnder('src/model').filter(
      ({ target }) =>
        /^src\/(runtime|train|data|eval)/.test(target) ||
        /^node:|tfjs-backend|^@tensorflow\/tfjs$/.test(target),
    );
    expect(bad).toEqual([]);
  });

  it('the browser runtime never imports the Node-side data, evaluation and training code', () => {
    const bad = importsUnder('src/runtime').filter(({ target }) =>
      /^src\/(train|data|eval)|^node:/.test(target),
    );
    expect(bad).toEqual([]);
  });

  it("the storefront and the widget use only the runtime's public index", () => {
    const bad = [...importsUnder('app'), ...importsUnder('widget')].filter(
      ({ target }) => /^src\//.test(target) && target !== 'src/runtime',
    );
    expect(bad).toEqual([]);
    // The check sees their imports at all.
    expect(importsUnder('app').some(({ target }) => target === 'src/runtime')).toBe(true);
  });

  it('data loading and evaluation do not depend on training or the runtime', () => {
    const bad = [...importsUnder('src/data'), ...importsUnder('src/eval')].filter(({ target }) =>
      /^src\/(train|runtime)/.test(target),
    );
    expect(bad).toEqual([]);
  });
});
