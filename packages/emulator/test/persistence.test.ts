import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import {
  cryptographyClient,
  FIXTURE_KEY_VERSION,
  keyClient,
  managedIdentity,
  readFixtureJson,
  temporaryDirectory,
  useEmulatorEnvironment,
} from './helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function servedCertificate(emulator: Emulator, servername: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: emulator.port, servername, ca: emulator.caCertPem }, () => {
      const certificate = socket.getPeerX509Certificate();
      socket.destroy();
      if (certificate === undefined) {
        reject(new Error('the emulator sent no certificate'));
      } else {
        resolve(certificate);
      }
    });
    socket.on('error', reject);
  });
}

describe('data folder persistence', () => {
  const cleanups: Array<() => Promise<void>> = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup();
    }
  });

  it('restart keeps CA, secrets, identities and keys', async () => {
    const dataDir = await temporaryDirectory();
    cleanups.push(dataDir.remove);
    const first = await startEmulator({ dataDir: dataDir.path });
    cleanups.push(() => first.close());
    useEmulatorEnvironment(first);
    await first.importKey('interop-key', readFixtureJson('interop-key.import-request.json'), { version: FIXTURE_KEY_VERSION });
    const created = await first.createKey('created-key');
    await first.addIdentity({ clientId: 'decrypt-only', permissions: ['decrypt'] });
    const plaintext = randomBytes(32);
    const kid = `${first.vaultUrl}/keys/created-key/${created.version}`;
    const ciphertext = (await cryptographyClient(first, kid, managedIdentity()).encrypt('RSA-OAEP-256', plaintext)).result;
    const token = first.issueToken();
    await first.close();

    // The same port keeps IDENTITY_ENDPOINT unchanged: @azure/identity caches
    // the managed identity endpoint for the life of the process.
    const second = await startEmulator({ dataDir: dataDir.path, port: first.port });
    cleanups.push(() => second.close());
    useEmulatorEnvironment(second);

    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.caCertPath).toBe(first.caCertPath);
    expect(second.identityHeader).toBe(first.identityHeader);
    expect(second.tenantId).toBe(first.tenantId);
    expect(second.systemIdentity).toEqual(first.systemIdentity);
    expect(second.env).toEqual(first.env);

    const decrypted = await cryptographyClient(second, kid, managedIdentity('decrypt-only')).decrypt('RSA-OAEP-256', ciphertext);
    expect(Buffer.from(decrypted.result).equals(plaintext)).toBe(true);

    const client = keyClient(second, { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 60_000 }) });
    const pinned = await client.getKey('interop-key');
    expect(pinned.properties.version).toBe(FIXTURE_KEY_VERSION);
    const versions: string[] = [];
    for await (const properties of client.listPropertiesOfKeyVersions('created-key')) {
      versions.push(properties.version!);
    }
    expect(versions).toEqual([created.version]);
    await second.close();
  });

  it('writes the documented files', async () => {
    const dataDir = await temporaryDirectory();
    cleanups.push(dataDir.remove);
    const emulator = await startEmulator({ dataDir: dataDir.path });
    cleanups.push(() => emulator.close());
    await emulator.createKey('Some-Key');
    await emulator.addIdentity({ clientId: 'reader', objectId: 'reader-object', permissions: ['get', 'list'] });

    const stored = JSON.parse(readFileSync(path.join(dataDir.path, 'keys', 'some-key.json'), 'utf8'));
    const identities = JSON.parse(readFileSync(path.join(dataDir.path, 'identities.json'), 'utf8'));

    expect(stored.name).toBe('Some-Key');
    expect(Object.keys(stored.versions[0].key).sort()).toEqual(['d', 'dp', 'dq', 'e', 'kty', 'n', 'p', 'q', 'qi']);
    expect(identities).toEqual([{ clientId: 'reader', objectId: 'reader-object', permissions: ['get', 'list'] }]);
    expect(existsSync(path.join(dataDir.path, 'instance.json'))).toBe(true);
    expect(emulator.caCertPath).toBe(path.join(dataDir.path, 'tls', 'ca.pem'));
  });

  it('rejects an invalid identities.json', async () => {
    const dataDir = await temporaryDirectory();
    cleanups.push(dataDir.remove);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dataDir.path, 'identities.json'), JSON.stringify([{ clientId: 'x', permissions: ['delete'] }]));

    await expect(startEmulator({ dataDir: dataDir.path })).rejects.toThrow(/identities\.json entry 0: unknown permission "delete"/);
  });

  it('rejects a non-loopback host', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/only on loopback addresses/);
  });

  it('temporary data folder is removed on close', async () => {
    const emulator = await startEmulator();
    const dir = emulator.dataDir;
    expect(existsSync(dir)).toBe(true);

    await emulator.close();

    expect(existsSync(dir)).toBe(false);
  });

  it('serves a certificate clients accept', async () => {
    const emulator = await startEmulator();
    cleanups.push(() => emulator.close());
    const ca = new X509Certificate(emulator.caCertPem);

    const leaf = await servedCertificate(emulator, 'myvault.vault.localhost');

    const caExtensions = new x509.X509Certificate(emulator.caCertPem);
    const constraints = caExtensions.getExtension(x509.BasicConstraintsExtension);
    const caUsage = caExtensions.getExtension(x509.KeyUsagesExtension);

    expect(ca.ca).toBe(true);
    expect(constraints?.critical).toBe(true);
    expect(caUsage?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkHost('vault.localhost')).toBe('vault.localhost');
    expect(leaf.checkHost('myvault.vault.localhost')).toBe('*.vault.localhost');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const lifetime = Date.parse(leaf.validTo) - Date.parse(leaf.validFrom);
    expect(lifetime).toBeLessThan(398 * DAY_MS);
  });
});
