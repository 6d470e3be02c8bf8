import { AzkvError, type TreeBranches } from '@azkv/core';
import { afterEach, describe, expect, it } from 'vitest';
import { listFormatPlugins, registerFormatPlugin, unregisterFormatPlugin, type FormatPlugin } from '../src/plugins.js';
import { createDefaultRegistry, getDefaultRegistry, getStore, storeForPath, type DefaultStoresConfig } from '../src/registry.js';
import type { EncryptedDocument, Store } from '../src/store.js';

/** Creates a store for registration tests whose methods throw when called. */
function fakeStore(name: string, extensions: string[]): Store {
  const fail = (): never => {
    throw new Error('not used');
  };
  return {
    name,
    extensions,
    loadPlainFile: (): TreeBranches => fail(),
    loadEncryptedFile: (): EncryptedDocument => fail(),
    emitPlainFile: (): Uint8Array => fail(),
    emitEncryptedFile: (): Uint8Array => fail(),
  };
}

function fakePlugin(name: string, stores: (config: DefaultStoresConfig) => Store[], replaceExisting?: boolean): FormatPlugin {
  return { name, createStores: stores, ...(replaceExisting === undefined ? {} : { replaceExisting }) };
}

function thrownError(action: () => unknown): AzkvError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AzkvError);
    return error as AzkvError;
  }
  throw new Error('expected an AzkvError');
}

const BUILT_IN = ['yaml', 'json', 'dotenv', 'ini', 'binary'];

afterEach(() => {
  for (const plugin of listFormatPlugins()) {
    unregisterFormatPlugin(plugin.name);
  }
});

describe('registerFormatPlugin', () => {
  it('adds plugin stores after the built-ins', () => {
    expect(createDefaultRegistry().has('toml')).toBe(false);

    registerFormatPlugin(fakePlugin('example-toml', () => [fakeStore('toml', ['toml'])]));
    const registry = createDefaultRegistry();

    expect(registry.list().map((store) => store.name)).toEqual([...BUILT_IN, 'toml']);
    expect(registry.forPath('config.toml').name).toBe('toml');
    expect(registry.forPath('config.TOML').name).toBe('binary');
  });

  it('creates stores once per registry with its config', () => {
    const configs: DefaultStoresConfig[] = [];
    registerFormatPlugin(
      fakePlugin('example-toml', (config) => {
        configs.push(config);
        return [fakeStore('toml', ['toml'])];
      }),
    );
    const first = createDefaultRegistry({ json: { indent: 2 } });
    const second = createDefaultRegistry();

    expect(configs).toEqual([{ json: { indent: 2 } }, {}]);
    expect(first.get('toml')).not.toBe(second.get('toml'));
  });

  it('keeps registration order across plugins', () => {
    registerFormatPlugin(fakePlugin('first', () => [fakeStore('toml', ['toml'])]));
    registerFormatPlugin(fakePlugin('second', () => [fakeStore('hcl', ['hcl', 'tf']), fakeStore('xml', ['xml'])]));

    expect(listFormatPlugins().map((plugin) => plugin.name)).toEqual(['first', 'second']);
    expect(createDefaultRegistry().list().map((store) => store.name)).toEqual([...BUILT_IN, 'toml', 'hcl', 'xml']);
  });

  it('ignores the same plugin registered twice', () => {
    const plugin = fakePlugin('example-toml', () => [fakeStore('toml', ['toml'])]);
    registerFormatPlugin(plugin);
    registerFormatPlugin(plugin);

    expect(listFormatPlugins()).toEqual([plugin]);
    expect(createDefaultRegistry().list()).toHaveLength(BUILT_IN.length + 1);
  });

  it('rejects a second plugin with the same name', () => {
    registerFormatPlugin(fakePlugin('example-toml', () => [fakeStore('toml', ['toml'])]));
    const error = thrownError(() => registerFormatPlugin(fakePlugin('example-toml', () => [])));

    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.message).toContain('"example-toml" is already registered');
    expect(error.hint).toContain('two copies');
    expect(listFormatPlugins()).toHaveLength(1);
  });

  it.each([
    ['an empty name', { name: ' ', createStores: () => [] }, 'use a non-empty name'],
    ['no name', { createStores: () => [] }, 'use a non-empty name'],
    ['no createStores', { name: 'broken' }, 'it has no createStores() function'],
  ])('rejects a plugin with %s', (_case, plugin, message) => {
    const error = thrownError(() => registerFormatPlugin(plugin as unknown as FormatPlugin));

    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.message).toContain(message);
    expect(listFormatPlugins()).toEqual([]);
  });
});

describe('plugin conflicts', () => {
  it('rejects taking a built-in name', () => {
    registerFormatPlugin(fakePlugin('evil-json', () => [fakeStore('json', ['jsonc'])]));
    const error = thrownError(() => createDefaultRegistry());

    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.message).toContain('the format plugin "evil-json" could not register the store "json"');
    expect(error.message).toContain('a store named "json" is already registered');
    expect(error.cause).toBeInstanceOf(AzkvError);
  });

  it('rejects taking a built-in extension', () => {
    registerFormatPlugin(fakePlugin('yaml-two', () => [fakeStore('yaml2', ['yml'])]));
    const error = thrownError(() => createDefaultRegistry());

    expect(error.message).toContain('the extension ".yml" belongs to the store "yaml"');
  });

  it('rejects a clash between two plugins', () => {
    registerFormatPlugin(fakePlugin('first', () => [fakeStore('toml', ['toml'])]));
    registerFormatPlugin(fakePlugin('second', () => [fakeStore('toml', ['tml'])]));
    const error = thrownError(() => createDefaultRegistry());

    expect(error.message).toContain('the format plugin "second"');
  });

  it('replaces a built-in when the plugin says so', () => {
    const replacement = fakeStore('json', ['json', 'jsonc']);
    registerFormatPlugin(fakePlugin('better-json', () => [replacement], true));
    const registry = createDefaultRegistry();

    expect(registry.get('json')).toBe(replacement);
    expect(registry.forPath('settings.jsonc')).toBe(replacement);
    expect(registry.list()).toHaveLength(BUILT_IN.length);
  });

  it('reports a plugin whose createStores throws', () => {
    const failure = new Error('missing native module');
    registerFormatPlugin(
      fakePlugin('crashing', () => {
        throw failure;
      }),
    );
    const error = thrownError(() => createDefaultRegistry());

    expect(error.message).toBe('the format plugin "crashing" could not create its stores: missing native module');
    expect(error.cause).toBe(failure);
    expect(error.hint).toBe('update or uninstall the plugin package');
  });

  it('reports a plugin that returns no array', () => {
    registerFormatPlugin(fakePlugin('sloppy', () => fakeStore('toml', ['toml']) as unknown as Store[]));
    const error = thrownError(() => createDefaultRegistry());

    expect(error.message).toContain('"sloppy" returned no array of stores');
  });
});

describe('default registry with plugins', () => {
  it('gains stores of plugins registered later', () => {
    expect(getDefaultRegistry().has('toml')).toBe(false);

    registerFormatPlugin(fakePlugin('example-toml', () => [fakeStore('toml', ['toml'])]));

    expect(getStore('toml').name).toBe('toml');
    expect(storeForPath('app.toml').name).toBe('toml');
    expect(getDefaultRegistry().list().filter((store) => store.name === 'toml')).toHaveLength(1);
  });
});

describe('unregisterFormatPlugin', () => {
  it('removes the plugin from later registries', () => {
    registerFormatPlugin(fakePlugin('example-toml', () => [fakeStore('toml', ['toml'])]));
    const before = createDefaultRegistry();

    expect(unregisterFormatPlugin('example-toml')).toBe(true);
    expect(unregisterFormatPlugin('example-toml')).toBe(false);
    expect(listFormatPlugins()).toEqual([]);
    expect(createDefaultRegistry().has('toml')).toBe(false);
    expect(before.has('toml')).toBe(true);
  });
});
