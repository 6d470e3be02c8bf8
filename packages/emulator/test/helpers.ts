import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedIdentityCredential } from '@azure/identity';
import { CryptographyClient, KeyClient } from '@azure/keyvault-keys';
import type { TokenCredential } from '@azure/identity';
import type { Emulator } from '../src/index.js';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = path.resolve(PACKAGE_DIR, '../..');
export const FIXTURE_KEYS_DIR = `${process.env.AZKV_INTEROP_FIXTURES}/keys`;
export const LOOPBACK_GUARD = path.join(REPO_DIR, 'scripts/loopback-guard.mjs');

/** Version id the sops interop fixtures record for interop-key. */
export const FIXTURE_KEY_VERSION = 'd66f07530e6b81ea156f924eefe21b20';

export function readFixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURE_KEYS_DIR, name), 'utf8')) as Record<string, unknown>;
}

// Variables that would make @azure/identity pick another managed identity
// source than App Service, or another credential than the emulator's.
const FOREIGN_IDENTITY_VARIABLES = [
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'IMDS_ENDPOINT',
  'IDENTITY_SERVER_THUMBPRINT',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_TENANT_ID',
  'AZURE_FEDERATED_TOKEN_FILE',
];

/**
 * Points the current process at `emulator` as its printed variables would.
 * NODE_EXTRA_CA_CERTS only takes effect at process start, so clients in this
 * process also get the CA through {@link tlsOptions}.
 */
export function useEmulatorEnvironment(emulator: Emulator): void {
  for (const name of FOREIGN_IDENTITY_VARIABLES) {
    delete process.env[name];
  }
  Object.assign(process.env, emulator.env);
}

export function tlsOptions(emulator: Emulator): { ca: string } {
  return { ca: emulator.caCertPem };
}

/** Options every in-process Key Vault client needs against a 127.0.0.1 vault. */
export function clientOptions(emulator: Emulator) {
  return {
    // The challenge announces https://vault.azure.net, which 127.0.0.1 does not end with.
    disableChallengeResourceVerification: true,
    tlsOptions: tlsOptions(emulator),
    retryOptions: { maxRetries: 0 },
  };
}

export function keyClient(emulator: Emulator, credential: TokenCredential): KeyClient {
  return new KeyClient(emulator.vaultUrl, credential, clientOptions(emulator));
}

export function cryptographyClient(emulator: Emulator, keyId: string, credential: TokenCredential): CryptographyClient {
  return new CryptographyClient(keyId, credential, clientOptions(emulator));
}

/** Creates a ManagedIdentityCredential for the system identity, or for the user-assigned identity `clientId`. */
export function managedIdentity(clientId?: string): ManagedIdentityCredential {
  return clientId === undefined ? new ManagedIdentityCredential() : new ManagedIdentityCredential({ clientId });
}

/** Creates a credential that always returns `token`, for sending forged or expired tokens. */
export function staticCredential(token: string): TokenCredential {
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 }) };
}

export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'azkv-emulator-test-'));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one HTTPS request to the emulator without any SDK, trusting its CA. */
export function rawRequest(
  emulator: Emulator,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string; servername?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port: emulator.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
        ca: emulator.caCertPem,
        ...(options.servername === undefined ? {} : { servername: options.servername }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
