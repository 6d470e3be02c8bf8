// Changes encrypted files the way an attacker or a bad merge could, and checks
// that decryption fails with the exit status of sops 3.13.2 (cmd/sops/codes).
// That is 25 when a value cannot be decrypted, 51 when the MAC is missing,
// cannot be decrypted or does not match, and 128 when no master key can
// recover the data key. No plaintext may reach stdout or stderr.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, startCliSession, type CliSession } from '../helpers/cli-session.js';
import { describeRun } from '../helpers/run-cli.js';
import { changeEncryptedType, encryptedValueIndex, flipEncryptedField, swapEncryptedValues } from '../helpers/tamper.js';

const SECRETS = ['hello-secret-1', 'world-secret-2', 'first-item-3', 'second-item-4', '4242'];
const PLAINTEXT = [
  `password: ${SECRETS[0]}`,
  `token: ${SECRETS[1]}`,
  'list:',
  `    - ${SECRETS[2]}`,
  `    - ${SECRETS[3]}`,
  `count: ${SECRETS[4]}`,
  '',
].join('\n');

const EXIT_VALUE = 25;
const EXIT_MAC = 51;
const EXIT_KEY = 128;

let session: CliSession;
let keyUrl: string;
/** The encrypted YAML file that every case changes. */
let encrypted: string;

beforeAll(async () => {
  session = await startCliSession();
  keyUrl = await session.createKeyUrl('tamper-key');
  const plainPath = await session.writeFile('plain.yaml', PLAINTEXT);
  encrypted = (await session.runOk(['encrypt', '--azure-kv', keyUrl, plainPath])).toString('utf8');
});

afterAll(async () => {
  await session?.close();
});

/** Positions of the `ENC[...]` values of the encrypted YAML file, in file order. */
function indexOf(prefix: string): number {
  return encryptedValueIndex(encrypted, prefix);
}

/** Changes the first character of the wrapped data key to another base64url character. */
function changeWrappedKey(text: string): string {
  return text.replace(/^(\s*enc: )(.)/m, (_match, prefix: string, first: string) => `${prefix}${first === 'A' ? 'B' : 'A'}`);
}

async function expectRejected(name: string, text: string, status: number): Promise<void> {
  expect(text).not.toBe(encrypted);
  const file = await session.writeFile(`tampered/${name}`, text);
  const result = await session.run(['decrypt', file]);
  expect(result.status, describeRun(result)).toBe(status);
  expect(result.stdout).toHaveLength(0);
  for (const secret of SECRETS) {
    expect(result.stderr).not.toContain(secret);
  }
}

describe('unchanged file', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('decrypts to the plaintext', async () => {
    const file = await session.writeFile('untouched.yaml', encrypted);
    expect((await session.runOk(['decrypt', file])).toString('utf8')).toBe(PLAINTEXT);
  });
});

describe.concurrent('tampered YAML file', { timeout: CLI_TEST_TIMEOUT }, () => {
  const cases: Array<[string, () => string, number]> = [
    ['value data changed', () => flipEncryptedField(encrypted, indexOf('password: '), 'data'), EXIT_VALUE],
    ['value iv changed', () => flipEncryptedField(encrypted, indexOf('password: '), 'iv'), EXIT_VALUE],
    ['value tag changed', () => flipEncryptedField(encrypted, indexOf('token: '), 'tag'), EXIT_VALUE],
    ['value type changed to int', () => changeEncryptedType(encrypted, indexOf('password: '), 'int'), EXIT_VALUE],
    ['two keys swapped values', () => swapEncryptedValues(encrypted, indexOf('password: '), indexOf('token: ')), EXIT_VALUE],
    // List indices are not part of the additional data, so both elements
    // decrypt; only the MAC, computed in walk order, detects the swap.
    ['list elements swapped', () => swapEncryptedValues(encrypted, indexOf('    - '), indexOf('    - ') + 1), EXIT_MAC],
    ['value removed', () => encrypted.replace(/^count: .*\n/m, ''), EXIT_MAC],
    ['MAC data changed', () => flipEncryptedField(encrypted, indexOf('mac: '), 'data'), EXIT_MAC],
    ['MAC tag changed', () => flipEncryptedField(encrypted, indexOf('mac: '), 'tag'), EXIT_MAC],
    // lastmodified is the additional data of the encrypted MAC.
    ['lastmodified changed', () => encrypted.replace(/(lastmodified: "\d{4})/, (_match, year: string) => `${year.slice(0, -1)}9`), EXIT_MAC],
    ['MAC removed', () => encrypted.replace(/^ {4}mac: .*\n/m, ''), EXIT_MAC],
    ['wrapped data key changed', () => changeWrappedKey(encrypted), EXIT_KEY],
  ];

  it.each(cases)('%s is rejected', async (name, tamper, status) => {
    await expectRejected(`${name.replaceAll(' ', '-')}.yaml`, tamper(), status);
  });
});

describe.concurrent('tampered flat and JSON files', { timeout: CLI_TEST_TIMEOUT }, () => {
  async function encryptAs(name: string, text: string): Promise<string> {
    const plainPath = await session.writeFile(`plain/${name}`, text);
    return (await session.runOk(['encrypt', '--azure-kv', keyUrl, plainPath])).toString('utf8');
  }

  it('dotenv value data change exits 25', async () => {
    const text = await encryptAs('app.env', `PASSWORD=${SECRETS[0]}\nTOKEN=${SECRETS[1]}\n`);
    await expectRejected('app.env', flipEncryptedField(text, encryptedValueIndex(text, 'PASSWORD='), 'data'), EXIT_VALUE);
  });

  it('INI MAC change exits 51', async () => {
    const text = await encryptAs('app.ini', `[app]\npassword = ${SECRETS[0]}\n`);
    const macIndex = encryptedValueIndex(text, /^mac\s+= $/);
    await expectRejected('app.ini', flipEncryptedField(text, macIndex, 'tag'), EXIT_MAC);
  });

  it('JSON swapped values exit 25', async () => {
    const text = await encryptAs('app.json', `{"password": "${SECRETS[0]}", "token": "${SECRETS[1]}"}`);
    const swapped = swapEncryptedValues(text, encryptedValueIndex(text, '"password": "'), encryptedValueIndex(text, '"token": "'));
    await expectRejected('app.json', swapped, EXIT_VALUE);
  });
});
