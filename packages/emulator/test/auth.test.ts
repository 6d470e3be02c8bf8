import http from 'node:http';
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import {
  cryptographyClient,
  FIXTURE_KEY_VERSION,
  keyClient,
  managedIdentity,
  rawRequest,
  readFixtureJson,
  staticCredential,
  useEmulatorEnvironment,
} from './helpers.js';

interface StatusError {
  statusCode?: number;
  code?: string;
  message: string;
}

function plainGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('vault authentication and token endpoint', () => {
  let emulator: Emulator;
  let other: Emulator;
  const kid = () => `${emulator.vaultUrl}/keys/interop-key/${FIXTURE_KEY_VERSION}`;
  const tokenUrl = (query: string) => `${emulator.identityEndpoint}?${query}`;

  beforeAll(async () => {
    emulator = await startEmulator();
    other = await startEmulator();
    useEmulatorEnvironment(emulator);
    await emulator.importKey('interop-key', readFixtureJson('interop-key.import-request.json'), { version: FIXTURE_KEY_VERSION });
    await emulator.addIdentity({ clientId: 'no-decrypt', permissions: ['get', 'encrypt'] });
    await emulator.addIdentity({ clientId: 'no-get', permissions: ['list'] });
  });

  afterAll(async () => {
    await emulator.close();
    await other.close();
  });

  it('challenges a request without a token', async () => {
    const response = await rawRequest(emulator, { path: '/keys/interop-key?api-version=7.4' });

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      `Bearer authorization="https://login.microsoftonline.com/${emulator.tenantId}", resource="https://vault.azure.net"`,
    );
    expect(JSON.parse(response.body).error.code).toBe('Unauthorized');
  });

  it('announces vault.localhost for vault.localhost hosts', async () => {
    const host = `myvault.vault.localhost:${emulator.port}`;
    const response = await rawRequest(emulator, {
      path: '/keys?api-version=7.6',
      headers: { host },
      servername: 'myvault.vault.localhost',
    });

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toContain(`resource="https://vault.localhost:${emulator.port}"`);
  });

  it('challenges before reading the body', async () => {
    // The request announces a 10 MB body and sends none of it, so a server that
    // read the body first would never respond.
    const response = await rawRequest(emulator, {
      method: 'POST',
      path: '/keys/interop-key/create?api-version=7.4',
      headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
      body: '',
    }).catch((error: unknown) => error);

    expect((response as { status?: number }).status).toBe(401);
  });

  it('serves a token in App Service format', async () => {
    const response = await plainGet(tokenUrl('api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net'), {
      'X-IDENTITY-HEADER': emulator.identityHeader,
    });
    const body = JSON.parse(response.body) as Record<string, string>;

    expect(response.status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'client_id', 'expires_on', 'resource', 'token_type']);
    expect(body['token_type']).toBe('Bearer');
    expect(body['resource']).toBe('https://vault.azure.net');
    expect(body['client_id']).toBe(emulator.systemIdentity.clientId);
    expect(body['expires_on']).toMatch(/^\d+$/);
    expect(Number(body['expires_on'])).toBeGreaterThan(Date.now() / 1000);
    expect(decodePayload(body['access_token']!)['appid']).toBe(emulator.systemIdentity.clientId);
  });

  it('issues tokens for a requested client_id', async () => {
    const response = await plainGet(
      tokenUrl('api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net&client_id=no-decrypt'),
      { 'X-IDENTITY-HEADER': emulator.identityHeader },
    );
    const body = JSON.parse(response.body) as Record<string, string>;

    expect(response.status).toBe(200);
    expect(body['client_id']).toBe('no-decrypt');
    expect(decodePayload(body['access_token']!)['appid']).toBe('no-decrypt');
  });

  it('token endpoint rejects a wrong identity header', async () => {
    const response = await plainGet(tokenUrl('api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net'), {
      'X-IDENTITY-HEADER': 'wrong',
    });

    expect(response.status).toBe(401);
    expect(JSON.parse(response.body).message).toContain('X-IDENTITY-HEADER');
  });

  it('token endpoint rejects a wrong api-version', async () => {
    const response = await plainGet(tokenUrl('api-version=2017-09-01&resource=https%3A%2F%2Fvault.azure.net'), {
      'X-IDENTITY-HEADER': emulator.identityHeader,
    });

    expect(response.status).toBe(400);
  });

  it('token endpoint rejects an unknown client_id', async () => {
    const response = await plainGet(
      tokenUrl('api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net&client_id=nobody'),
      { 'X-IDENTITY-HEADER': emulator.identityHeader },
    );

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).message).toContain("'nobody'");
  });

  it('ManagedIdentityCredential fails for an unknown client_id', async () => {
    await expect(managedIdentity('nobody').getToken('https://vault.azure.net/.default')).rejects.toThrow(/nobody/);
  });

  it('rejects a token with an altered payload', async () => {
    const [header, payload, signature] = emulator.issueToken({ clientId: 'no-decrypt' }).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    claims['appid'] = emulator.systemIdentity.clientId;
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

    const error = (await keyClient(emulator, staticCredential(forged)).getKey('interop-key').catch((e: unknown) => e)) as StatusError;

    expect(error.statusCode).toBe(401);
    expect(error.message).toContain('signature');
  });

  it('rejects a token from another emulator', async () => {
    const foreign = other.issueToken();

    const error = (await keyClient(emulator, staticCredential(foreign)).getKey('interop-key').catch((e: unknown) => e)) as StatusError;

    expect(error.statusCode).toBe(401);
  });

  it('rejects an expired token', async () => {
    const hour = 60 * 60 * 1000;
    const expired = emulator.issueToken({ notBefore: new Date(Date.now() - 2 * hour), expiresOn: new Date(Date.now() - hour) });

    const error = (await keyClient(emulator, staticCredential(expired)).getKey('interop-key').catch((e: unknown) => e)) as StatusError;

    expect(error.statusCode).toBe(401);
    expect(error.message).toContain('expired');
  });

  it('rejects a token for another audience', async () => {
    const token = emulator.issueToken({ resource: 'https://management.azure.com' });

    const error = (await keyClient(emulator, staticCredential(token)).getKey('interop-key').catch((e: unknown) => e)) as StatusError;

    expect(error.statusCode).toBe(401);
    expect(error.message).toContain('audience');
  });

  it('accepts a vault.localhost audience token', async () => {
    const token = emulator.issueToken({ resource: `https://vault.localhost:${emulator.port}` });

    const key = await keyClient(emulator, staticCredential(token)).getKey('interop-key');

    expect(key.id).toBe(kid());
  });

  it('identity without decrypt gets 403', async () => {
    const client = cryptographyClient(emulator, kid(), managedIdentity('no-decrypt'));
    const ciphertext = (await client.encrypt('RSA-OAEP-256', randomBytes(16))).result;

    const error = (await client.decrypt('RSA-OAEP-256', ciphertext).catch((e: unknown) => e)) as StatusError;

    expect(error.statusCode).toBe(403);
    expect(error.code).toBe('Forbidden');
    expect(error.message).toContain('does not have keys decrypt permission');
    expect(error.message).toContain('appid=no-decrypt');
  });

  it('identity without get gets 403 from getKey', async () => {
    const error = (await keyClient(emulator, managedIdentity('no-get')).getKey('interop-key').catch((e: unknown) => e)) as StatusError;

    expect(error.statusCode).toBe(403);
    expect(error.message).toContain('keys get permission');
  });

  it('refuses vault requests over plain HTTP', async () => {
    const response = await plainGet(`http://127.0.0.1:${emulator.port}/keys?api-version=7.4`);

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.message).toContain('HTTPS');
  });

  it('tunnels CONNECT to itself only', async () => {
    const connect = (authority: string) =>
      new Promise<{ status: number; socket: import('node:net').Socket }>((resolve, reject) => {
        http
          .request({ host: '127.0.0.1', port: emulator.port, method: 'CONNECT', path: authority })
          .on('connect', (response, socket) => resolve({ status: response.statusCode ?? 0, socket }))
          .on('error', reject)
          .end();
      });

    const rejected = await connect('example.com:443');
    rejected.socket.destroy();
    const accepted = await connect(`myvault.vault.localhost:${emulator.port}`);
    const secure = tls.connect({ socket: accepted.socket, servername: 'myvault.vault.localhost', ca: emulator.caCertPem });
    secure.write(`GET /keys?api-version=7.6 HTTP/1.1\r\nHost: myvault.vault.localhost:${emulator.port}\r\nConnection: close\r\n\r\n`);
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      secure.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      secure.on('end', () => resolve(text));
      secure.on('error', reject);
    });

    expect(rejected.status).toBe(403);
    expect(accepted.status).toBe(200);
    expect(reply.startsWith('HTTP/1.1 401')).toBe(true);
    expect(reply).toContain(`resource="https://vault.localhost:${emulator.port}"`);
  });
});
