import { describe, expect, it } from 'vitest';
import {
  generateDataKey,
  normalizeRules,
  OpaqueMasterKey,
  unwrapDataKey,
  wrapDataKey,
  type KeyEntry,
  type MasterKey,
  type Metadata,
} from '../src/index.js';

class MemoryKey implements MasterKey {
  readonly type = 'azure_kv';
  readonly usable = true;
  stored: Uint8Array | undefined;

  constructor(
    readonly description: string,
    private readonly failure?: string,
    private readonly unwrapped?: Uint8Array,
  ) {}

  async encrypt(dataKey: Uint8Array): Promise<void> {
    if (this.failure !== undefined) {
      throw new Error(this.failure);
    }
    this.stored = dataKey.slice();
  }

  async decrypt(): Promise<Uint8Array> {
    if (this.failure !== undefined) {
      throw new Error(this.failure);
    }
    return this.unwrapped ?? this.stored!;
  }

  toEntry(): KeyEntry {
    return [['name', this.description]];
  }
}

function metadataWith(...keys: MasterKey[]): Metadata {
  return {
    ...normalizeRules({}),
    lastModified: '2026-01-01T00:00:00Z',
    mac: '',
    version: '3.13.2',
    keyGroups: [keys],
    shamirThreshold: 0,
  };
}

describe('data key', () => {
  it('generates 32 random bytes', () => {
    const first = generateDataKey();
    expect(first).toHaveLength(32);
    expect(Buffer.from(first).equals(Buffer.from(generateDataKey()))).toBe(false);
  });

  it('wraps with every key and unwraps with the first that works', async () => {
    const broken = new MemoryKey('vault-a/key', 'Forbidden');
    const working = new MemoryKey('vault-b/key');
    const dataKey = generateDataKey();

    await wrapDataKey(metadataWith(working), dataKey);
    const unwrapped = await unwrapDataKey(metadataWith(broken, working));

    expect(Buffer.from(unwrapped).equals(Buffer.from(dataKey))).toBe(true);
  });

  it('lists every failed key once', async () => {
    const metadata = metadataWith(
      new MemoryKey('https://a.vault.azure.net/keys/k/1', 'access to https://a.vault.azure.net/keys/k/1 was denied'),
      new MemoryKey('https://b.vault.azure.net/keys/k/2', 'timed out'),
      new OpaqueMasterKey('pgp', [['fp', 'FBC7B9E2']]),
    );

    const failure = unwrapDataKey(metadata);

    await expect(failure).rejects.toMatchObject({ code: 'ERR_KEY_ACCESS', exitCode: 128 });
    const message = await failure.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message.match(/a\.vault\.azure\.net/g)).toHaveLength(1);
    expect(message).toContain('- https://b.vault.azure.net/keys/k/2: timed out');
    expect(message).toContain('- pgp FBC7B9E2: skipped, azkv cannot use pgp keys');
  });

  it('rejects an unwrapped key of the wrong length', async () => {
    const metadata = metadataWith(new MemoryKey('short key', undefined, new Uint8Array(16)));
    await expect(unwrapDataKey(metadata)).rejects.toThrow(/16 bytes, expected 32/);
  });

  it('reports every key that failed to wrap', async () => {
    const metadata = metadataWith(new MemoryKey('first', 'Forbidden'), new MemoryKey('second'));
    await expect(wrapDataKey(metadata, generateDataKey())).rejects.toMatchObject({
      code: 'ERR_KEY_ACCESS',
      message: expect.stringContaining('- first: Forbidden'),
    });
  });

  it('requires at least one key', async () => {
    await expect(wrapDataKey(metadataWith(), generateDataKey())).rejects.toMatchObject({ code: 'ERR_NO_KEYS', exitCode: 111 });
  });
});

describe('key groups', () => {
  function groupsMetadata(groups: MasterKey[][], threshold: number): Metadata {
    return { ...metadataWith(), keyGroups: groups, shamirThreshold: threshold };
  }

  it('splits the data key across groups and recovers it from a quorum', async () => {
    const keys = [new MemoryKey('g1'), new MemoryKey('g2'), new MemoryKey('g3')];
    const metadata = groupsMetadata(keys.map((key) => [key]), 2);
    const dataKey = generateDataKey();

    await wrapDataKey(metadata, dataKey);
    expect(keys.every((key) => key.stored?.length === 33)).toBe(true);

    const reopened = groupsMetadata([[new MemoryKey('g1', 'Forbidden')], [keys[1]!], [keys[2]!]], 2);
    expect(Buffer.from(await unwrapDataKey(reopened)).equals(Buffer.from(dataKey))).toBe(true);
  });

  it('defaults the threshold to every group', async () => {
    const metadata = groupsMetadata([[new MemoryKey('a')], [new MemoryKey('b')]], 0);
    await wrapDataKey(metadata, generateDataKey());
    expect(metadata.shamirThreshold).toBe(2);
  });

  it('reports each group when too few open', async () => {
    const keys = [new MemoryKey('g1'), new MemoryKey('g2')];
    const metadata = groupsMetadata(keys.map((key) => [key]), 2);
    await wrapDataKey(metadata, generateDataKey());

    const reopened = groupsMetadata([[keys[0]!], [new MemoryKey('g2', 'Forbidden')]], 2);
    await expect(unwrapDataKey(reopened)).rejects.toMatchObject({
      exitCode: 128,
      message: expect.stringMatching(/1 of 2 key groups opened, but 2 are needed[\s\S]*key group 2: failed[\s\S]*g2: Forbidden/),
    });
  });
});
