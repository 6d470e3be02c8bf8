import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CryptographyClient, EncryptionAlgorithm, KeyWrapAlgorithm } from '@azure/keyvault-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import {
  cryptographyClient,
  FIXTURE_KEY_VERSION,
  FIXTURE_KEYS_DIR,
  managedIdentity,
  rawRequest,
  readFixtureJson,
  useEmulatorEnvironment,
} from './helpers.js';

const ALGORITHMS = ['RSA-OAEP-256', 'RSA-OAEP', 'RSA1_5'] as const;

const publicKey = createPublicKey(readFileSync(path.join(FIXTURE_KEYS_DIR, 'interop-key.public.pem')));
const privateKey = createPrivateKey({ key: readFixtureJson('interop-key.private.jwk.json') as never, format: 'jwk' });

function localEncrypt(algorithm: (typeof ALGORITHMS)[number], plaintext: Buffer): Buffer {
  if (algorithm === 'RSA1_5') {
    return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, plaintext);
  }
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: algorithm === 'RSA-OAEP-256' ? 'sha256' : 'sha1' },
    plaintext,
  );
}

/** Decrypts with the fixture's private key; PKCS #1 v1.5 is unpadded by hand because Node 20 refuses it. */
function localDecrypt(algorithm: (typeof ALGORITHMS)[number], ciphertext: Buffer): Buffer {
  if (algorithm !== 'RSA1_5') {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: algorithm === 'RSA-OAEP-256' ? 'sha256' : 'sha1' },
      ciphertext,
    );
  }
  const block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  expect(block.subarray(0, 2).toString('hex')).toBe('0002');
  const separator = block.indexOf(0, 2);
  expect(separator).toBeGreaterThanOrEqual(10);
  expect(block.subarray(2, separator).includes(0)).toBe(false);
  return block.subarray(separator + 1);
}

describe('key operations through CryptographyClient', () => {
  let emulator: Emulator;
  const logLines: string[] = [];
  let remoteClient: CryptographyClient;
  const kid = () => `${emulator.vaultUrl}/keys/interop-key/${FIXTURE_KEY_VERSION}`;

  beforeAll(async () => {
    emulator = await startEmulator({ log: (line) => logLines.push(line) });
    useEmulatorEnvironment(emulator);
    await emulator.importKey('interop-key', readFixtureJson('interop-key.import-request.json'), { version: FIXTURE_KEY_VERSION });
    // Without 'get' the SDK cannot fetch the public key, so it sends every
    // operation, RSA-OAEP and RSA1_5 encryption included, to the vault.
    await emulator.addIdentity({ clientId: 'remote-crypto', permissions: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] });
    remoteClient = cryptographyClient(emulator, kid(), managedIdentity('remote-crypto'));
  });

  afterAll(async () => {
    await emulator.close();
  });

  for (const algorithm of ALGORITHMS) {
    it(`${algorithm} decrypt reverses Node encryption`, async () => {
      const plaintext = randomBytes(32);

      const result = await remoteClient.decrypt(algorithm as EncryptionAlgorithm, localEncrypt(algorithm, plaintext));

      expect(Buffer.from(result.result).equals(plaintext)).toBe(true);
      expect(result.keyID).toBe(kid());
    });

    it(`${algorithm} encrypt is reversed by Node`, async () => {
      const plaintext = randomBytes(32);
      const before = logLines.length;

      const result = await remoteClient.encrypt(algorithm as EncryptionAlgorithm, plaintext);

      expect(logLines.slice(before).some((line) => line.includes(`/keys/interop-key/${FIXTURE_KEY_VERSION}/encrypt 200`))).toBe(true);
      expect(result.result.length).toBe(256);
      expect(localDecrypt(algorithm, Buffer.from(result.result)).equals(plaintext)).toBe(true);
    });

    it(`${algorithm} wrapKey and unwrapKey round-trip`, async () => {
      const dataKey = randomBytes(32);

      const wrapped = await remoteClient.wrapKey(algorithm as KeyWrapAlgorithm, dataKey);
      const unwrapped = await remoteClient.unwrapKey(algorithm as KeyWrapAlgorithm, wrapped.result);

      expect(localDecrypt(algorithm, Buffer.from(wrapped.result)).equals(dataKey)).toBe(true);
      expect(Buffer.from(unwrapped.result).equals(dataKey)).toBe(true);
    });
  }

  it('operation on the empty version uses the latest', async () => {
    const plaintext = randomBytes(16);
    const response = await rawRequest(emulator, {
      method: 'POST',
      path: '/keys/interop-key//decrypt?api-version=7.4',
      headers: { authorization: `Bearer ${emulator.issueToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alg: 'RSA-OAEP-256', value: localEncrypt('RSA-OAEP-256', plaintext).toString('base64url') }),
    });
    const body = JSON.parse(response.body) as { kid: string; value: string };

    expect(response.status).toBe(200);
    expect(body.kid).toBe(kid());
    expect(body.value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(body.value, 'base64url').equals(plaintext)).toBe(true);
  });

  it('decrypt of a foreign ciphertext is 400', async () => {
    const error = await remoteClient.decrypt('RSA-OAEP-256', randomBytes(256)).catch((caught: unknown) => caught);

    expect((error as { statusCode?: number }).statusCode).toBe(400);
    expect((error as { code?: string }).code).toBe('BadParameter');
  });

  it('decrypt of a short ciphertext is 400', async () => {
    const error = await remoteClient.decrypt('RSA-OAEP-256', randomBytes(100)).catch((caught: unknown) => caught);

    expect((error as { statusCode?: number }).statusCode).toBe(400);
  });

  it('encrypt of an oversized plaintext is 400', async () => {
    // OAEP with SHA-256 fits at most 256 - 2 * 32 - 2 = 190 bytes in a 2048-bit key.
    const error = await remoteClient.encrypt('RSA-OAEP-256', randomBytes(191)).catch((caught: unknown) => caught);

    expect((error as { statusCode?: number }).statusCode).toBe(400);
  });

  it('rejects an unknown algorithm', async () => {
    const response = await rawRequest(emulator, {
      method: 'POST',
      path: `/keys/interop-key/${FIXTURE_KEY_VERSION}/encrypt?api-version=7.4`,
      headers: { authorization: `Bearer ${emulator.issueToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ alg: 'A256GCM', value: 'AAAA' }),
    });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.code).toBe('BadParameter');
  });

  it('operation missing from key_ops is 403', async () => {
    const { key } = readFixtureJson('interop-key.import-request.json') as { key: Record<string, unknown> };
    const reference = await emulator.importKey('encrypt-only', { key: { ...key, key_ops: ['encrypt'] } });
    const client = cryptographyClient(emulator, reference.kid, managedIdentity('remote-crypto'));

    const error = await client.decrypt('RSA-OAEP-256', localEncrypt('RSA-OAEP-256', randomBytes(8))).catch(
      (caught: unknown) => caught,
    );

    expect((error as { statusCode?: number }).statusCode).toBe(403);
    expect((error as { message: string }).message).toContain('key_ops');
  });

  it('disabled key rejects operations with 403', async () => {
    const request = readFixtureJson('interop-key.import-request.json');
    const reference = await emulator.importKey('disabled-key', { ...request, attributes: { enabled: false } });
    const client = cryptographyClient(emulator, reference.kid, managedIdentity('remote-crypto'));

    const error = await client.encrypt('RSA-OAEP-256', randomBytes(8)).catch((caught: unknown) => caught);

    expect((error as { statusCode?: number }).statusCode).toBe(403);
    expect((error as { message: string }).message).toContain('disabled');
  });
});
