import { describe, expect, it } from 'vitest';
import { ConfigError } from '../model/config';
import { ModelFormatError } from '../model/modelFormatError';
import { ModelLoadError } from './modelLoadError';
import { RecommenderDisposedError } from './recommenderDisposedError';
import { reviveError, toWireError } from './workerErrors';

/** Through postMessage's structured clone and back. */
const across = (error: unknown) => reviveError(structuredClone(toWireError(error)));

describe('errors across the worker boundary', () => {
  it('keep their class, name, message, fields and chain of causes', () => {
    const config = new ConfigError('cutoffs[1]', 'must be less than numItems = 40');
    const format = new ModelFormatError(`model.json config: ${config.message}`, { cause: config });
    const load = new ModelLoadError('model.json', format.message, { cause: format });
    const revived = across(load);
    expect(revived).toBeInstanceOf(ModelLoadError);
    expect(revived).toMatchObject({ name: 'ModelLoadError', file: 'model.json' });
    expect(revived.message).toBe(load.message);
    expect(revived.stack).toBe(load.stack);
    expect(revived.cause).toBeInstanceOf(ModelFormatError);
    expect((revived.cause as Error).message).toBe(format.message);
    const root = (revived.cause as Error).cause as ConfigError;
    expect(root).toBeInstanceOf(ConfigError);
    expect(root).toMatchObject({ name: 'ConfigError', field: 'cutoffs[1]' });
    expect(root.message).toBe('CpRecConfig.cutoffs[1]: must be less than numItems = 40');
    expect(root.cause).toBeUndefined();
  });

  it('revive built-in and disposed errors as their classes', () => {
    expect(across(new RangeError('k must be an integer >= 1, got 0'))).toBeInstanceOf(RangeError);
    expect(across(new TypeError('history must be an array'))).toBeInstanceOf(TypeError);
    const disposed = across(new RecommenderDisposedError('tiny'));
    expect(disposed).toBeInstanceOf(RecommenderDisposedError);
    expect(disposed).toMatchObject({ name: 'RecommenderDisposedError', modelName: 'tiny' });
  });

  it('give other errors their name, and anything thrown a message', () => {
    const quota = across(new DOMException('the quota is exceeded', 'QuotaExceededError'));
    expect(quota).toMatchObject({ name: 'QuotaExceededError', message: 'the quota is exceeded' });
    expect(across('plain text')).toMatchObject({ name: 'Error', message: 'plain text' });
    const withText = across(new Error('outer', { cause: 404 }));
    expect(withText.cause).toMatchObject({ message: '404' });
  });

  it('cut a chain of causes that loops', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    const revived = across(a);
    expect((revived.cause as Error).message).toBe('b');
    expect((revived.cause as Error).cause).toBeUndefined();
  });
});
