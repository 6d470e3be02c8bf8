// Where the CLI writes its result: stdout, --output FILE and --in-place, which
// replaces the file atomically and leaves it untouched when the command fails.
import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, startCliSession, type CliSession } from '../helpers/cli-session.js';
import { describeRun } from '../helpers/run-cli.js';

const PLAINTEXT = 'database:\n    password: in-place-secret\n    port: 5432\n';

let session: CliSession;
let keyUrl: string;

beforeAll(async () => {
  session = await startCliSession();
  keyUrl = await session.createKeyUrl('output-key');
});

afterAll(async () => {
  await session?.close();
});

describe.concurrent('--in-place', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('encrypts and decrypts the file itself', async () => {
    const file = await session.writeFile('in-place/secrets.yaml', PLAINTEXT);
    await chmod(file, 0o640);

    const encrypted = await session.run(['encrypt', '--in-place', '--azure-kv', keyUrl, file]);
    expect(encrypted.status, describeRun(encrypted)).toBe(0);
    expect(encrypted.stdout).toHaveLength(0);
    const encryptedText = await readFile(file, 'utf8');
    expect(encryptedText).toMatch(/^database:\n {4}password: ENC\[AES256_GCM,/);
    expect(encryptedText).not.toContain('in-place-secret');
    // The replacement keeps the permission bits of the file it replaces.
    expect((await stat(file)).mode & 0o777).toBe(0o640);

    const decrypted = await session.run(['decrypt', '-i', file]);
    expect(decrypted.status, describeRun(decrypted)).toBe(0);
    expect(decrypted.stdout).toHaveLength(0);
    expect(await readFile(file, 'utf8')).toBe(PLAINTEXT);
    expect(await session.listDir('in-place')).toEqual(['secrets.yaml']);
  });

  it('failure leaves the file unchanged', async () => {
    const original = Buffer.from(`${PLAINTEXT}# trailing bytes \u00e9\n`);
    const file = await session.writeFile('in-place-failure/secrets.yaml', original);
    const missingKey = `${session.emulator.vaultUrl}/keys/no-such-key/0123456789abcdef0123456789abcdef`;

    const result = await session.run(['encrypt', '--in-place', '--azure-kv', missingKey, file]);
    expect(result.status, describeRun(result)).not.toBe(0);
    expect(result.stderr).toContain(missingKey);
    expect(Buffer.compare(await readFile(file), original)).toBe(0);
    expect(await session.listDir('in-place-failure')).toEqual(['secrets.yaml']);
  });

  it('failed decrypt leaves the file unchanged', async () => {
    const file = await session.writeFile('in-place-decrypt-failure/plain.yaml', PLAINTEXT);
    const result = await session.run(['decrypt', '--in-place', file]);
    expect(result.status, describeRun(result)).toBe(1);
    expect(result.stderr).toMatch(/metadata not found/);
    expect(await readFile(file, 'utf8')).toBe(PLAINTEXT);
    expect(await session.listDir('in-place-decrypt-failure')).toEqual(['plain.yaml']);
  });

  it('with --output exits 8', async () => {
    const file = await session.writeFile('conflict/secrets.yaml', PLAINTEXT);
    const output = path.join(session.workDir, 'conflict', 'out.yaml');
    const runs = [
      ['encrypt', '--in-place', '--output', output, '--azure-kv', keyUrl, file],
      ['decrypt', '--in-place', '--output', output, file],
    ];
    for (const args of runs) {
      const result = await session.run(args);
      expect(result.status, describeRun(result)).toBe(8);
      expect(result.stderr).toMatch(/--output/);
      expect(result.stderr).toMatch(/--in-place/);
    }
    expect(await readFile(file, 'utf8')).toBe(PLAINTEXT);
    expect(await session.listDir('conflict')).toEqual(['secrets.yaml']);
  });
});

describe.concurrent('--output', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('writes the result to the file', async () => {
    const file = await session.writeFile('output/secrets.yaml', PLAINTEXT);
    const encryptedPath = path.join(session.workDir, 'output', 'secrets.enc.yaml');

    const encrypted = await session.run(['encrypt', '--azure-kv', keyUrl, '--output', encryptedPath, file]);
    expect(encrypted.status, describeRun(encrypted)).toBe(0);
    expect(encrypted.stdout).toHaveLength(0);
    expect(await readFile(encryptedPath, 'utf8')).toMatch(/^database:\n {4}password: ENC\[/);
    // A new file may hold secrets, so only its owner can read it.
    expect((await stat(encryptedPath)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe(PLAINTEXT);

    const decryptedPath = path.join(session.workDir, 'output', 'secrets.dec.yaml');
    const decrypted = await session.run(['decrypt', '--output', decryptedPath, encryptedPath]);
    expect(decrypted.status, describeRun(decrypted)).toBe(0);
    expect(decrypted.stdout).toHaveLength(0);
    expect(await readFile(decryptedPath, 'utf8')).toBe(PLAINTEXT);
    expect(await session.listDir('output')).toEqual(['secrets.dec.yaml', 'secrets.enc.yaml', 'secrets.yaml']);
  });

  it('keeps the input format, not the output name', async () => {
    // sops picks the output store from the input file name, never from --output.
    const file = await session.writeFile('output-format/secrets.yaml', PLAINTEXT);
    const target = path.join(session.workDir, 'output-format', 'secrets.enc.json');
    const result = await session.run(['encrypt', '--azure-kv', keyUrl, '--output', target, file]);
    expect(result.status, describeRun(result)).toBe(0);
    expect(await readFile(target, 'utf8')).toMatch(/^database:\n/);
  });

  it('missing directory exits 3', async () => {
    const file = await session.writeFile('output-missing/secrets.yaml', PLAINTEXT);
    const target = path.join(session.workDir, 'output-missing', 'no-such-dir', 'out.yaml');
    const result = await session.run(['encrypt', '--azure-kv', keyUrl, '--output', target, file]);
    expect(result.status, describeRun(result)).toBe(3);
    expect(result.stderr).toContain(target);
    expect(result.stdout).toHaveLength(0);
  });
});
