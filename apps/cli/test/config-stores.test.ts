import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, storeOptionsFor } from '../src/config/index.js';

function config(stores: string): ReturnType<typeof parseConfig> {
  return parseConfig(`stores:\n${stores}`, '/repo/.sops.yaml');
}

function storeError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected storeOptionsFor to fail');
}

describe('storeOptionsFor', () => {
  it('returns store defaults without config', () => {
    for (const store of ['yaml', 'json', 'binary', 'dotenv', 'ini'] as const) {
      expect(storeOptionsFor(undefined, store)).toEqual({});
    }
  });

  it('returns store defaults for an empty stores section', () => {
    const empty = parseConfig('', '/repo/.sops.yaml');

    expect(storeOptionsFor(empty, 'yaml')).toEqual({});
    expect(storeOptionsFor(empty, 'json')).toEqual({});
    expect(storeOptionsFor(empty, 'binary')).toEqual({});
  });

  it('reads the indent of each store', () => {
    const loaded = config('  yaml: {indent: 2}\n  json: {indent: 0}\n  json_binary: {indent: 3}\n');

    expect(storeOptionsFor(loaded, 'yaml')).toEqual({ indent: 2 });
    expect(storeOptionsFor(loaded, 'json')).toEqual({ indent: 0 });
    expect(storeOptionsFor(loaded, 'binary')).toEqual({ indent: 3 });
    expect(storeOptionsFor(loaded, 'json_binary')).toEqual({ indent: 3 });
    expect(storeOptionsFor(loaded, 'dotenv')).toEqual({});
  });

  it('treats YAML indent 0 and JSON indent -1 as defaults', () => {
    const loaded = config('  yaml: {indent: 0}\n  json: {indent: -1}\n');

    expect(storeOptionsFor(loaded, 'yaml')).toEqual({});
    expect(storeOptionsFor(loaded, 'json')).toEqual({});
  });

  it('rejects a negative YAML indent', () => {
    const loaded = config('  yaml: {indent: -1}\n');

    const error = storeError(() => storeOptionsFor(loaded, 'yaml'));

    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.exitCode).toBe(4);
    expect(error.message).toBe('invalid indentation -1 from stores.yaml.indent in /repo/.sops.yaml: YAML indentation must not be negative');
    expect(storeOptionsFor(loaded, 'json')).toEqual({});
  });

  it('rejects a JSON indent below -1', () => {
    const loaded = config('  json_binary: {indent: -2}\n');

    const error = storeError(() => storeOptionsFor(loaded, 'binary'));

    expect(error.message).toBe(
      'invalid indentation -2 from stores.json_binary.indent in /repo/.sops.yaml: JSON indentation must be -1 (a tab) or more',
    );
  });

  it('lets the --indent value replace the config', () => {
    const loaded = config('  yaml: {indent: -5}\n  json: {indent: 8}\n');

    expect(storeOptionsFor(loaded, 'yaml', 6)).toEqual({ indent: 6 });
    expect(storeOptionsFor(loaded, 'json', -1)).toEqual({});
    expect(storeOptionsFor(undefined, 'json', 2)).toEqual({ indent: 2 });
  });

  it('names --indent when the flag value is invalid', () => {
    const error = storeError(() => storeOptionsFor(undefined, 'yaml', -3));

    expect(error.message).toBe('invalid indentation -3 from the --indent value: YAML indentation must not be negative');
  });
});
