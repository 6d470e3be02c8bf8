// Exit statuses of data key failures, as the sops 3.13.2 command line sets
// them: wrapping on encrypt fails with the generic status 1 ("Could not
// generate data key"), recovering on decrypt with 128 ("could not retrieve key").
import { describe, expect, it } from 'vitest';
import { generateDataKey, normalizeRules, unwrapDataKey, wrapDataKey, type KeyEntry, type MasterKey, type Metadata } from '../src/index.js';

class FailingKey implements MasterKey {
  readonly type = 'azure_kv';
  readonly usable = true;
  readonly description = 'https://vault.example/keys/missing/1';

  async encrypt(): Promise<void> {
    throw new Error('the key was not found in the vault (HTTP 404)');
  }

  async decrypt(): Promise<Uint8Array> {
    throw new Error('the key was not found in the vault (HTTP 404)');
  }

  toEntry(): KeyEntry {
    return [['name', 'missing']];
  }
}

function metadataWith(key: MasterKey): Metadata {
  return {
    ...normalizeRules({}),
    lastModified: '2026-01-01T00:00:00Z',
    mac: '',
    version: '3.13.2',
    keyGroups: [[key]],
    shamirThreshold: 0,
  };
}

describe('data key exit status', () => {
  it('wrap failure exits 1 as sops', async () => {
    await expect(wrapDataKey(metadataWith(new FailingKey()), generateDataKey())).rejects.toMatchObject({
      code: 'ERR_KEY_ACCESS',
      exitCode: 1,
      message: expect.stringContaining('https://vault.example/keys/missing/1'),
    });
  });

  it('unwrap failure exits 128 as sops', async () => {
    await expect(unwrapDataKey(metadataWith(new FailingKey()))).rejects.toMatchObject({ code: 'ERR_KEY_ACCESS', exitCode: 128 });
  });
});
