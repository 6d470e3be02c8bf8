// --output-type conversions on decrypt and on encrypt. The expected outputs
// in corpus/convert were written by sops 3.13.2 for the same inputs:
// `expected/SOURCE.EXT` by `sops decrypt --output-type`, and
// `sops/SOURCE.enc.EXT` by `sops encrypt --output-type` with the interop key
// (vault_url replaced by the fixtures' placeholder).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, startCliSession, type CliSession } from '../helpers/cli-session.js';
import { importInteropKey, loadManifest, pointAtVault, type FixtureFormat } from '../helpers/interop.js';
import { maskEncryptedText } from '../helpers/masking.js';
import { describeRun } from '../helpers/run-cli.js';

const CONVERT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus', 'convert');
const manifest = loadManifest();

const FORMAT_BY_EXTENSION: Record<string, FixtureFormat> = { yaml: 'yaml', json: 'json', env: 'dotenv', ini: 'ini' };

/** Splits `app.yaml.json` into the source file `app.yaml` and the target format. */
function conversion(fileName: string, marker = ''): { source: string; format: FixtureFormat } {
  const extension = path.extname(fileName).slice(1);
  const format = FORMAT_BY_EXTENSION[extension];
  if (format === undefined) {
    throw new Error(`unknown file ending in ${fileName}`);
  }
  return { source: fileName.slice(0, -(marker.length + extension.length + 1)), format };
}

const DECRYPT_CASES = readdirSync(path.join(CONVERT, 'expected')).sort();
const ENCRYPT_CASES = readdirSync(path.join(CONVERT, 'sops')).sort();

let session: CliSession;
let keyUrl: string;
const encryptedSources = new Map<string, Promise<string>>();

beforeAll(async () => {
  session = await startCliSession();
  keyUrl = (await importInteropKey(session.emulator)).kid;
});

afterAll(async () => {
  await session?.close();
});

/** Encrypts a source file once, in its own format, and returns the encrypted file's path. */
function encryptedSource(source: string): Promise<string> {
  let pending = encryptedSources.get(source);
  if (pending === undefined) {
    pending = (async () => {
      const plainPath = await session.writeFile(`plain/${source}`, readFileSync(path.join(CONVERT, source)));
      const stdout = await session.runOk(['encrypt', '--azure-kv', keyUrl, plainPath]);
      return session.writeFile(`encrypted/${source}`, stdout);
    })();
    encryptedSources.set(source, pending);
  }
  return pending;
}

describe.concurrent('decrypt --output-type', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('has cases for every conversion sops supports', () => {
    expect(DECRYPT_CASES).toEqual(
      expect.arrayContaining(['app.yaml.json', 'app.json.yaml', 'app.env.json', 'app.ini.json', 'sections.yaml.ini', 'flat.json.env']),
    );
  });

  it.each(DECRYPT_CASES)('%s matches sops', async (expectedName) => {
    const { source, format } = conversion(expectedName);
    const result = await session.run(['decrypt', '--output-type', format, await encryptedSource(source)]);
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stdout.toString('utf8')).toBe(readFileSync(path.join(CONVERT, 'expected', expectedName), 'utf8'));
  });
});

describe.concurrent('encrypt --output-type', { timeout: CLI_TEST_TIMEOUT }, () => {
  it.each(ENCRYPT_CASES)('%s has the sops layout', async (sopsName) => {
    const { source, format } = conversion(sopsName, '.enc');
    // Each test writes its own copy, because concurrent tests must not rewrite a file another CLI run reads.
    const plainPath = await session.writeFile(`plain-${sopsName}/${source}`, readFileSync(path.join(CONVERT, source)));
    const result = await session.run(['encrypt', '--azure-kv', keyUrl, '--output-type', format, plainPath]);
    expect(result.status, describeRun(result)).toBe(0);

    const sopsText = readFileSync(path.join(CONVERT, 'sops', sopsName), 'utf8');
    const actual = maskEncryptedText(result.stdout.toString('utf8'), session.emulator.vaultUrl, manifest.vault_url);
    expect(actual).toBe(maskEncryptedText(sopsText));
  });

  it.each(ENCRYPT_CASES)('%s written by sops decrypts', async (sopsName) => {
    // The sops file has the target format, so decrypting it gives the converted plaintext.
    const { source, format } = conversion(sopsName, '.enc');
    const sopsText = readFileSync(path.join(CONVERT, 'sops', sopsName), 'utf8');
    const encryptedPath = await session.writeFile(`sops/${sopsName}`, pointAtVault(sopsText, format, session.emulator.vaultUrl));
    const result = await session.run(['decrypt', encryptedPath]);
    expect(result.status, describeRun(result)).toBe(0);
    const extension = path.extname(sopsName);
    expect(result.stdout.toString('utf8')).toBe(readFileSync(path.join(CONVERT, 'expected', `${source}${extension}`), 'utf8'));
  });
});

describe.concurrent('conversions sops cannot write', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('nested YAML to dotenv fails with exit status 4', async () => {
    const result = await session.run(['decrypt', '--output-type', 'dotenv', await encryptedSource('app.yaml')]);
    expect(result.status, describeRun(result)).toBe(4);
    expect(result.stdout).toHaveLength(0);
    expect(result.stderr).toContain('database');
  });

  it('dotenv to INI fails with exit status 4', async () => {
    const result = await session.run(['decrypt', '--output-type', 'ini', await encryptedSource('app.env')]);
    expect(result.status, describeRun(result)).toBe(4);
    expect(result.stdout).toHaveLength(0);
  });

  it('nested YAML to INI fails on encrypt', async () => {
    const plainPath = await session.writeFile('plain-to-ini/app.yaml', readFileSync(path.join(CONVERT, 'app.yaml')));
    const result = await session.run(['encrypt', '--azure-kv', keyUrl, '--output-type', 'ini', plainPath]);
    expect(result.status, describeRun(result)).toBe(4);
    expect(result.stdout).toHaveLength(0);
  });

  it('multi-document YAML to JSON is rejected', async () => {
    // sops 3.13.2 writes only the first document and drops the others
    // silently. azkv stops instead of losing data.
    const plainPath = await session.writeFile('plain/two.yaml', 'first: 1\n---\nsecond: 2\n');
    const result = await session.run(['encrypt', '--azure-kv', keyUrl, '--output-type', 'json', plainPath]);
    expect(result.status, describeRun(result)).toBe(4);
    expect(result.stdout).toHaveLength(0);
    expect(result.stderr).toMatch(/document/);
  });
});
