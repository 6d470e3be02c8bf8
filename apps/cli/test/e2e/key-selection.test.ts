// Which Azure Key Vault keys `encrypt` uses: --azure-kv, the
// SOPS_AZURE_KEYVAULT_URLS default, comma-separated lists, and versionless
// URLs, which are resolved to the latest version before wrapping.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, startCliSession, type CliSession } from '../helpers/cli-session.js';
import { describeRun } from '../helpers/run-cli.js';

const PLAINTEXT = 'password: selection-secret\n';

let session: CliSession;
let firstKeyUrl: string;
let secondKeyUrl: string;
let plainPath: string;

beforeAll(async () => {
  session = await startCliSession();
  firstKeyUrl = await session.createKeyUrl('first-key');
  secondKeyUrl = await session.createKeyUrl('second-key');
  plainPath = await session.writeFile('plain.yaml', PLAINTEXT);
});

afterAll(async () => {
  await session?.close();
});

/** Returns the `name` and `version` of each azure_kv entry of an encrypted YAML file, in order. */
function keyEntries(encrypted: string): Array<{ name: string; version: string }> {
  return [...encrypted.matchAll(/^ {10}name: (\S+)\n {10}vault_url: \S+\n {10}version: (\S+)$/gm)].map((match) => ({
    name: match[1] ?? '',
    version: match[2] ?? '',
  }));
}

function versionOf(keyUrl: string): string {
  return keyUrl.slice(keyUrl.lastIndexOf('/') + 1);
}

describe.concurrent('key selection', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('SOPS_AZURE_KEYVAULT_URLS is the default', async () => {
    const result = await session.run(['encrypt', plainPath], { env: { SOPS_AZURE_KEYVAULT_URLS: firstKeyUrl } });
    expect(result.status, describeRun(result)).toBe(0);
    expect(keyEntries(result.stdout.toString('utf8'))).toEqual([{ name: 'first-key', version: versionOf(firstKeyUrl) }]);
  });

  it('--azure-kv wins over the variable', async () => {
    const result = await session.run(['encrypt', '--azure-kv', secondKeyUrl, plainPath], {
      env: { SOPS_AZURE_KEYVAULT_URLS: firstKeyUrl },
    });
    expect(result.status, describeRun(result)).toBe(0);
    expect(keyEntries(result.stdout.toString('utf8'))).toEqual([{ name: 'second-key', version: versionOf(secondKeyUrl) }]);
  });

  it('versionless URL records the latest version', async () => {
    const older = await session.createKeyUrl('rotated-key');
    const latest = await session.createKeyUrl('rotated-key');
    expect(versionOf(latest)).not.toBe(versionOf(older));

    const versionless = `${session.emulator.vaultUrl}/keys/rotated-key/`;
    const result = await session.run(['encrypt', '--azure-kv', versionless, plainPath]);
    expect(result.status, describeRun(result)).toBe(0);
    expect(keyEntries(result.stdout.toString('utf8'))).toEqual([{ name: 'rotated-key', version: versionOf(latest) }]);
  });

  it('comma-separated URLs give two entries', async () => {
    // sops trims white space around each URL of the list.
    const result = await session.run(['encrypt', '--azure-kv', `${firstKeyUrl}, ${secondKeyUrl}`, plainPath]);
    expect(result.status, describeRun(result)).toBe(0);
    const encrypted = result.stdout.toString('utf8');
    expect(keyEntries(encrypted)).toEqual([
      { name: 'first-key', version: versionOf(firstKeyUrl) },
      { name: 'second-key', version: versionOf(secondKeyUrl) },
    ]);
    // Each key wraps the same data key separately.
    const wrapped = [...encrypted.matchAll(/^ {10}enc: (\S+)$/gm)].map((match) => match[1]);
    expect(wrapped).toHaveLength(2);
    expect(wrapped[0]).not.toBe(wrapped[1]);
  });

  it('one remaining key still decrypts', async () => {
    const encryptedPath = await session.writeFile(
      'two-keys.enc.yaml',
      await session.runOk(['encrypt', '--azure-kv', `${firstKeyUrl},${secondKeyUrl}`, plainPath]),
    );
    for (const deletedKey of ['first-key', 'second-key']) {
      // A renamed entry names a key that does not exist, as if it was deleted.
      const text = (await readFile(encryptedPath, 'utf8')).replace(new RegExp(`^( {10}name: )${deletedKey}$`, 'm'), '$1deleted-key');
      expect(text).toContain('name: deleted-key');
      const file = await session.writeFile(`without-${deletedKey}.enc.yaml`, text);

      const result = await session.run(['decrypt', file]);
      expect(result.status, describeRun(result)).toBe(0);
      expect(result.stdout.toString('utf8')).toBe(PLAINTEXT);
    }
  });

  it('no remaining key exits 128', async () => {
    const encrypted = await session.runOk(['encrypt', '--azure-kv', `${firstKeyUrl},${secondKeyUrl}`, plainPath]);
    const text = encrypted.toString('utf8').replace(/^( {10}name: )(first|second)-key$/gm, '$1deleted-key');
    const result = await session.run(['decrypt', await session.writeFile('no-keys-left.enc.yaml', text)]);
    expect(result.status, describeRun(result)).toBe(128);
    expect(result.stdout).toHaveLength(0);
    // Both failures are listed, so the user sees every key that was tried.
    expect(result.stderr.match(/keys\/deleted-key\//g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('trailing comma is an invalid URL', async () => {
    const result = await session.run(['encrypt', '--azure-kv', `${firstKeyUrl},`, plainPath]);
    expect(result.status, describeRun(result)).toBe(1);
    expect(result.stderr).toContain('invalid Azure Key Vault key URL ""');
  });
});
