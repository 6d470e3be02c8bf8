import { AzkvError } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { formatKeyUrl, keyUrlsFromEnv, parseKeyUrl, parseKeyUrls, type AzureKeyId } from '../src/index.js';

// Expected results were produced by running sops 3.13.2's rule (its regular
// expression after Go's strings.TrimSpace) on the same inputs with Go 1.26.
const ACCEPTED: Array<[input: string, expected: AzureKeyId]> = [
  [
    'https://myvault.vault.azure.net/keys/sops-key/0123456789abcdef0123456789abcdef',
    { vaultUrl: 'https://myvault.vault.azure.net', name: 'sops-key', version: '0123456789abcdef0123456789abcdef' },
  ],
  ['https://myvault.vault.azure.net/keys/sops-key/', { vaultUrl: 'https://myvault.vault.azure.net', name: 'sops-key' }],
  ['https://myvault.vault.azure.net/keys/sops-key', { vaultUrl: 'https://myvault.vault.azure.net', name: 'sops-key' }],
  ['  https://myvault.vault.azure.net/keys/k/v \n', { vaultUrl: 'https://myvault.vault.azure.net', name: 'k', version: 'v' }],
  ['\u0085https://v.example/keys/k\u00a0', { vaultUrl: 'https://v.example', name: 'k' }],
  ['https://127.0.0.1:8443/keys/k/v', { vaultUrl: 'https://127.0.0.1:8443', name: 'k', version: 'v' }],
  ['https://[::1]:8443/keys/k/v', { vaultUrl: 'https://[::1]:8443', name: 'k', version: 'v' }],
  ['https://host:443/keys/k/v', { vaultUrl: 'https://host:443', name: 'k', version: 'v' }],
  ['https://contoso.managedhsm.azure.net/keys/hsm-key/abc', { vaultUrl: 'https://contoso.managedhsm.azure.net', name: 'hsm-key', version: 'abc' }],
  ['https://vault.vault.azure.cn/keys/k/v', { vaultUrl: 'https://vault.vault.azure.cn', name: 'k', version: 'v' }],
  ['https://vault.privatelink.vaultcore.azure.net/keys/k', { vaultUrl: 'https://vault.privatelink.vaultcore.azure.net', name: 'k' }],
  // sops checks only slashes, so these odd forms pass its rule too.
  ['https://user@host/keys/k', { vaultUrl: 'https://user@host', name: 'k' }],
  ['https://host?x=1/keys/k', { vaultUrl: 'https://host?x=1', name: 'k' }],
  ['https://host/keys/k?x=1', { vaultUrl: 'https://host', name: 'k?x=1' }],
  ['https://host/keys/k/v?x', { vaultUrl: 'https://host', name: 'k', version: 'v?x' }],
  ['https://host/keys/a b/c d', { vaultUrl: 'https://host', name: 'a b', version: 'c d' }],
  ['https://host/keys/k\n/v', { vaultUrl: 'https://host', name: 'k\n', version: 'v' }],
];

const REJECTED: string[] = [
  '\ufeffhttps://v.example/keys/k',
  'HTTPS://host/keys/k/v',
  'http://host/keys/k/v',
  'https://host/keys/',
  'https://host/keys//v',
  'https://host/keys/k/v/extra',
  'https://host/keys/k//',
  'https://host/Keys/k/v',
  'https://host/secrets/k/v',
  'https://host/path/keys/k',
  'https:///keys/k',
  'https://host',
  'host/keys/k',
  '',
  ' ',
];

function parseError(action: () => unknown): AzkvError {
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

describe('parseKeyUrl', () => {
  it.each(ACCEPTED)('accepts %j', (input, expected) => {
    expect(parseKeyUrl(input)).toEqual(expected);
  });

  it.each(REJECTED)('rejects %j', (input) => {
    const error = parseError(() => parseKeyUrl(input));
    expect(error.code).toBe('ERR_KEY_URL');
    expect(error.message).toContain(JSON.stringify(input));
    expect(error.message).toContain('https://VAULT_HOST/keys/KEY_NAME[/KEY_VERSION]');
  });

  it('omits the version property when absent', () => {
    expect('version' in parseKeyUrl('https://v.example/keys/k/')).toBe(false);
  });
});

describe('parseKeyUrls', () => {
  it('returns no keys for the empty string', () => {
    expect(parseKeyUrls('')).toEqual([]);
  });

  it('splits on commas and trims each URL', () => {
    expect(parseKeyUrls('https://a.example/keys/k1/v1 , https://b.example/keys/k2/')).toEqual([
      { vaultUrl: 'https://a.example', name: 'k1', version: 'v1' },
      { vaultUrl: 'https://b.example', name: 'k2' },
    ]);
  });

  it('rejects a trailing comma', () => {
    const error = parseError(() => parseKeyUrls('https://a.example/keys/k1/v1,'));
    expect(error.code).toBe('ERR_KEY_URL');
    expect(error.message).toContain('""');
  });

  it('rejects a list of only white space', () => {
    expect(parseError(() => parseKeyUrls(' ')).code).toBe('ERR_KEY_URL');
  });

  it('names the invalid element', () => {
    const error = parseError(() => parseKeyUrls('https://a.example/keys/k1,http://b.example/keys/k2'));
    expect(error.message).toContain('"http://b.example/keys/k2"');
  });
});

describe('keyUrlsFromEnv', () => {
  it('reads SOPS_AZURE_KEYVAULT_URLS', () => {
    const env = { SOPS_AZURE_KEYVAULT_URLS: 'https://a.example/keys/k1/v1,https://b.example/keys/k2' };
    expect(keyUrlsFromEnv(env)).toEqual([
      { vaultUrl: 'https://a.example', name: 'k1', version: 'v1' },
      { vaultUrl: 'https://b.example', name: 'k2' },
    ]);
  });

  it('returns no keys when unset or empty', () => {
    expect(keyUrlsFromEnv({})).toEqual([]);
    expect(keyUrlsFromEnv({ SOPS_AZURE_KEYVAULT_URLS: '' })).toEqual([]);
  });

  it('rejects an invalid value', () => {
    expect(parseError(() => keyUrlsFromEnv({ SOPS_AZURE_KEYVAULT_URLS: 'https://a.example/k' })).code).toBe('ERR_KEY_URL');
  });
});

describe('formatKeyUrl', () => {
  it('writes the version after the name', () => {
    expect(formatKeyUrl({ vaultUrl: 'https://v.example', name: 'k', version: 'v1' })).toBe('https://v.example/keys/k/v1');
  });

  it('ends in a slash without a version, as sops prints it', () => {
    expect(formatKeyUrl({ vaultUrl: 'https://v.example', name: 'k' })).toBe('https://v.example/keys/k/');
  });
});
