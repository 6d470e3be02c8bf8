import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AzkvError, branch, list, type TreeBranch } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { BINARY_DATA_KEY, binaryStore, createBinaryStore, isSingleValueStore } from '../src/binary/index.js';
import { jsonStore } from '../src/json/index.js';

const vectors = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'sops-json');

function readVector(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(vectors, name)));
}

/** 1 MiB in which every byte value occurs at every position modulo 256, plus random bytes. */
function everyByteMegabyte(): Uint8Array {
  const bytes = new Uint8Array(1024 * 1024);
  for (let index = 0; index < bytes.length / 2; index += 1) {
    bytes[index] = index % 256;
  }
  bytes.set(randomBytes(bytes.length / 2), bytes.length / 2);
  return bytes;
}

function emitError(branches: TreeBranch[]): AzkvError {
  try {
    binaryStore.emitPlainFile(branches);
  } catch (error) {
    expect(error).toBeInstanceOf(AzkvError);
    return error as AzkvError;
  }
  throw new Error('expected an AzkvError');
}

describe('binary store plaintext', () => {
  it('should round-trip 1 MiB with every byte value exactly', () => {
    const input = everyByteMegabyte();
    const branches = binaryStore.loadPlainFile(input);
    expect(branches).toHaveLength(1);
    expect(branches[0]!.items.map((item) => item.key)).toEqual([BINARY_DATA_KEY]);
    const output = binaryStore.emitPlainFile(branches);
    expect(output).toBeInstanceOf(Uint8Array);
    expect(Buffer.compare(Buffer.from(output), Buffer.from(input))).toBe(0);
  });

  it('should keep bytes that are not UTF-8 and a byte order mark', () => {
    const input = readVector('payload.bin');
    const value = binaryStore.loadPlainFile(input)[0]!.items[0]!.value;
    expect(value).toBeInstanceOf(Uint8Array);
    expect(value).toEqual(input);
    expect(binaryStore.emitPlainFile(binaryStore.loadPlainFile(input))).toEqual(input);
  });

  it('should keep an empty file empty', () => {
    expect(binaryStore.emitPlainFile(binaryStore.loadPlainFile(new Uint8Array()))).toEqual(new Uint8Array());
  });

  it('should copy the input and the output', () => {
    const input = new Uint8Array([1, 2, 3]);
    const branches = binaryStore.loadPlainFile(input);
    input[0] = 9;
    const output = binaryStore.emitPlainFile(branches);
    output[1] = 9;
    expect(binaryStore.emitPlainFile(branches)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('should write a decrypted string value as UTF-8', () => {
    const branches = [branch([{ key: 'data', value: 'héllo\n' }])];
    expect(Buffer.from(binaryStore.emitPlainFile(branches)).toString()).toBe('héllo\n');
  });

  it('should write the first data entry, as sops does', () => {
    const branches = [
      branch([
        { key: 'x', value: 1n },
        { key: 'data', value: 'first' },
        { key: 'data', value: 'second' },
      ]),
    ];
    expect(Buffer.from(binaryStore.emitPlainFile(branches)).toString()).toBe('first');
  });

  it.each([
    ['no data entry', [branch([{ key: 'other', value: 'x' }])], "the 'data' entry is missing"],
    ['an int', [branch([{ key: 'data', value: 1n }])], "the 'data' entry has the type int"],
    ['a mapping', [branch([{ key: 'data', value: branch() }])], "the 'data' entry has the type mapping"],
    ['a list', [branch([{ key: 'data', value: list() }])], "the 'data' entry has the type list"],
    ['null', [branch([{ key: 'data', value: null }])], "the 'data' entry has the type null"],
    ['a float', [branch([{ key: 'data', value: 1.5 }])], "the 'data' entry has the type float"],
    ['no document', [], 'exactly one document, but there are 0'],
    ['two documents', [branch(), branch()], 'exactly one document, but there are 2'],
  ])('should reject a tree with %s', (_case, branches, message) => {
    const error = emitError(branches);
    expect(error.code).toBe('ERR_UNSUPPORTED_VALUE');
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain(message);
    expect(error.hint).toContain('--output-type');
  });

  it('should be a single-value store, unlike the JSON store', () => {
    expect(isSingleValueStore(binaryStore)).toBe(true);
    expect(isSingleValueStore(jsonStore)).toBe(false);
    expect(binaryStore.name).toBe('binary');
    expect(binaryStore.extensions).toEqual([]);
  });
});

describe('binary store envelope', () => {
  it('should re-emit a file encrypted by sops byte for byte', () => {
    const original = readVector('payload.enc.json');
    const document = binaryStore.loadEncryptedFile(original);
    const data = document.branches[0]!.items[0]!;
    expect(data.key).toBe('data');
    expect(String(data.value)).toMatch(/^ENC\[AES256_GCM,data:.*,type:str\]$/);
    // sops writes no unencrypted_suffix for the binary store.
    expect(document.metadata.items.map((item) => item.key)).not.toContain('unencrypted_suffix');
    expect(Buffer.from(binaryStore.emitEncryptedFile(document)).toString()).toBe(Buffer.from(original).toString());
  });

  it('should write the data as sops writes it in JSON output', () => {
    const branches = binaryStore.loadPlainFile(readVector('payload.bin'));
    const expected = readVector('payload.as-json.json');
    expect(Buffer.from(jsonStore.emitPlainFile(branches)).toString()).toBe(Buffer.from(expected).toString());
  });

  it('should indent the envelope as configured', () => {
    const document = {
      branches: [branch([{ key: 'data', value: 'ENC[x]' }])],
      metadata: branch([{ key: 'version', value: '3.13.2' }]),
    };
    const text = Buffer.from(createBinaryStore({ indent: 2 }).emitEncryptedFile(document)).toString();
    expect(text).toBe('{\n  "data": "ENC[x]",\n  "sops": {\n    "version": "3.13.2"\n  }\n}\n');
    expect(() => createBinaryStore({ indent: -3 })).toThrow(/invalid JSON indent -3/);
  });
});
