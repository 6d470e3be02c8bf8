import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyClient } from '@azure/keyvault-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import {
  FIXTURE_KEY_VERSION,
  FIXTURE_KEYS_DIR,
  keyClient,
  managedIdentity,
  rawRequest,
  readFixtureJson,
  useEmulatorEnvironment,
} from './helpers.js';

const VERSIONED_KID = /^https:\/\/127\.0\.0\.1:\d+\/keys\/([A-Za-z0-9-]+)\/([0-9a-f]{32})$/;

function restErrorOf(error: unknown): { statusCode?: number; code?: string; message: string } {
  return error as { statusCode?: number; code?: string; message: string };
}

async function expectRestError(promise: Promise<unknown>, statusCode: number, code: string): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected a ${statusCode} ${code} error`).toBeDefined();
  expect(restErrorOf(error).statusCode).toBe(statusCode);
  expect(restErrorOf(error).code).toBe(code);
  return restErrorOf(error).message;
}

describe('key management through @azure/keyvault-keys', () => {
  let emulator: Emulator;
  let client: KeyClient;

  beforeAll(async () => {
    emulator = await startEmulator();
    useEmulatorEnvironment(emulator);
    client = keyClient(emulator, managedIdentity());
  });

  afterAll(async () => {
    await emulator.close();
  });

  it('createRsaKey returns an RSA key bundle', async () => {
    const key = await client.createRsaKey('created-2048', { keySize: 2048 });

    expect(key.id).toMatch(VERSIONED_KID);
    expect(key.id?.startsWith(`${emulator.vaultUrl}/keys/created-2048/`)).toBe(true);
    expect(key.keyType).toBe('RSA');
    expect(key.key?.n?.length).toBe(256);
    expect(Buffer.from(key.key?.e ?? []).toString('hex')).toBe('010001');
    expect(key.key?.d).toBeUndefined();
    expect(key.keyOperations).toEqual(['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey']);
    expect(key.properties.enabled).toBe(true);
    expect(key.properties.recoveryLevel).toBe('Recoverable+Purgeable');
    expect(key.properties.createdOn).toBeInstanceOf(Date);
  });

  it('createKey honours key sizes and RSA-HSM', async () => {
    const large = await client.createRsaKey('created-3072', { keySize: 3072 });
    const hsm = await client.createKey('created-hsm', 'RSA-HSM');

    expect(large.key?.n?.length).toBe(384);
    expect(hsm.keyType).toBe('RSA-HSM');
    expect(hsm.key?.n?.length).toBe(256);
  });

  it('createKey rejects unsupported types and sizes', async () => {
    await expectRestError(client.createKey('ec-key', 'EC'), 400, 'BadParameter');
    await expectRestError(client.createRsaKey('small-key', { keySize: 1024 }), 400, 'BadParameter');
    await expectRestError(client.createRsaKey('bad_name'), 400, 'BadParameter');
  });

  it('importKey stores the fixture key', async () => {
    const jwk = readFixtureJson('interop-key.private.jwk.json');
    const bytes = (member: string) => new Uint8Array(Buffer.from(jwk[member] as string, 'base64url'));
    const imported = await client.importKey('sdk-imported', {
      kty: 'RSA',
      keyOps: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'],
      n: bytes('n'),
      e: bytes('e'),
      d: bytes('d'),
      p: bytes('p'),
      q: bytes('q'),
      dp: bytes('dp'),
      dq: bytes('dq'),
      qi: bytes('qi'),
    });

    const fixturePublic = createPublicKey(readFileSync(path.join(FIXTURE_KEYS_DIR, 'interop-key.public.pem')));
    const fixtureN = fixturePublic.export({ format: 'jwk' }).n;
    expect(imported.id).toMatch(VERSIONED_KID);
    expect(Buffer.from(imported.key?.n ?? []).toString('base64url')).toBe(fixtureN);
    expect(imported.keyOperations).toEqual(['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
    expect(imported.key?.d).toBeUndefined();
  });

  it('import REST route accepts the fixture request body', async () => {
    const response = await rawRequest(emulator, {
      method: 'PUT',
      path: '/keys/rest-imported?api-version=7.4',
      headers: { authorization: `Bearer ${emulator.issueToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify(readFixtureJson('interop-key.import-request.json')),
    });
    const body = JSON.parse(response.body) as { key: Record<string, unknown>; attributes: Record<string, unknown> };

    expect(response.status).toBe(200);
    expect(body.key['kid']).toMatch(VERSIONED_KID);
    expect(body.key['kty']).toBe('RSA');
    expect(Object.keys(body.key).sort()).toEqual(['e', 'key_ops', 'kid', 'kty', 'n']);
    expect(body.attributes['enabled']).toBe(true);
    expect(typeof body.attributes['created']).toBe('number');
  });

  it('import rejects a public-only key', async () => {
    const { n, e } = readFixtureJson('interop-key.private.jwk.json');
    const response = await rawRequest(emulator, {
      method: 'PUT',
      path: '/keys/public-only?api-version=7.4',
      headers: { authorization: `Bearer ${emulator.issueToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: { kty: 'RSA', n, e } }),
    });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.code).toBe('BadParameter');
    expect(JSON.parse(response.body).error.message).toContain('d, p, q, dp, dq, qi');
  });

  it('in-process importKey pins the fixture version', async () => {
    const reference = await emulator.importKey('interop-key', readFixtureJson('interop-key.import-request.json'), {
      version: FIXTURE_KEY_VERSION,
    });
    const fetched = await client.getKey('interop-key', { version: FIXTURE_KEY_VERSION });

    expect(reference.kid).toBe(`${emulator.vaultUrl}/keys/interop-key/${FIXTURE_KEY_VERSION}`);
    expect(fetched.id).toBe(reference.kid);
    await expect(
      emulator.importKey('interop-key', readFixtureJson('interop-key.import-request.json'), { version: FIXTURE_KEY_VERSION }),
    ).rejects.toThrow(/already has version/);
  });

  it('getKey returns the latest or the requested version', async () => {
    const first = await client.createRsaKey('versioned');
    const second = await client.createRsaKey('versioned');

    const latest = await client.getKey('versioned');
    const older = await client.getKey('versioned', { version: first.properties.version! });

    expect(second.properties.version).not.toBe(first.properties.version);
    expect(latest.id).toBe(second.id);
    expect(older.id).toBe(first.id);
    expect(Buffer.from(older.key!.n!).equals(Buffer.from(first.key!.n!))).toBe(true);
  });

  it('getKey matches names without regard to case', async () => {
    const created = await client.createRsaKey('MixedCase');
    const fetched = await client.getKey('mixedcase');

    expect(fetched.id).toBe(created.id);
    expect(fetched.name).toBe('MixedCase');
  });

  it('lists versions of a key', async () => {
    const first = await client.createRsaKey('listed');
    const second = await client.createRsaKey('listed');

    const ids: string[] = [];
    for await (const properties of client.listPropertiesOfKeyVersions('listed')) {
      ids.push(properties.id!);
    }

    expect(ids).toEqual([first.id, second.id]);
  });

  it('lists keys in pages', async () => {
    for (const name of ['paged-a', 'paged-b', 'paged-c']) {
      await client.createRsaKey(name);
    }

    const pageSizes: number[] = [];
    const ids: string[] = [];
    for await (const page of client.listPropertiesOfKeys().byPage({ maxPageSize: 2 })) {
      pageSizes.push(page.length);
      ids.push(...page.map((properties) => properties.id!));
    }

    expect(pageSizes.every((size) => size <= 2)).toBe(true);
    expect(pageSizes.length).toBeGreaterThan(1);
    for (const name of ['paged-a', 'paged-b', 'paged-c']) {
      // Listed key ids carry no version, as in Key Vault.
      expect(ids).toContain(`${emulator.vaultUrl}/keys/${name}`);
    }
  });

  it('getKey of an unknown key is 404 KeyNotFound', async () => {
    const message = await expectRestError(client.getKey('missing-key'), 404, 'KeyNotFound');
    expect(message).toContain('missing-key');
  });

  it('getKey of an unknown version is 404 KeyNotFound', async () => {
    await client.createRsaKey('one-version');
    await expectRestError(client.getKey('one-version', { version: '0'.repeat(32) }), 404, 'KeyNotFound');
  });

  it('rejects a missing api-version', async () => {
    const response = await rawRequest(emulator, {
      path: '/keys',
      headers: { authorization: `Bearer ${emulator.issueToken()}` },
    });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.code).toBe('BadParameter');
  });

  it('answers unsupported operations with 501', async () => {
    const requests = [
      ['DELETE', '/keys/listed'],
      ['POST', '/keys/listed/sign'],
      ['POST', '/keys/listed//constructor'],
      ['GET', '/secrets/listed'],
    ];

    for (const [method, requestPath] of requests) {
      const response = await rawRequest(emulator, {
        method: method!,
        path: `${requestPath!}?api-version=7.4`,
        headers: { authorization: `Bearer ${emulator.issueToken()}`, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });

      expect(response.status, `${method} ${requestPath}`).toBe(501);
      expect(JSON.parse(response.body).error.code).toBe('NotImplemented');
    }
  });
});
