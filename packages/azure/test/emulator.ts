import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type Emulator } from '@azkv/emulator';
import { vi } from 'vitest';
import { createCredential, type AzureClientOptions } from '../src/index.js';

/** The sops interop fixtures: real sops files with an `azure_kv` entry. */
export const FIXTURES_DIR = process.env.AZKV_INTEROP_FIXTURES!;

export function readFixtureJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, relativePath), 'utf8')) as T;
}

export interface FixtureManifest {
  key_name: string;
  key_version: string;
}

export interface FixtureExpectation {
  data_key_hex: string;
  azure_kv: Record<string, string>;
}

/** Variables that would make the SDK pick another managed identity source than the emulator's. */
const FOREIGN_IDENTITY_VARIABLES = ['MSI_ENDPOINT', 'MSI_SECRET', 'IMDS_ENDPOINT', 'IDENTITY_SERVER_THUMBPRINT'];

/** A running emulator plus the vault requests it logged. */
export interface EmulatorSession {
  emulator: Emulator;
  /** Log lines of the emulator, one per request, in order. */
  requests: string[];
  clientOptions: AzureClientOptions;
  /** A managed identity credential for the system identity, or for `clientId`. */
  credentialFor(clientId?: string): ReturnType<typeof createCredential>;
}

/**
 * Starts an emulator and points this process's managed identity variables at
 * it. The CA reaches the clients through `tlsOptions`, because Node reads
 * NODE_EXTRA_CA_CERTS only at start-up.
 */
export async function startSession(): Promise<EmulatorSession> {
  const requests: string[] = [];
  const emulator = await startEmulator({ log: (line) => requests.push(line) });
  for (const name of FOREIGN_IDENTITY_VARIABLES) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('IDENTITY_ENDPOINT', emulator.env.IDENTITY_ENDPOINT);
  vi.stubEnv('IDENTITY_HEADER', emulator.env.IDENTITY_HEADER);
  vi.stubEnv('AZURE_TOKEN_CREDENTIALS', 'ManagedIdentityCredential');

  // No retries: every failure these tests provoke is final.
  const clientOptions: AzureClientOptions = { tlsOptions: { ca: emulator.caCertPem }, retryOptions: { maxRetries: 0 } };
  const credentialFor = (clientId?: string) =>
    createCredential(
      { AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential', ...(clientId === undefined ? {} : { AZURE_CLIENT_ID: clientId }) },
      { clientOptions },
    );
  return { emulator, requests, clientOptions, credentialFor };
}

/** A vault request the emulator logged. */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

/**
 * Returns the logged vault requests of one method on one key, in order. The
 * first request of each client gets a 401 response with the authentication
 * challenge, and the client then repeats it with a token.
 */
export function requestsForKey(session: EmulatorSession, method: string, keyName: string): LoggedRequest[] {
  const requests: LoggedRequest[] = [];
  for (const line of session.requests) {
    const match = /^(\S+) (\S+) (\d{3})\b/.exec(line);
    if (match === null || match[1] !== method) {
      continue;
    }
    const requestPath = match[2] ?? '';
    if (requestPath === `/keys/${keyName}` || requestPath.startsWith(`/keys/${keyName}/`)) {
      requests.push({ method, path: requestPath, status: Number(match[3]) });
    }
  }
  return requests;
}
