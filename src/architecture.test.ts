import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Imports of every non-test source file under `dir` (side-effect imports too): relative ones as
 * repo paths, packages as named; `typeOnly` for `import type`.
 */
function importsUnder(dir: string): { file: string; target: string; typeOnly: boolean }[] {
  const out: { file: string; target: string; typeOnly: boolean }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name))
      continue;
    const file = join(entry.parentPath, entry.name);
    const source = readFileSync(file, 'utf8');
    for (const [, kind, spec] of source.matchAll(
      /^(?:(?:import|export)( type)?[^;]*?from |import )'([^']+)'/gms,
    )) {
      const target = spec.startsWith('.') ? relative('.', join(entry.parentPath, spec)) : spec;
      out.push({ file, target, typeOnly: kind !== undefined });
    }
  }
  return out;
}

// docs/architecture.md, "The parts": the directions imports may take.
describe('architecture', () => {
  it('src/model is pure tensor math: tfjs-core only, no other layer, no file system', () => {
    const imports = importsUnder('src/model');
    const bad = imports.filter(
      ({ target }) => !target.startsWith('src/model/') && target !== '@tensorflow/tfjs-core',
    );
    expect(bad).toEqual([]);
    // The check sees its imports at all.
    expect(imports.some(({ target }) => target === '@tensorflow/tfjs-core')).toBe(true);
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

  it("data loading uses src/model's types only, and evaluation no training or runtime", () => {
    const data = importsUnder('src/data').filter(
      ({ target, typeOnly }) =>
        /^src\/(train|runtime|eval)/.test(target) || (target.startsWith('src/model/') && !typeOnly),
    );
    const evaluation = importsUnder('src/eval').filter(({ target }) =>
      /^src\/(train|runtime)/.test(target),
    );
    expect([...data, ...evaluation]).toEqual([]);
  });

  it('training never imports the browser runtime, the storefront or the widget', () => {
    const bad = importsUnder('src/train').filter(({ target }) =>
      /^(src\/runtime|app|widget)/.test(target),
    );
    expect(bad).toEqual([]);
  });
});
