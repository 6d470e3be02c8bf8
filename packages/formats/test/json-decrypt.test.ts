import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decryptTree, encryptMac, encryptTree, metadataFromBranch, verifyMac, type TreeBranches } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { binaryStore } from '../src/binary/index.js';
import type { EncryptedDocument, Store } from '../src/index.js';
import { jsonStore } from '../src/json/index.js';

const vectors = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'sops-json');
const dataKeys = JSON.parse(readFileSync(path.join(vectors, 'data-keys.json'), 'utf8')) as Record<string, string>;

function readVector(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(vectors, name)));
}

/** Decrypts a file written by sops with its recorded data key and checks the MAC, as `sops decrypt` does. */
function decryptVector(store: Store, name: string): TreeBranches {
  const dataKey = Buffer.from(dataKeys[name]!, 'hex');
  const document = store.loadEncryptedFile(readVector(name));
  const metadata = metadataFromBranch(document.metadata);
  const result = decryptTree(document.branches, dataKey, metadata);
  verifyMac({ storedMac: metadata.mac, computedMac: result.mac, dataKey, lastModified: metadata.lastModified });
  return result.branches;
}

describe('decrypting JSON files written by sops', () => {
  it.each(['values.enc.json', 'values.indent2.enc.json'])('should print %s as sops decrypt does', (name) => {
    const emitted = jsonStore.emitPlainFile(decryptVector(jsonStore, name));
    expect(Buffer.from(emitted).toString()).toBe(Buffer.from(readVector('values.emitted.json')).toString());
  });

  it('should decrypt both entries of a repeated key', () => {
    const emitted = jsonStore.emitPlainFile(decryptVector(jsonStore, 'duplicates.enc.json'));
    expect(Buffer.from(emitted).toString()).toBe('{\n\t"token": "first",\n\t"token": "second"\n}\n');
  });

  it('should decrypt binary data that is not UTF-8 to the exact bytes', () => {
    const branches = decryptVector(binaryStore, 'payload.enc.json');
    expect(branches[0]!.items[0]!.value).toBeInstanceOf(Uint8Array);
    expect(binaryStore.emitPlainFile(branches)).toEqual(readVector('payload.bin'));
  });
});

describe('encrypting binary files', () => {
  it('should round-trip 1 MiB of every byte value through the cipher', () => {
    const input = new Uint8Array(1024 * 1024).map((_, index) => (index * 7 + (index >> 8)) % 256);
    const dataKey = new Uint8Array(32).fill(7);
    const lastModified = '2026-01-02T03:04:05Z';

    const encrypted = encryptTree(binaryStore.loadPlainFile(input), dataKey, {});
    const mac = encryptMac(encrypted.mac, dataKey, lastModified);
    const metadataBranch = {
      kind: 'branch' as const,
      items: [
        { key: 'lastmodified', value: lastModified },
        { key: 'mac', value: mac },
        { key: 'version', value: '3.13.2' },
      ],
    };
    const file = binaryStore.emitEncryptedFile({ branches: encrypted.branches, metadata: metadataBranch });
    expect(Buffer.from(file).toString()).toMatch(/^\{\n\t"data": "ENC\[AES256_GCM,data:[^"]*,type:str\]",\n\t"sops": \{/);

    const document: EncryptedDocument = binaryStore.loadEncryptedFile(file);
    expect(document.metadata).toEqual(metadataBranch);
    const decrypted = decryptTree(document.branches, dataKey, {});
    expect(decrypted.mac).toBe(encrypted.mac);
    verifyMac({ storedMac: mac, computedMac: decrypted.mac, dataKey, lastModified });
    const output = binaryStore.emitPlainFile(decrypted.branches);
    expect(Buffer.compare(Buffer.from(output), Buffer.from(input))).toBe(0);
  });
});
