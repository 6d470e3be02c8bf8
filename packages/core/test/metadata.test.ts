import { describe, expect, it } from 'vitest';
import {
  AzkvError,
  branch,
  list,
  metadataFromBranch,
  metadataToBranch,
  normalizeRules,
  OpaqueMasterKey,
  type KeyEntry,
  type KeySourceFactory,
  type MasterKey,
  type TreeBranch,
  type TreeValue,
} from '../src/index.js';

function mapping(entries: Record<string, TreeValue>): TreeBranch {
  return branch(Object.entries(entries).map(([key, value]) => ({ key, value })));
}

function keys(node: TreeBranch): string[] {
  return node.items.map((item) => (typeof item.key === 'string' ? item.key : '#'));
}

class RecordingKey implements MasterKey {
  readonly type = 'azure_kv';
  readonly usable = true;
  constructor(readonly entry: KeyEntry) {}
  get description(): string {
    return 'recording key';
  }
  async encrypt(): Promise<void> {}
  async decrypt(): Promise<Uint8Array> {
    return new Uint8Array(32);
  }
  toEntry(): KeyEntry {
    return this.entry;
  }
}

const azureFactory: KeySourceFactory = { type: 'azure_kv', fromEntry: (entry) => new RecordingKey(entry) };

// The metadata of a file written by sops 3.6 (struct field order, empty lists).
const oldLayout = mapping({
  kms: list(),
  gcp_kms: list(),
  azure_kv: list([
    mapping({
      vault_url: 'https://example.vault.azure.net',
      name: 'sops-key',
      version: 'd66f07530e6b81ea156f924eefe21b20',
      created_at: '2026-12-04T19:40:00Z',
      enc: 'wrapped',
    }),
  ]),
  hc_vault: list(),
  age: list(),
  lastmodified: '2020-10-07T15:49:13Z',
  mac: 'ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]',
  pgp: list([mapping({ created_at: '2019-08-29T21:52:32Z', enc: '-----BEGIN PGP MESSAGE-----\n...', fp: 'FBC7B9E2' })]),
  unencrypted_suffix: '_unencrypted',
  version: '3.6.1',
});

describe('metadataFromBranch', () => {
  it('should read keys of every type in sops group order', () => {
    const metadata = metadataFromBranch(oldLayout, new Map([['azure_kv', azureFactory]]));

    expect(metadata.keyGroups).toHaveLength(1);
    expect(metadata.keyGroups[0]!.map((key) => key.type)).toEqual(['azure_kv', 'pgp']);
    expect(metadata.keyGroups[0]![0]).toBeInstanceOf(RecordingKey);
    expect(metadata.keyGroups[0]![1]).toBeInstanceOf(OpaqueMasterKey);
    expect(metadata.lastModified).toBe('2020-10-07T15:49:13Z');
    expect(metadata.unencryptedSuffix).toBe('_unencrypted');
    expect(metadata.version).toBe('3.6.1');
  });

  it('should apply the default suffix when no rule is stored', () => {
    const withoutRule = branch(oldLayout.items.filter((item) => item.key !== 'unencrypted_suffix'));
    expect(metadataFromBranch(withoutRule).unencryptedSuffix).toBe('_unencrypted');
  });

  it('should read flat-store strings for integers and booleans', () => {
    const node = mapping({
      key_groups: list([mapping({ pgp: list([mapping({ fp: 'A', enc: 'e', created_at: '2020-01-01T00:00:00Z' })]) })]),
      shamir_threshold: '1',
      mac_only_encrypted: 'true',
      lastmodified: '2020-01-01T00:00:00Z',
      mac: '',
      encrypted_regex: '^data$',
      version: '3.13.2',
    });
    const metadata = metadataFromBranch(node);

    expect(metadata.shamirThreshold).toBe(1);
    expect(metadata.macOnlyEncrypted).toBe(true);
    expect(metadata.encryptedRegex).toBe('^data$');
    expect(metadata.unencryptedSuffix).toBe('');
  });

  it('should reject two encryption rules in one file', () => {
    const node = mapping({ ...Object.fromEntries(oldLayout.items.map((item) => [item.key as string, item.value])), encrypted_regex: 'x' });
    expect(() => metadataFromBranch(node)).toThrow(expect.objectContaining({ code: 'ERR_CONFLICTING_RULES', exitCode: 8 }));
  });

  it('should reject metadata without keys', () => {
    const node = mapping({ lastmodified: '2020-01-01T00:00:00Z', mac: '', version: '3.13.2' });
    expect(() => metadataFromBranch(node)).toThrow(AzkvError);
  });

  it('should reject a malformed lastmodified', () => {
    const node = mapping({ ...Object.fromEntries(oldLayout.items.map((item) => [item.key as string, item.value])), lastmodified: 'yesterday' });
    expect(() => metadataFromBranch(node)).toThrow(/yesterday/);
  });
});

describe('metadataToBranch', () => {
  it('should write sops 3.13 order with sorted fields and no empty lists', () => {
    const written = metadataToBranch(metadataFromBranch(oldLayout, new Map([['azure_kv', azureFactory]])));

    expect(keys(written)).toEqual(['azure_kv', 'lastmodified', 'mac', 'pgp', 'unencrypted_suffix', 'version']);
    const azure = written.items[0]!.value;
    expect(azure).toMatchObject({ kind: 'list' });
    const entry = (azure as { items: TreeBranch[] }).items[0]!;
    expect(keys(entry)).toEqual(['created_at', 'enc', 'name', 'vault_url', 'version']);
  });

  it('should write key groups with the empty hc_vault and age lists sops writes', () => {
    const metadata = metadataFromBranch(oldLayout);
    metadata.keyGroups = [metadata.keyGroups[0]!.slice(0, 1), metadata.keyGroups[0]!.slice(1)];
    metadata.shamirThreshold = 2;
    const written = metadataToBranch(metadata);

    expect(keys(written)).toEqual(['key_groups', 'lastmodified', 'mac', 'shamir_threshold', 'unencrypted_suffix', 'version']);
    const groups = written.items[0]!.value as { items: TreeBranch[] };
    expect(keys(groups.items[0]!)).toEqual(['age', 'azure_kv', 'hc_vault']);
    expect(keys(groups.items[1]!)).toEqual(['age', 'hc_vault', 'pgp']);
    expect(written.items[3]!.value).toBe(2n);
  });

  it('should write mac_only_encrypted only when set', () => {
    const metadata = metadataFromBranch(oldLayout);
    expect(keys(metadataToBranch(metadata))).not.toContain('mac_only_encrypted');
    metadata.macOnlyEncrypted = true;
    expect(keys(metadataToBranch(metadata))).toContain('mac_only_encrypted');
  });
});

describe('normalizeRules', () => {
  it('should default to the _unencrypted suffix', () => {
    expect(normalizeRules({}).unencryptedSuffix).toBe('_unencrypted');
  });

  it('should keep a single explicit rule', () => {
    const rules = normalizeRules({ encryptedRegex: '^(data|stringData)$' });
    expect(rules.unencryptedSuffix).toBe('');
    expect(rules.encryptedRegex).toBe('^(data|stringData)$');
  });
});
