import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FloatValue, isBranch, isComment, isList, type TreeValue } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { binaryStore } from '../src/binary/index.js';
import { createJsonStore, jsonStore } from '../src/json/index.js';

const vectors = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'sops-json');

function readVector(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(vectors, name)));
}

/** Returns the sops type name of a plaintext leaf, as sops' cipher writes it into `type:`. */
function sopsType(value: TreeValue): string {
  if (typeof value === 'string') {
    return 'str';
  }
  if (typeof value === 'bigint') {
    return 'int';
  }
  if (typeof value === 'number' || value instanceof FloatValue) {
    return 'float';
  }
  if (typeof value === 'boolean') {
    return 'bool';
  }
  throw new Error(`unexpected leaf ${String(value)}`);
}

/** Walks a plaintext tree and the tree sops encrypted from it in step and collects the type of each encrypted leaf. */
interface LeafTypes {
  where: string;
  ours: string;
  theirs: string | undefined;
}

function compareLeaves(plain: TreeValue, encrypted: TreeValue, where: string, out: LeafTypes[]): void {
  if (isBranch(plain)) {
    expect(isBranch(encrypted), where).toBe(true);
    const encryptedItems = (encrypted as typeof plain).items.filter((item) => !isComment(item.key));
    expect(encryptedItems.map((item) => item.key), where).toEqual(plain.items.map((item) => item.key));
    plain.items.forEach((item, index) => {
      compareLeaves(item.value, encryptedItems[index]!.value, `${where}/${String(item.key)}`, out);
    });
    return;
  }
  if (isList(plain)) {
    expect(isList(encrypted), where).toBe(true);
    const encryptedItems = (encrypted as typeof plain).items;
    expect(encryptedItems, where).toHaveLength(plain.items.length);
    plain.items.forEach((item, index) => compareLeaves(item as TreeValue, encryptedItems[index] as TreeValue, `${where}/${index}`, out));
    return;
  }
  if (plain === null || plain === '' || where.endsWith('_unencrypted')) {
    // sops leaves null, empty strings and unencrypted keys as they are.
    expect(encrypted, where).toEqual(plain);
    return;
  }
  const tag = /,type:([a-z]+)\]$/.exec(String(encrypted))?.[1];
  out.push({ where, ours: sopsType(plain), theirs: tag });
}

describe('JSON files written by sops', () => {
  it('should emit a plaintext file exactly as sops does', () => {
    const emitted = jsonStore.emitPlainFile(jsonStore.loadPlainFile(readVector('values.json')));
    expect(Buffer.from(emitted).toString()).toBe(Buffer.from(readVector('values.emitted.json')).toString());
  });

  it('should read its own output back as sops does', () => {
    // sops reads the `-0` it wrote for a negative zero float back as the int 0.
    const once = Buffer.from(readVector('values.emitted.json')).toString();
    const twice = jsonStore.emitPlainFile(jsonStore.loadPlainFile(new TextEncoder().encode(once)));
    expect(Buffer.from(twice).toString()).toBe(once.replace('"negative_zero_float": -0,', '"negative_zero_float": 0,'));
  });

  it('should read every leaf with the type sops encrypted it as', () => {
    const [plain] = jsonStore.loadPlainFile(readVector('values.json'));
    const { branches } = jsonStore.loadEncryptedFile(readVector('values.enc.json'));
    const leaves: LeafTypes[] = [];
    compareLeaves(plain!, branches[0]!, '', leaves);
    expect(leaves.length).toBeGreaterThan(30);
    for (const { where, ours, theirs } of leaves) {
      expect(theirs, where).toBe(ours);
    }
  });

  it.each([
    ['values.enc.json', undefined],
    ['values.indent2.enc.json', 2],
    ['duplicates.enc.json', undefined],
  ])('should re-emit %s byte for byte', (name, indent) => {
    const original = readVector(name);
    const store = createJsonStore(indent === undefined ? {} : { indent });
    const emitted = store.emitEncryptedFile(store.loadEncryptedFile(original));
    expect(Buffer.from(emitted).toString()).toBe(Buffer.from(original).toString());
  });

  it('should keep both entries of a repeated key in an encrypted file', () => {
    const { branches } = jsonStore.loadEncryptedFile(readVector('duplicates.enc.json'));
    expect(branches[0]!.items.map((item) => item.key)).toEqual(['token', 'token']);
  });

  it('should extract the metadata keys in order', () => {
    const { metadata } = jsonStore.loadEncryptedFile(readVector('values.enc.json'));
    expect(metadata.items.map((item) => item.key)).toEqual(['age', 'lastmodified', 'mac', 'unencrypted_suffix', 'version']);
    expect(metadata.items.find((item) => item.key === 'version')?.value).toBe('3.13.2');
  });
});

describe('JSON interop fixture with an azure_kv key', () => {
  // The interop fixtures are files encrypted by sops and re-keyed with an
  // azure_kv entry; the variable points to their folder.
  const fixtureRoot = process.env.AZKV_INTEROP_FIXTURES!;

  it('should re-emit format.enc.json byte for byte', () => {
    const original = new Uint8Array(readFileSync(path.join(fixtureRoot, 'azkv', 'format.enc.json')));
    const document = jsonStore.loadEncryptedFile(original);
    expect(document.branches[0]!.items.map((item) => item.key)).toEqual(['foo']);
    expect(document.metadata.items.map((item) => item.key)).toContain('azure_kv');
    expect(Buffer.from(jsonStore.emitEncryptedFile(document)).toString()).toBe(Buffer.from(original).toString());
  });

  it('should load the binary store envelope the same way', () => {
    const original = new Uint8Array(readFileSync(path.join(fixtureRoot, 'azkv', 'format.enc.json')));
    expect(binaryStore.emitEncryptedFile(binaryStore.loadEncryptedFile(original))).toEqual(original);
  });
});
