// Key Vault access failures through the CLI. Each user-assigned identity of
// the emulator lacks one key permission. The CLI picks it through
// AZURE_CLIENT_ID, which the managed identity credential sends as `client_id`
// to the App Service token endpoint. Exit statuses follow sops 3.13.2: 128
// when decryption cannot recover the data key, and 1 when encryption cannot
// wrap it, because sops reports "Could not generate data key" as a generic error.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, startCliSession, type CliSession } from '../helpers/cli-session.js';
import { describeRun } from '../helpers/run-cli.js';

let session: CliSession;
let keyUrl: string;
let encryptedPath: string;
const withoutDecrypt = randomUUID();
const withoutGet = randomUUID();

beforeAll(async () => {
  session = await startCliSession();
  keyUrl = await session.createKeyUrl('access-key');
  await session.emulator.addIdentity({ clientId: withoutDecrypt, permissions: ['get', 'encrypt'] });
  await session.emulator.addIdentity({ clientId: withoutGet, permissions: ['encrypt', 'decrypt'] });

  const plainPath = await session.writeFile('plain.yaml', 'password: access-secret\n');
  encryptedPath = await session.writeFile('encrypted.yaml', await session.runOk(['encrypt', '--azure-kv', keyUrl, plainPath]));
});

afterAll(async () => {
  await session?.close();
});

describe.concurrent('key permissions', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('decrypt without decrypt permission exits 128', async () => {
    const result = await session.run(['decrypt', encryptedPath], { env: { AZURE_CLIENT_ID: withoutDecrypt } });
    expect(result.status, describeRun(result)).toBe(128);
    expect(result.stdout).toHaveLength(0);
    expect(result.stderr).toContain(keyUrl);
    expect(result.stderr).toContain('`decrypt` permission');
    expect(result.stderr).not.toContain('access-secret');
  });

  it('the same identity can still encrypt', async () => {
    const plainPath = await session.writeFile('plain-for-encrypt.yaml', 'token: x\n');
    const result = await session.run(['encrypt', '--azure-kv', keyUrl, plainPath], { env: { AZURE_CLIENT_ID: withoutDecrypt } });
    expect(result.status, describeRun(result)).toBe(0);
  });

  it('versionless URL without get permission fails', async () => {
    const versionless = keyUrl.slice(0, keyUrl.lastIndexOf('/'));
    const plainPath = await session.writeFile('plain-versionless.yaml', 'token: x\n');
    const result = await session.run(['encrypt', '--azure-kv', versionless, plainPath], { env: { AZURE_CLIENT_ID: withoutGet } });
    expect(result.status, describeRun(result)).toBe(1);
    expect(result.stdout).toHaveLength(0);
    expect(result.stderr).toContain(`${versionless}/`);
    expect(result.stderr).toContain('`get` key permission');
    expect(result.stderr).toContain('latest key version');
  });

  it('versioned URL needs no get permission', async () => {
    const plainPath = await session.writeFile('plain-versioned.yaml', 'token: x\n');
    const result = await session.run(['encrypt', '--azure-kv', keyUrl, plainPath], { env: { AZURE_CLIENT_ID: withoutGet } });
    expect(result.status, describeRun(result)).toBe(0);
  });
});

describe.concurrent('missing keys', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('decrypt with a missing key exits 128', async () => {
    // The MAC does not cover the key metadata, so renaming the key only changes which key the vault is asked for.
    const renamed = (await readFile(encryptedPath, 'utf8')).replace(/^( +name: )access-key$/m, '$1missing-key');
    expect(renamed).toContain('name: missing-key');
    const file = await session.writeFile('renamed-key.yaml', renamed);

    const result = await session.run(['decrypt', file]);
    expect(result.status, describeRun(result)).toBe(128);
    expect(result.stdout).toHaveLength(0);
    expect(result.stderr).toContain(keyUrl.replace('/keys/access-key/', '/keys/missing-key/'));
    expect(result.stderr).toMatch(/not found/);
  });

  it('encrypt with a missing key exits 1', async () => {
    const missing = `${session.emulator.vaultUrl}/keys/missing-key/0123456789abcdef0123456789abcdef`;
    const plainPath = await session.writeFile('plain-missing.yaml', 'token: x\n');
    const result = await session.run(['encrypt', '--azure-kv', missing, plainPath]);
    expect(result.status, describeRun(result)).toBe(1);
    expect(result.stdout).toHaveLength(0);
    expect(result.stderr).toContain(missing);
    expect(result.stderr).toMatch(/not found/);
  });

  it('encrypt with a missing versionless key exits 1', async () => {
    const missing = `${session.emulator.vaultUrl}/keys/missing-key`;
    const plainPath = await session.writeFile('plain-missing-latest.yaml', 'token: x\n');
    const result = await session.run(['encrypt', '--azure-kv', missing, plainPath]);
    expect(result.status, describeRun(result)).toBe(1);
    expect(result.stderr).toContain(`${missing}/`);
    expect(result.stderr).toMatch(/not found/);
  });
});
