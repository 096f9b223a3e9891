import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCheckpointDir } from './trainingRun';

describe('defaultCheckpointDir', () => {
  it('gives output folders of one name their own checkpoints, and one path one checkpoint', () => {
    const a = defaultCheckpointDir('a/model');
    expect(a).toMatch(/^runs\/checkpoints\/model-[0-9a-f]{8}$/);
    expect(defaultCheckpointDir('b/model')).not.toBe(a);
    expect(defaultCheckpointDir(resolve('a/model'))).toBe(a);
    expect(defaultCheckpointDir('./a/model/')).toBe(a);
  });
});
