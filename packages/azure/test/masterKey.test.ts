import { constants, createPrivateKey, privateDecrypt, randomBytes, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AzkvError } from '@azkv/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AzureKeyVaultMasterKey, azureKeySource, setSharedCredential, type AzureKeySource } from '../src/index.js';
import {
  FIXTURES_DIR,
  requestsForKey,
  readFixtureJson,
  startSession,
  type EmulatorSession,
  type FixtureExpectation,
  type FixtureManifest,
} from './emulator.js';

const NO_GET = 'azkv-test-no-get';
const NO_DECRYPT = 'azkv-test-no-decrypt';
const UNKNOWN_CLIENT = 'azkv-test-unregistered';

let session: EmulatorSession;
let source: AzureKeySource;

async function failure(action: () => Promise<unknown>): Promise<AzkvError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof AzkvError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an AzkvError');
}

function keyWithIdentity(clientId: string | undefined, init: ConstructorParameters<typeof AzureKeyVaultMasterKey>[0]) {
  return new AzureKeyVaultMasterKey(init, { credential: session.credentialFor(clientId), clientOptions: session.clientOptions });
}

beforeAll(async () => {
  session = await startSession();
  source = azureKeySource({ credential: session.credentialFor(), clientOptions: session.clientOptions });
  await session.emulator.addIdentity({ clientId: NO_GET, permissions: ['encrypt', 'decrypt'] });
  await session.emulator.addIdentity({ clientId: NO_DECRYPT, permissions: ['get', 'encrypt'] });
});

afterAll(async () => {
  setSharedCredential(undefined);
  vi.unstubAllEnvs();
  await session.emulator.close();
});

describe('wrapping against the emulator', () => {
  it('round-trips a random data key', async () => {
    const created = await session.emulator.createKey('round-trip');
    const dataKey = new Uint8Array(randomBytes(32));

    const key = source.fromKeyId({ vaultUrl: session.emulator.vaultUrl, name: 'round-trip', version: created.version });
    await key.encrypt(dataKey);

    // 2048-bit RSA gives 256 bytes: 342 base64url characters without padding.
    expect(key.encryptedKey).toMatch(/^[A-Za-z0-9_-]{342}$/);
    const reread = source.fromEntry(key.toEntry());
    expect(await reread.decrypt()).toEqual(dataKey);
  });

  it('uses RSA-OAEP-256 like sops', async () => {
    const manifest = readFixtureJson<FixtureManifest>('manifest.json');
    const importRequest = readFixtureJson<Record<string, unknown>>('keys/interop-key.import-request.json');
    await session.emulator.importKey('oaep-check', importRequest, { version: manifest.key_version });
    const dataKey = new Uint8Array(randomBytes(32));

    const key = source.fromKeyId({ vaultUrl: session.emulator.vaultUrl, name: 'oaep-check', version: manifest.key_version });
    await key.encrypt(dataKey);

    // Unwrap locally with the private key, independent of the emulator.
    const jwk = readFixtureJson<JsonWebKey>('keys/interop-key.private.jwk.json');
    const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
    const unwrapped = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(key.encryptedKey, 'base64url'),
    );
    expect(new Uint8Array(unwrapped)).toEqual(dataKey);
  });

  it('unwraps the enc value sops fixtures store', async () => {
    const manifest = readFixtureJson<FixtureManifest>('manifest.json');
    const expected = readFixtureJson<FixtureExpectation>('expected/format.enc.yaml.json');
    const importRequest = readFixtureJson<Record<string, unknown>>('keys/interop-key.import-request.json');
    await session.emulator.importKey(manifest.key_name, importRequest, { version: manifest.key_version });
    const stored = expected.azure_kv;
    expect(readFileSync(path.join(FIXTURES_DIR, 'azkv/format.enc.yaml'), 'utf8')).toContain(`enc: ${stored.enc}`);

    // Only vault_url changes: the fixture names a placeholder vault.
    const key = source.fromEntry([
      ['created_at', stored.created_at ?? ''],
      ['enc', stored.enc ?? ''],
      ['name', stored.name ?? ''],
      ['vault_url', session.emulator.vaultUrl],
      ['version', stored.version ?? ''],
    ]);
    expect(Buffer.from(await key.decrypt()).toString('hex')).toBe(expected.data_key_hex);
    expect(key.toEntry()).toEqual([
      ['vault_url', session.emulator.vaultUrl],
      ['name', 'interop-key'],
      ['version', manifest.key_version],
      ['created_at', '2026-12-04T19:40:00Z'],
      ['enc', stored.enc],
    ]);
  });
});

describe('versionless key URL', () => {
  it('resolves the latest version once', async () => {
    await session.emulator.createKey('versionless');
    const latest = await session.emulator.createKey('versionless');
    const key = AzureKeyVaultMasterKey.fromUrl(`${session.emulator.vaultUrl}/keys/versionless/`, {
      credential: session.credentialFor(),
      clientOptions: session.clientOptions,
    });
    expect(key.version).toBeUndefined();
    expect(key.description).toBe(`${session.emulator.vaultUrl}/keys/versionless/`);

    const [first, second] = await Promise.all([key.resolveVersion(), key.resolveVersion()]);
    await key.encrypt(new Uint8Array(randomBytes(32)));
    await key.encrypt(new Uint8Array(randomBytes(32)));

    expect(first).toBe(latest.version);
    expect(second).toBe(latest.version);
    expect(key.version).toBe(latest.version);
    expect(key.toEntry()[2]).toEqual(['version', latest.version]);
    expect(key.description).toBe(latest.kid);
    const lookups = requestsForKey(session, 'GET', 'versionless');
    expect(lookups.map((request) => request.status)).toEqual([401, 200]);
  });

  it('explains a missing get permission', async () => {
    await session.emulator.createKey('needs-get');
    const key = keyWithIdentity(NO_GET, { vaultUrl: session.emulator.vaultUrl, name: 'needs-get' });

    const error = await failure(() => key.encrypt(new Uint8Array(32)));
    expect(error.code).toBe('ERR_KEY_ACCESS');
    expect(error.exitCode).toBe(128);
    expect(error.message).toContain(`${session.emulator.vaultUrl}/keys/needs-get/`);
    expect(error.message).toContain('lacks the `get` key permission (HTTP 403)');
    expect(error.message).toContain('resolving the latest key version');
    expect(error.hint).toContain(`${session.emulator.vaultUrl}/keys/needs-get/VERSION`);
    expect(key.version).toBeUndefined();
    expect(key.encryptedKey).toBe('');
  });

  it('needs no get permission with a version', async () => {
    const created = await session.emulator.createKey('versioned');
    const key = keyWithIdentity(NO_GET, { vaultUrl: session.emulator.vaultUrl, name: 'versioned', version: created.version });

    await key.encrypt(new Uint8Array(randomBytes(32)));

    expect(key.encryptedKey).not.toBe('');
    expect(requestsForKey(session, 'GET', 'versioned')).toEqual([]);
    expect(requestsForKey(session, 'POST', 'versioned').at(-1)).toEqual({
      method: 'POST',
      path: `/keys/versioned/${created.version}/encrypt`,
      status: 200,
    });
  });
});

describe('decrypt errors', () => {
  it('names the key without decrypt permission', async () => {
    const created = await session.emulator.createKey('no-decrypt');
    const key = keyWithIdentity(NO_DECRYPT, { vaultUrl: session.emulator.vaultUrl, name: 'no-decrypt', version: created.version });
    await key.encrypt(new Uint8Array(randomBytes(32)));

    const error = await failure(() => key.decrypt());
    expect(error.code).toBe('ERR_KEY_ACCESS');
    expect(error.exitCode).toBe(128);
    expect(error.message).toContain(`failed to decrypt the data key with Azure Key Vault key ${created.kid}`);
    expect(error.message).toContain('lacks the `decrypt` permission on the key (HTTP 403)');
  });

  it('reports a missing version', async () => {
    const created = await session.emulator.createKey('missing-version');
    const key = source.fromKeyId({ vaultUrl: session.emulator.vaultUrl, name: 'missing-version', version: created.version });
    await key.encrypt(new Uint8Array(randomBytes(32)));
    const entry = key.toEntry().map(([field, value]): [string, string] => [field, field === 'version' ? 'f'.repeat(32) : String(value)]);

    const error = await failure(() => source.fromEntry(entry).decrypt());
    expect(error.code).toBe('ERR_KEY_ACCESS');
    expect(error.exitCode).toBe(128);
    expect(error.message).toContain(`/keys/missing-version/${'f'.repeat(32)}`);
    expect(error.message).toContain('not found in the vault (HTTP 404)');
  });

  it('lists the credential that failed', async () => {
    const created = await session.emulator.createKey('unknown-identity');
    const writer = source.fromKeyId({ vaultUrl: session.emulator.vaultUrl, name: 'unknown-identity', version: created.version });
    await writer.encrypt(new Uint8Array(randomBytes(32)));
    const reader = keyWithIdentity(UNKNOWN_CLIENT, {
      vaultUrl: writer.vaultUrl,
      name: writer.name,
      version: created.version,
      encryptedKey: writer.encryptedKey,
    });

    const error = await failure(() => reader.decrypt());
    expect(error.code).toBe('ERR_CREDENTIAL');
    expect(error.exitCode).toBe(128);
    expect(error.message).toContain(created.kid);
    expect(error.message).toContain('no Azure credential could get an access token:\n  ManagedIdentityCredential: ');
  });

  it('rejects an enc value that is not base64url', async () => {
    const key = source.fromKeyId({ vaultUrl: session.emulator.vaultUrl, name: 'any', version: '0'.repeat(32) });
    const entry = key.toEntry().map(([field, value]): [string, string] => [field, field === 'enc' ? 'abc=' : String(value)]);

    const error = await failure(() => source.fromEntry(entry).decrypt());
    expect(error.code).toBe('ERR_METADATA');
    expect(error.exitCode).toBe(128);
    expect(error.message).toContain('is not unpadded base64url');
    expect(requestsForKey(session, 'POST', 'any')).toEqual([]);
  });
});

describe('shared credential', () => {
  it('serves keys without their own credential', async () => {
    const created = await session.emulator.createKey('shared');
    const shared = azureKeySource({ clientOptions: session.clientOptions });
    setSharedCredential(session.credentialFor());

    const key = shared.fromKeyId({ vaultUrl: session.emulator.vaultUrl, name: 'shared', version: created.version });
    const dataKey = new Uint8Array(randomBytes(32));
    await key.encrypt(dataKey);
    expect(await shared.fromEntry(key.toEntry()).decrypt()).toEqual(dataKey);
  });
});
