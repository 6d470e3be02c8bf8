// The SDK keeps the first managed identity endpoint it finds for the whole
// process, so this file, which points it at a closed port, runs on its own.
import net from 'node:net';
import { AzkvError } from '@azkv/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AzureKeyVaultMasterKey, CredentialChainError, createCredential } from '../src/index.js';

/** Returns a loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no TCP address');
  }
  return address.port;
}

// No retries, so that the refused connection is reported at once.
const clientOptions = { retryOptions: { maxRetries: 0 } };

let identityEndpoint: string;

beforeAll(async () => {
  identityEndpoint = `http://127.0.0.1:${await closedPort()}/msi/token`;
  vi.stubEnv('IDENTITY_ENDPOINT', identityEndpoint);
  vi.stubEnv('IDENTITY_HEADER', 'azkv-test');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('credential chain failure', () => {
  it('lists each credential reason', async () => {
    const credential = createCredential({ AZURE_TOKEN_CREDENTIALS: 'prod' }, { clientOptions });

    let failure: unknown;
    try {
      await credential.getToken('https://vault.azure.net/.default');
    } catch (error) {
      failure = error;
    }

    expect(failure).toBeInstanceOf(CredentialChainError);
    const chainError = failure as CredentialChainError;
    expect(chainError.attempts.map((attempt) => attempt.name)).toEqual([
      'EnvironmentCredential',
      'WorkloadIdentityCredential',
      'ManagedIdentityCredential',
    ]);
    expect(chainError.attempts.every((attempt) => attempt.unavailable)).toBe(true);

    const lines = chainError.message.split('\n');
    expect(lines[0]).toBe('no Azure credential could get an access token:');
    expect(lines[1]).toBe('  EnvironmentCredential: not configured: AZURE_TENANT_ID is not set');
    expect(lines[2]).toBe(
      '  WorkloadIdentityCredential: not configured: AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE not set (the Kubernetes workload identity webhook sets them)',
    );
    expect(lines[3]).toMatch(/^ {2}ManagedIdentityCredential: Network unreachable/);
    expect(lines).toHaveLength(4);
  });

  it('names the key when decrypting', async () => {
    const credential = createCredential({ AZURE_TOKEN_CREDENTIALS: 'prod' }, { clientOptions });
    const key = new AzureKeyVaultMasterKey(
      {
        vaultUrl: `https://127.0.0.1:${await closedPort()}`,
        name: 'sops-key',
        version: '0123456789abcdef0123456789abcdef',
        encryptedKey: 'AAAA',
      },
      { credential, clientOptions },
    );

    let failure: unknown;
    try {
      await key.decrypt();
    } catch (error) {
      failure = error;
    }

    // The vault port is closed too, so the request fails before any token is
    // needed: the message must still name the key and the reason.
    expect(failure).toBeInstanceOf(AzkvError);
    const error = failure as AzkvError;
    expect(error.exitCode).toBe(128);
    expect(error.code).toBe('ERR_KEY_ACCESS');
    expect(error.message).toContain('/keys/sops-key/0123456789abcdef0123456789abcdef');
    expect(error.message).toContain('could not be reached');
  });
});
