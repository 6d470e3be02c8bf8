import type { TokenCredential } from '@azure/core-auth';
import { AzkvError, type KeyEntry } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { AzureKeyVaultMasterKey, azureKeySource } from '../src/index.js';

// These tests never reach a vault, so a token request would be a bug.
const noCredential: TokenCredential = {
  getToken: async () => {
    throw new Error('unexpected token request');
  },
};
const source = azureKeySource({ credential: noCredential });

const STORED: KeyEntry = [
  ['created_at', '2026-12-04T19:40:00Z'],
  ['enc', 'WT3Y4jUzlszyyjIDOs1PAbUU'],
  ['name', 'interop-key'],
  ['vault_url', 'https://sops-interop.vault.azure.net'],
  ['version', 'd66f07530e6b81ea156f924eefe21b20'],
];

function entryWith(field: string, value: string | KeyEntry): KeyEntry {
  return STORED.map(([name, current]) => [name, name === field ? value : current]);
}

function metadataError(action: () => unknown): AzkvError {
  try {
    action();
  } catch (error) {
    if (error instanceof AzkvError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an AzkvError');
}

describe('azure_kv entry', () => {
  it('writes fields in struct order', () => {
    const key = source.fromEntry(STORED);
    expect(key.toEntry()).toEqual([
      ['vault_url', 'https://sops-interop.vault.azure.net'],
      ['name', 'interop-key'],
      ['version', 'd66f07530e6b81ea156f924eefe21b20'],
      ['created_at', '2026-12-04T19:40:00Z'],
      ['enc', 'WT3Y4jUzlszyyjIDOs1PAbUU'],
    ]);
  });

  it('describes the key by URL', () => {
    const key = source.fromEntry(STORED);
    expect(key.type).toBe('azure_kv');
    expect(key.usable).toBe(true);
    expect(key.description).toBe('https://sops-interop.vault.azure.net/keys/interop-key/d66f07530e6b81ea156f924eefe21b20');
  });

  it('keeps an empty version empty', () => {
    const key = source.fromEntry(entryWith('version', ''));
    expect(key.version).toBeUndefined();
    expect(key.description).toBe('https://sops-interop.vault.azure.net/keys/interop-key/');
    expect(key.toEntry()[2]).toEqual(['version', '']);
  });

  it('ignores unknown fields', () => {
    const key = source.fromEntry([...STORED, ['comment', 'added by hand']]);
    expect(key.toEntry()).toHaveLength(5);
  });

  // Results of Go 1.26's time.Parse, then Time.Format, with time.RFC3339.
  it.each([
    ['2026-12-04T19:40:00Z', '2026-12-04T19:40:00Z'],
    ['2026-12-04T19:40:00.123456Z', '2026-12-04T19:40:00Z'],
    ['2026-12-04T21:40:00+02:00', '2026-12-04T21:40:00+02:00'],
    ['2026-12-04T19:40:00+00:00', '2026-12-04T19:40:00Z'],
    ['2026-12-04T19:40:00-00:00', '2026-12-04T19:40:00Z'],
    ['2026-12-04T19:40:00,5Z', '2026-12-04T19:40:00Z'],
    ['2026-12-04T9:40:00Z', '2026-12-04T09:40:00Z'],
    ['2026-12-04T19:40:00+01:60', '2026-12-04T19:40:00+02:00'],
  ])('writes created_at %s back as %s', (stored, written) => {
    expect(source.fromEntry(entryWith('created_at', stored)).createdAt).toBe(written);
  });

  // Values Go's time.Parse(time.RFC3339) rejects.
  it.each([
    '',
    '2026-12-04',
    'yesterday',
    '2026-12-04 19:40:00',
    '2026-12-04t19:40:00Z',
    '2026-12-04T19:40:00z',
    '2026-13-04T19:40:00Z',
    '2026-02-30T19:40:00Z',
    '2026-12-04T24:00:00Z',
    ' 2026-12-04T19:40:00Z',
    '2026-12-04T19:40:00+0200',
  ])('rejects created_at %j', (value) => {
    const error = metadataError(() => source.fromEntry(entryWith('created_at', value)));
    expect(error.code).toBe('ERR_METADATA');
    expect(error.message).toContain(`created_at ${JSON.stringify(value)}`);
    expect(error.message).toContain('https://sops-interop.vault.azure.net/keys/interop-key');
  });

  it('rejects a mapping as a field value', () => {
    const error = metadataError(() => source.fromEntry(entryWith('name', [['nested', 'value']])));
    expect(error.code).toBe('ERR_METADATA');
    expect(error.message).toContain("field 'name'");
  });
});

describe('new key', () => {
  it('records its creation in UTC seconds', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const key = source.fromKeyId({ vaultUrl: 'https://v.example', name: 'k' });
    const after = Date.now();

    expect(key.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const created = Date.parse(key.createdAt);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(after);
  });

  it('has nothing to decrypt before encryption', async () => {
    const key = AzureKeyVaultMasterKey.fromUrl('https://v.example/keys/k/v1', { credential: noCredential });
    expect(key.encryptedKey).toBe('');
    await expect(key.decrypt()).rejects.toMatchObject({ code: 'ERR_METADATA', exitCode: 128 });
    await expect(key.decrypt()).rejects.toThrow('https://v.example/keys/k/v1: its enc value is empty');
  });

  it('builds keys from a URL list', () => {
    const keys = source.fromUrls('https://a.example/keys/k1/v1,https://b.example/keys/k2');
    expect(keys.map((key) => key.description)).toEqual(['https://a.example/keys/k1/v1', 'https://b.example/keys/k2/']);
  });

  it('rejects an invalid URL', () => {
    expect(() => AzureKeyVaultMasterKey.fromUrl('https://v.example/secrets/s')).toThrow(AzkvError);
  });
});
