// Decrypts each sops interop fixture with the CLI, encrypts the plaintext
// again with the same key URL, and compares the layout of the result with the
// original file once the parts that change on every encryption are masked.
//
// The data part must match the original exactly. The metadata part is
// compared with what sops 3.13.2 writes for a single azure_kv key. Since 3.13,
// sops serializes the metadata through a map: keys are sorted, empty key
// lists (`kms: []`, ...) are dropped, and YAML lists are indented as yaml.v3
// does. Files from older sops versions differ there by design. So only the
// files from sops 3.13 are also compared with their own metadata, with the
// PGP entry removed, because azkv writes only the azure_kv key it was given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, startCliSession, type CliSession } from '../helpers/cli-session.js';
import {
  importInteropKey,
  loadExpected,
  loadManifest,
  pointAtVault,
  readFixtureText,
  type FixtureEntry,
  type FixtureFormat,
} from '../helpers/interop.js';
import { dropPgpEntries, maskEncryptedText, splitEncrypted } from '../helpers/masking.js';
import { describeRun } from '../helpers/run-cli.js';

const manifest = loadManifest();
const KEY_ENTRY = [
  ['created_at', '<time>'],
  ['enc', '<enc>'],
  ['name', manifest.key_name],
  ['vault_url', manifest.vault_url],
  ['version', manifest.key_version],
] as const;

/** The masked metadata sops 3.13.2 writes for one azure_kv key and the default unencrypted suffix. */
const SOPS_313_METADATA: Record<FixtureFormat, string> = {
  yaml: [
    'sops:',
    '    azure_kv:',
    `        - created_at: "<time>"`,
    ...KEY_ENTRY.slice(1).map(([name, value]) => `          ${name}: ${value}`),
    '    lastmodified: "<time>"',
    '    mac: ENC[…,type:str]',
    '    unencrypted_suffix: _unencrypted',
    '    version: 3.13.2',
    '',
  ].join('\n'),
  json: [
    '\t"sops": {',
    '\t\t"azure_kv": [',
    '\t\t\t{',
    ...KEY_ENTRY.map(([name, value], index) => `\t\t\t\t"${name}": "${value}"${index < KEY_ENTRY.length - 1 ? ',' : ''}`),
    '\t\t\t}',
    '\t\t],',
    '\t\t"lastmodified": "<time>",',
    '\t\t"mac": "ENC[…,type:str]",',
    '\t\t"unencrypted_suffix": "_unencrypted",',
    '\t\t"version": "3.13.2"',
    '\t}',
    '}',
    '',
  ].join('\n'),
  // go-ini aligns the `=` of a section after its longest key.
  ini: [
    '[sops]',
    ...KEY_ENTRY.map(([name, value]) => `${`azure_kv__list_0__map_${name}`.padEnd(32)} = ${value}`),
    `${'lastmodified'.padEnd(32)} = <time>`,
    `${'mac'.padEnd(32)} = ENC[…,type:str]`,
    `${'unencrypted_suffix'.padEnd(32)} = _unencrypted`,
    `${'version'.padEnd(32)} = 3.13.2`,
    '',
  ].join('\n'),
  dotenv: [
    ...KEY_ENTRY.map(([name, value]) => `sops_azure_kv__list_0__map_${name}=${value}`),
    'sops_lastmodified=<time>',
    'sops_mac=ENC[…,type:str]',
    'sops_unencrypted_suffix=_unencrypted',
    'sops_version=3.13.2',
    '',
  ].join('\n'),
};

let session: CliSession;
let keyUrl: string;

beforeAll(async () => {
  session = await startCliSession();
  const key = await importInteropKey(session.emulator);
  keyUrl = key.kid;
});

afterAll(async () => {
  await session?.close();
});

function isSops313(entry: FixtureEntry): boolean {
  return loadExpected(entry).sops_version_in_file.startsWith('3.13.');
}

const reencrypted = new Map<string, Promise<{ original: string; result: string }>>();

/**
 * Decrypts the fixture and encrypts the plaintext again; returns the masked
 * original and result. Each fixture is processed once per file.
 */
function reencrypt(entry: FixtureEntry): Promise<{ original: string; result: string }> {
  let pending = reencrypted.get(entry.name);
  if (pending === undefined) {
    pending = decryptAndEncrypt(entry);
    reencrypted.set(entry.name, pending);
  }
  return pending;
}

async function decryptAndEncrypt(entry: FixtureEntry): Promise<{ original: string; result: string }> {
  const original = readFixtureText(entry.azkv);
  const encryptedPath = await session.writeFile(`encrypted/${entry.name}`, pointAtVault(original, entry.format, session.emulator.vaultUrl));
  // no_mac.yaml needs --ignore-mac; every other fixture must verify.
  const plaintext = await session.runOk(['decrypt', ...(entry.mac_ok ? [] : ['--ignore-mac']), encryptedPath]);
  const plainPath = await session.writeFile(`plain/${entry.name}`, plaintext);

  const run = await session.run(['encrypt', '--azure-kv', keyUrl, plainPath]);
  expect(run.status, describeRun(run)).toBe(0);
  return {
    original: maskEncryptedText(original),
    result: maskEncryptedText(run.stdout.toString('utf8'), session.emulator.vaultUrl, manifest.vault_url),
  };
}

/**
 * The data part sops 3.13.2 writes for the fixture: the original's, except
 * that comments an old sops left in clear text are encrypted now.
 */
function expectedDataPart(entry: FixtureEntry, originalData: string): string {
  const plainComments = loadExpected(entry).values.filter((value) => value.type === 'comment' && !value.encrypted);
  let data = originalData;
  for (const comment of plainComments) {
    data = data.replace(`#${comment.plaintext}\n`, '#ENC[…,type:comment]\n');
  }
  return data;
}

describe('re-encryption of the sops fixtures', { timeout: CLI_TEST_TIMEOUT }, () => {
  it.each(manifest.fixtures.map((entry) => [entry.name, entry] as const))('%s keeps its data layout', async (_name, entry) => {
    const { original, result } = await reencrypt(entry);
    const before = splitEncrypted(original, entry.format);
    const after = splitEncrypted(result, entry.format);

    expect(after.data).toBe(expectedDataPart(entry, before.data));
    expect(after.metadata).toBe(SOPS_313_METADATA[entry.format]);
  });

  it.each(manifest.fixtures.filter(isSops313).map((entry) => [entry.name, entry] as const))(
    '%s metadata matches the sops 3.13 original',
    async (_name, entry) => {
      const { original, result } = await reencrypt(entry);
      const originalMetadata = dropPgpEntries(splitEncrypted(original, entry.format).metadata, entry.format);
      // The original may be from 3.13.1; azkv writes the format version it implements.
      const versionLine = { yaml: /^( {4}version: ).*$/m, json: /^(\t\t"version": ").*(?=")/m, ini: /^(version\s+= ).*$/m, dotenv: /^(sops_version=).*$/m };
      expect(splitEncrypted(result, entry.format).metadata).toBe(originalMetadata.replace(versionLine[entry.format], '$13.13.2'));
    },
  );

  it('drops old metadata layout of sops 3.6', async () => {
    const entry = manifest.fixtures.find((candidate) => candidate.name === 'comments.enc.yaml')!;
    const { original, result } = await reencrypt(entry);
    // sops 3.6 listed every key type, also the empty ones, and used the struct field order.
    expect(original).toContain('    kms: []\n');
    expect(original).toContain('    -   vault_url: ');
    expect(result).not.toContain('kms: []');
    expect(result).toContain('        - created_at: "<time>"\n');
  });
});
