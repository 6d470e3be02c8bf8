// Decrypts the real sops files of the interop fixtures (written by sops 3.3.1
// to 3.13.2, with an added azure_kv entry) through the built CLI and the
// emulator, and checks every value against the recorded plaintext.
import { getStore } from '@azkv/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, startCliSession, type CliSession } from '../helpers/cli-session.js';
import { importInteropKey, loadExpected, loadManifest, pointAtVault, readFixtureText, type FixtureEntry } from '../helpers/interop.js';
import { describeRun } from '../helpers/run-cli.js';
import { leavesInWalkOrder } from '../helpers/tree-leaves.js';

const manifest = loadManifest();
const withMac = manifest.fixtures.filter((entry) => entry.mac_ok);
const noMac = manifest.fixtures.find((entry) => entry.name === 'no_mac.yaml');

let session: CliSession;

beforeAll(async () => {
  session = await startCliSession();
  await importInteropKey(session.emulator);
});

afterAll(async () => {
  await session?.close();
});

/** Writes the fixture with its vault_url pointed at the emulator and returns the path. */
async function writeFixture(entry: FixtureEntry): Promise<string> {
  const text = pointAtVault(readFixtureText(entry.azkv), entry.format, session.emulator.vaultUrl);
  return session.writeFile(`interop/${entry.name}`, text);
}

describe('sops fixtures decrypt through the emulator', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('covers every store and the file without MAC', () => {
    expect(new Set(manifest.fixtures.map((entry) => entry.format))).toEqual(new Set(['yaml', 'json', 'ini', 'dotenv']));
    expect(noMac).toBeDefined();
    expect(noMac?.mac_ok).toBe(false);
  });

  it.each(withMac.map((entry) => [entry.name, entry] as const))('%s decrypts to the recorded values', async (_name, entry) => {
    const expected = loadExpected(entry);
    const file = await writeFixture(entry);

    // Without --ignore-mac, exit status 0 means that the MAC was verified.
    const result = await session.run(['decrypt', file]);
    expect(result.status, describeRun(result)).toBe(0);

    if (expected.decrypted_output !== undefined) {
      expect(result.stdout.toString('utf8')).toBe(expected.decrypted_output);
    }
    const leaves = leavesInWalkOrder(getStore(entry.format).loadPlainFile(result.stdout));
    const expectedLeaves = expected.values.map((value) => ({ path: value.path, type: value.type, plaintext: value.plaintext }));
    expect(leaves).toEqual(expectedLeaves);
  });

  it('plain comments of old files are kept with a warning', async () => {
    const entry = manifest.fixtures.find((candidate) => candidate.name === 'comments_unencrypted_comments.yaml');
    expect(entry).toBeDefined();
    const plainComments = loadExpected(entry!).values.filter((value) => value.type === 'comment' && !value.encrypted);
    expect(plainComments.length).toBeGreaterThan(0);

    const result = await session.run(['decrypt', await writeFixture(entry!)]);
    expect(result.status, describeRun(result)).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('could not be decrypted and was kept'));
    expect(warnings).toHaveLength(plainComments.length);
    for (const comment of plainComments) {
      expect(result.stdout.toString('utf8')).toContain(`#${comment.plaintext}\n`);
    }
  });

  it('encrypted comments decrypt without warnings', async () => {
    const entry = manifest.fixtures.find((candidate) => candidate.name === 'comments.enc.yaml');
    expect(entry).toBeDefined();
    const result = await session.run(['decrypt', await writeFixture(entry!)]);
    expect(result.status, describeRun(result)).toBe(0);
    expect(result.stderr).toBe('');
  });
});

describe('file without MAC', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('fails with exit status 51 and names --ignore-mac', async () => {
    const result = await session.run(['decrypt', await writeFixture(noMac!)]);
    expect(result.status, describeRun(result)).toBe(51);
    expect(result.stdout).toHaveLength(0);
    expect(result.stderr).toMatch(/no MAC/);
    expect(result.stderr).toContain('--ignore-mac');
  });

  it('decrypts with --ignore-mac', async () => {
    const expected = loadExpected(noMac!);
    const result = await session.run(['decrypt', '--ignore-mac', await writeFixture(noMac!)]);
    expect(result.status, describeRun(result)).toBe(0);
    const leaves = leavesInWalkOrder(getStore('yaml').loadPlainFile(result.stdout));
    expect(leaves).toEqual(expected.values.map((value) => ({ path: value.path, type: value.type, plaintext: value.plaintext })));
  });
});
