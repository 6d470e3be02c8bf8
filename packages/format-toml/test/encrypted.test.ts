import {
  AzkvError,
  branch,
  decryptTree,
  encryptMac,
  encryptTree,
  formatLastModified,
  metadataFromBranch,
  metadataToBranch,
  normalizeRules,
  OpaqueMasterKey,
  SOPS_FORMAT_VERSION,
  verifyMac,
  type EncryptionRules,
  type KeyGroup,
  type Metadata,
  type TreeBranch,
} from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { emit, load, plain, store } from './helpers.js';

// A fixed data key makes a failure easier to reproduce. The IVs stay random.
const DATA_KEY = Uint8Array.from({ length: 32 }, (_, index) => index * 7 + 1);
const LAST_MODIFIED = formatLastModified(new Date('2026-12-04T19:40:00Z'));
const ENCRYPTED_VALUE = /"ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]"/g;

function azureKey(name: string): OpaqueMasterKey {
  return new OpaqueMasterKey('azure_kv', [
    ['vault_url', 'https://example.vault.azure.net'],
    ['name', name],
    ['version', '0123456789abcdef0123456789abcdef'],
    ['created_at', '2026-12-04T19:40:00Z'],
    ['enc', `wrapped-${name}`],
  ]);
}

/** Encrypts a TOML text as the CLI does and returns the encrypted file text. */
function encryptText(text: string, keyGroups: KeyGroup[], rules: Partial<EncryptionRules> = {}): string {
  const normalized = normalizeRules(rules);
  const encrypted = encryptTree(store.loadPlainFile(new TextEncoder().encode(text)), DATA_KEY, normalized);
  const metadata: Metadata = {
    ...normalized,
    lastModified: LAST_MODIFIED,
    mac: encryptMac(encrypted.mac, DATA_KEY, LAST_MODIFIED),
    version: SOPS_FORMAT_VERSION,
    keyGroups,
    shamirThreshold: 0,
  };
  const output = store.emitEncryptedFile({ branches: encrypted.branches, metadata: metadataToBranch(metadata) });
  return new TextDecoder().decode(output);
}

/** Decrypts an encrypted file text, checks the MAC and returns the plaintext tree and metadata. */
function decryptText(text: string): { document: TreeBranch; metadata: Metadata } {
  const loaded = store.loadEncryptedFile(new TextEncoder().encode(text));
  const metadata = metadataFromBranch(loaded.metadata);
  const decrypted = decryptTree(loaded.branches, DATA_KEY, metadata);
  verifyMac({ storedMac: metadata.mac, computedMac: decrypted.mac, dataKey: DATA_KEY, lastModified: metadata.lastModified });
  return { document: decrypted.branches[0]!, metadata };
}

const PLAINTEXT = [
  'title = "app"',
  'port_unencrypted = 8080',
  'ratio = 0.5',
  'enabled = true',
  'since = 2026-12-04T19:40:00.123456789+01:00',
  'hosts = ["a", "b"]',
  'site.url = "https://example.test"',
  'note = "ok"',
  '',
  '[database]',
  'password = "hunter2"',
  'pem = """',
  'line one',
  'line two"""',
  '',
  '[[users]]',
  'name = "alice"',
  'uid = 1000',
  '',
  '[[users]]',
  'name = "bob"',
  'uid = 1001',
  '',
].join('\n');

describe('encrypted TOML', () => {
  it('embeds the metadata as a [sops] table', () => {
    const text = encryptText(PLAINTEXT, [[azureKey('sops-key')]]);

    expect(text.replace(ENCRYPTED_VALUE, '"ENC"')).toBe(
      [
        'title = "ENC"',
        'port_unencrypted = 8080',
        'ratio = "ENC"',
        'enabled = "ENC"',
        'since = "ENC"',
        'hosts = ["ENC", "ENC"]',
        'site.url = "ENC"',
        'note = "ENC"',
        '',
        '[database]',
        'password = "ENC"',
        'pem = "ENC"',
        '',
        '[[users]]',
        'name = "ENC"',
        'uid = "ENC"',
        '',
        '[[users]]',
        'name = "ENC"',
        'uid = "ENC"',
        '',
        '[sops]',
        `lastmodified = "${LAST_MODIFIED}"`,
        'mac = "ENC"',
        'unencrypted_suffix = "_unencrypted"',
        `version = "${SOPS_FORMAT_VERSION}"`,
        '',
        '[[sops.azure_kv]]',
        'created_at = "2026-12-04T19:40:00Z"',
        'enc = "wrapped-sops-key"',
        'name = "sops-key"',
        'vault_url = "https://example.vault.azure.net"',
        'version = "0123456789abcdef0123456789abcdef"',
        '',
      ].join('\n'),
    );
    expect(text.match(ENCRYPTED_VALUE)).toHaveLength(15);
  });

  it('decrypts back to the plaintext with a valid MAC', () => {
    const { document, metadata } = decryptText(encryptText(PLAINTEXT, [[azureKey('sops-key')]]));

    expect(plain(document)).toEqual(plain(load(PLAINTEXT)));
    expect(emit(document)).toBe(PLAINTEXT);
    expect(metadata.keyGroups).toHaveLength(1);
    expect(metadata.keyGroups[0]!.map((key) => key.toEntry())).toEqual([azureKey('sops-key').toEntry().sort()]);
    expect(metadata.unencryptedSuffix).toBe('_unencrypted');
  });

  it('writes several key groups as nested arrays of tables', () => {
    const text = encryptText('a = 1\n', [[azureKey('one')], [azureKey('two'), azureKey('three')]]);

    expect(text).toContain('\n[[sops.key_groups]]\nage = []\nhc_vault = []\n\n[[sops.key_groups.azure_kv]]\n');
    const { metadata } = decryptText(text);
    expect(metadata.keyGroups.map((group) => group.map((key) => key.description))).toEqual([
      ['azure_kv'],
      ['azure_kv', 'azure_kv'],
    ]);
    expect(metadata.keyGroups[1]!.map((key) => key.toEntry().find(([field]) => field === 'name')?.[1])).toEqual([
      'two',
      'three',
    ]);
  });

  it('keeps rules that select values', () => {
    const text = encryptText('public = "p"\nsecret_enc = "s"\n', [[azureKey('k')]], { encryptedRegex: '_enc$' });

    expect(text).toMatch(/^public = "p"\nsecret_enc = "ENC\[/);
    expect(text).toContain('encrypted_regex = "_enc$"');
    expect(plain(decryptText(text).document)).toEqual([
      ['public', 'p'],
      ['secret_enc', 's'],
    ]);
  });

  it('detects a changed value through the MAC', () => {
    const text = encryptText('a = "x"\nb_unencrypted = "y"\n', [[azureKey('k')]]);
    const tampered = text.replace('b_unencrypted = "y"', 'b_unencrypted = "z"');

    expect(() => decryptText(tampered)).toThrow(/MAC mismatch/);
  });

  it('rejects a top-level sops key in the data', () => {
    const document = load('sops = "mine"\n');
    const call = (): unknown => store.emitEncryptedFile({ branches: [document], metadata: branch() });

    expect(call).toThrow(AzkvError);
    expect(call).toThrow("the key 'sops' is reserved for sops metadata");
  });

  it('reports a file without metadata', () => {
    const call = (): unknown => store.loadEncryptedFile(new TextEncoder().encode('a = 1\n'));

    expect(call).toThrow(expect.objectContaining({ code: 'ERR_METADATA_NOT_FOUND' }));
  });

  it.each([
    ['a local date', 'd = 2026-12-04\n'],
    ['a local date-time', 'd = 2026-12-04T10:00:00\n'],
    ['a local time', 'd = 10:00:00\n'],
  ])('cannot encrypt %s', (_case, text) => {
    expect(() => encryptText(text, [[azureKey('k')]])).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_VALUE', message: expect.stringContaining('path "d:"') }),
    );
  });
});
