// Runs the built package in a child process configured only through the
// variables the emulator prints, as the azkv command line would be: the CA
// comes from NODE_EXTRA_CA_CERTS and the credential from process.env.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startEmulator, type Emulator } from '@azkv/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureJson, type FixtureExpectation, type FixtureManifest } from './emulator.js';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST_ENTRY = path.join(PACKAGE_DIR, 'dist/index.js');
const LOOPBACK_GUARD = path.resolve(PACKAGE_DIR, '../../scripts/loopback-guard.mjs');

/** Fails with instructions when dist/ is missing or older than a source file. */
function assertDistIsCurrent(): void {
  let built: number;
  try {
    built = statSync(DIST_ENTRY).mtimeMs;
  } catch {
    throw new Error(`${DIST_ENTRY} is missing: run \`pnpm -F @azkv/azure build\` first (turbo does this before tests)`);
  }
  const sources = readdirSync(path.join(PACKAGE_DIR, 'src')).map((name) => statSync(path.join(PACKAGE_DIR, 'src', name)).mtimeMs);
  if (Math.max(...sources) > built) {
    throw new Error(`${DIST_ENTRY} is older than src/: run \`pnpm -F @azkv/azure build\` first (turbo does this before tests)`);
  }
}

// The child prints only whether the unwrapped key matches, never the key.
const DECRYPT_SCRIPT = `
import { createHash } from 'node:crypto';
import { azureKeySource } from ${JSON.stringify(pathToFileURL(DIST_ENTRY).href)};
const [entryJson, expectedDigest] = process.argv.slice(1);
try {
  const dataKey = await azureKeySource().fromEntry(JSON.parse(entryJson)).decrypt();
  const digest = createHash('sha256').update(dataKey).digest('hex');
  process.stdout.write(digest === expectedDigest ? 'match' : 'mismatch');
} catch (error) {
  process.stdout.write(error.code + ' ' + error.message);
}
`;

const ROUND_TRIP_SCRIPT = `
import { randomBytes } from 'node:crypto';
import { azureKeySource, keyUrlsFromEnv } from ${JSON.stringify(pathToFileURL(DIST_ENTRY).href)};
const source = azureKeySource();
const [keyId] = keyUrlsFromEnv();
const key = source.fromKeyId(keyId);
const dataKey = randomBytes(32);
await key.encrypt(dataKey);
const unwrapped = await source.fromEntry(key.toEntry()).decrypt();
process.stdout.write(JSON.stringify({ version: key.version, same: Buffer.from(unwrapped).equals(dataKey) }));
`;

let emulator: Emulator;

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Only what the command line would get, without this machine's AZURE_* settings.
  return {
    PATH: process.env.PATH ?? '',
    NODE_OPTIONS: `--import=${pathToFileURL(LOOPBACK_GUARD).href}`,
    ...emulator.env,
    ...extra,
  };
}

/** Runs a module script with `node -e` and returns its standard output. */
function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  // A callback rather than util.promisify: the test guard wraps execFile and
  // its wrapper does not keep the promisified form that resolves to { stdout }.
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script, ...args], { env, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`child process failed: ${error.message}\n${stderr}`));
        return;
      }
      resolve(stdout);
    });
  });
}

beforeAll(async () => {
  assertDistIsCurrent();
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator.close();
});

describe('configured by environment', () => {
  it('decrypts the fixture data key', async () => {
    const manifest = readFixtureJson<FixtureManifest>('manifest.json');
    const expected = readFixtureJson<FixtureExpectation>('expected/format.enc.yaml.json');
    await emulator.importKey(manifest.key_name, readFixtureJson('keys/interop-key.import-request.json'), { version: manifest.key_version });
    const entry = Object.entries({ ...expected.azure_kv, vault_url: emulator.vaultUrl });
    const digest = createHash('sha256').update(Buffer.from(expected.data_key_hex, 'hex')).digest('hex');

    expect(await runScript(DECRYPT_SCRIPT, [JSON.stringify(entry), digest], childEnv())).toBe('match');
  });

  it('resolves a versionless SOPS_AZURE_KEYVAULT_URLS key', async () => {
    const created = await emulator.createKey('from-env');
    const env = childEnv({ SOPS_AZURE_KEYVAULT_URLS: ` ${emulator.vaultUrl}/keys/from-env/ ` });

    const output = JSON.parse(await runScript(ROUND_TRIP_SCRIPT, [], env)) as { version: string; same: boolean };
    expect(output.version).toBe(created.version);
    expect(output.same).toBe(true);
  });

  it('reports an untrusted vault certificate', async () => {
    const entry = [
      ['vault_url', emulator.vaultUrl],
      ['name', 'from-env'],
      ['version', '0'.repeat(32)],
      ['created_at', '2026-01-01T00:00:00Z'],
      ['enc', 'AAAA'],
    ];
    const env = childEnv();
    delete env.NODE_EXTRA_CA_CERTS;

    const output = await runScript(DECRYPT_SCRIPT, [JSON.stringify(entry), ''], env);
    expect(output).toMatch(/^ERR_KEY_ACCESS failed to decrypt the data key with Azure Key Vault key https:\/\/127\.0\.0\.1:\d+\/keys\/from-env\/0{32}: /);
    expect(output).toMatch(/certificate/i);
  });
});
