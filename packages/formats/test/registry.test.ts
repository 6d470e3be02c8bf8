import { AzkvError, branch, type TreeBranches } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { binaryStore, createBinaryStore } from '../src/binary/index.js';
import { createJsonStore, jsonStore } from '../src/json/index.js';
import {
  createDefaultRegistry,
  getDefaultRegistry,
  getStore,
  listStores,
  registerStore,
  StoreRegistry,
  storeForPath,
} from '../src/registry.js';
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

function registryError(action: () => unknown): AzkvError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AzkvError);
    return error as AzkvError;
  }
  throw new Error('expected an AzkvError');
}

describe('default registry', () => {
  it('should hold the sops built-in stores', () => {
    expect(listStores().map((store) => store.name)).toEqual(['yaml', 'json', 'dotenv', 'ini', 'binary']);
    expect(getDefaultRegistry()).toBe(getDefaultRegistry());
  });

  // sops 3.13.2 `FormatForPath`: case-sensitive suffixes, binary for the rest.
  it.each([
    ['secrets.yaml', 'yaml'],
    ['dir/secrets.yml', 'yaml'],
    ['secrets.json', 'json'],
    ['.env', 'dotenv'],
    ['prod.env', 'dotenv'],
    ['config.ini', 'ini'],
    ['a.yaml.json', 'json'],
    ['.json', 'json'],
    ['secrets.JSON', 'binary'],
    ['secrets.Yaml', 'binary'],
    ['config.json.bak', 'binary'],
    ['dir.json/file', 'binary'],
    ['secretsjson', 'binary'],
    ['key.pem', 'binary'],
    ['Makefile', 'binary'],
    ['', 'binary'],
  ])('should pick the store for %j', (filePath, expected) => {
    expect(storeForPath(filePath).name).toBe(expected);
  });

  it('should find stores by their exact name', () => {
    for (const name of ['yaml', 'json', 'dotenv', 'ini', 'binary']) {
      expect(getStore(name).name).toBe(name);
    }
  });

  it.each(['xml', 'JSON', ' json', ''])('should reject the unknown format %j', (name) => {
    const error = registryError(() => getStore(name));
    expect(error.code).toBe('ERR_UNKNOWN_FORMAT');
    expect(error.message).toBe(`unknown format ${JSON.stringify(name)}: use one of binary, dotenv, ini, json, yaml`);
  });

  it('should reject a built-in name unless replace is set', () => {
    const error = registryError(() => registerStore(fakeStore('json', [])));
    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.message).toContain('"json" is already registered');
  });

  it('should accept a plugin store in the default registry', () => {
    const toml = fakeStore('toml', ['toml']);
    registerStore(toml);
    expect(getStore('toml')).toBe(toml);
    expect(storeForPath('pyproject.toml')).toBe(toml);
  });
});

describe('createDefaultRegistry', () => {
  it('should apply the store settings of .sops.yaml', () => {
    const registry = createDefaultRegistry({ json: { indent: 2 }, jsonBinary: { indent: 4 } });
    const document = [branch([{ key: 'a', value: branch([{ key: 'b', value: 1n }]) }])];
    const json = Buffer.from(registry.get('json').emitPlainFile(document)).toString();
    expect(json).toBe('{\n  "a": {\n    "b": 1\n  }\n}\n');
    const envelope = registry.get('binary').emitEncryptedFile({ branches: document, metadata: branch() });
    expect(Buffer.from(envelope).toString()).toBe('{\n    "a": {\n        "b": 1\n    },\n    "sops": {}\n}\n');
  });

  it('should return a new registry on every call', () => {
    expect(createDefaultRegistry()).not.toBe(createDefaultRegistry());
    expect(createDefaultRegistry()).not.toBe(getDefaultRegistry());
  });
});

describe('StoreRegistry', () => {
  it('should prefer the longest matching extension', () => {
    const registry = new StoreRegistry();
    const json = fakeStore('json', ['json']);
    const encrypted = fakeStore('sops-json', ['sops.json']);
    registry.register(json);
    registry.register(encrypted);
    expect(registry.forPath('a.sops.json')).toBe(encrypted);
    expect(registry.forPath('a.json')).toBe(json);
  });

  it('should throw for an unknown path without a fallback store', () => {
    const registry = new StoreRegistry({ fallback: 'binary' });
    registry.register(jsonStore);
    const error = registryError(() => registry.forPath('notes.txt'));
    expect(error.code).toBe('ERR_UNKNOWN_FORMAT');
    expect(error.message).toBe('no format is registered for the file "notes.txt": choose one of json with --input-type');
    registry.register(binaryStore);
    expect(registry.forPath('notes.txt')).toBe(binaryStore);
  });

  it('should reject an extension that another store owns', () => {
    const registry = new StoreRegistry();
    registry.register(fakeStore('yaml', ['yaml', 'yml']));
    const error = registryError(() => registry.register(fakeStore('yaml2', ['json', 'yml'])));
    expect(error.message).toContain('the extension ".yml" belongs to the store "yaml"');
    // The failed call registered nothing, not even the free extension.
    expect(registry.has('yaml2')).toBe(false);
    expect(() => registry.forPath('a.json')).toThrow(/no format is registered/);
  });

  it('should replace a store and drop its old extensions', () => {
    const registry = new StoreRegistry();
    registry.register(fakeStore('yaml', ['yaml', 'yml']));
    const replacement = fakeStore('yaml', ['yaml']);
    registry.register(replacement, { replace: true });
    expect(registry.get('yaml')).toBe(replacement);
    expect(registry.list()).toEqual([replacement]);
    expect(() => registry.forPath('a.yml')).toThrow(/no format is registered/);
  });

  it('should let replace take over another store extension', () => {
    const registry = new StoreRegistry();
    const json = createJsonStore();
    registry.register(json);
    const binary = createBinaryStore();
    const jsonLike = Object.assign(Object.create(binary) as Store, { name: 'envelope', extensions: ['json'] });
    registry.register(jsonLike, { replace: true });
    expect(registry.forPath('a.json')).toBe(jsonLike);
    expect(registry.get('json')).toBe(json);
  });

  it.each([
    [fakeStore('', []), 'use a non-empty name without spaces'],
    [fakeStore('my store', []), 'use a non-empty name without spaces'],
    [fakeStore('toml', ['.toml']), 'invalid extension ".toml"; write it without the leading dot'],
    [fakeStore('toml', ['']), 'invalid extension ""'],
    [fakeStore('toml', ['a/toml']), 'invalid extension "a/toml"'],
    [{ ...fakeStore('toml', []), emitPlainFile: undefined } as unknown as Store, 'it has no emitPlainFile() method'],
    [{ ...fakeStore('toml', []), extensions: 'toml' } as unknown as Store, 'extensions must be an array'],
  ])('should reject an invalid store (%#)', (store, message) => {
    const registry = new StoreRegistry();
    const error = registryError(() => registry.register(store));
    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.message).toContain(message);
    expect(registry.list()).toEqual([]);
  });

  it('should list names in its unknown-format message, or say there are none', () => {
    const registry = new StoreRegistry();
    expect(() => registry.get('json')).toThrow('unknown format "json": use one of (no formats are registered)');
  });
});
