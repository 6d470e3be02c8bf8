// Round trips of large inputs through the CLI: a 100 kB value in each text
// store, and a 1 MiB binary file with every byte value, through the binary
// store chosen by an unknown file ending and by --input-type binary.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, startCliSession, type CliSession } from '../helpers/cli-session.js';
import { describeRun } from '../helpers/run-cli.js';

const LONG_VALUE_LENGTH = 100_000;
const BINARY_LENGTH = 1 << 20;

/** About 100 kB of words separated by single spaces, the same on every run. */
function longText(): string {
  const words: string[] = [];
  let length = 0;
  for (let i = 0; length < LONG_VALUE_LENGTH; i++) {
    const word = `w${((i * 7919) % 100_000).toString(36)}é`;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ').slice(0, LONG_VALUE_LENGTH).trimEnd();
}

/** 1 MiB in which every byte value occurs, in an order that is not a simple count. */
function binaryContent(): Buffer {
  const content = Buffer.alloc(BINARY_LENGTH);
  for (let i = 0; i < content.length; i++) {
    content[i] = (i * 7 + (i >> 8)) & 0xff;
  }
  return content;
}

const LONG = longText();
const LONG_VALUE_FILES: Array<[string, string]> = [
  ['long.yaml', `long: ${LONG}\nshort: x\n`],
  ['long.json', `{\n\t"long": "${LONG}",\n\t"short": "x"\n}\n`],
  ['long.env', `LONG=${LONG}\nSHORT=x\n`],
  ['long.ini', `[values]\nlong  = ${LONG}\nshort = x\n`],
];

let session: CliSession;
let keyUrl: string;

beforeAll(async () => {
  session = await startCliSession();
  keyUrl = await session.createKeyUrl('large-values-key');
});

afterAll(async () => {
  await session?.close();
});

async function encryptToFile(plainPath: string, encryptedName: string, extraArgs: string[] = []): Promise<string> {
  const encrypted = await session.run(['encrypt', '--azure-kv', keyUrl, ...extraArgs, plainPath]);
  expect(encrypted.status, describeRun(encrypted)).toBe(0);
  return session.writeFile(encryptedName, encrypted.stdout);
}

describe.concurrent('large values', { timeout: CLI_TEST_TIMEOUT }, () => {
  it.each(LONG_VALUE_FILES)('%s with a 100 kB value round-trips', async (name, text) => {
    expect(LONG.length).toBeGreaterThan(LONG_VALUE_LENGTH - 20);
    const plainPath = await session.writeFile(`long/${name}`, text);
    const encryptedPath = await encryptToFile(plainPath, `long/encrypted.${name}`);
    expect(await readFile(encryptedPath, 'utf8')).not.toContain(LONG.slice(0, 200));

    const decrypted = await session.run(['decrypt', encryptedPath]);
    expect(decrypted.status, describeRun(decrypted)).toBe(0);
    expect(decrypted.stdout.toString('utf8')).toBe(text);
  });
});

describe('binary store', { timeout: CLI_TEST_TIMEOUT }, () => {
  const content = binaryContent();

  it('test data contains every byte value', () => {
    expect(new Set(content).size).toBe(256);
    expect(content.length).toBe(BINARY_LENGTH);
  });

  it('unknown file ending selects binary', async () => {
    const plainPath = await session.writeFile('binary/blob.dat', content);
    const encryptedPath = await encryptToFile(plainPath, 'binary/blob.enc.dat');
    const encrypted = JSON.parse(await readFile(encryptedPath, 'utf8')) as { data: string; sops: object };
    expect(Object.keys(encrypted)).toEqual(['data', 'sops']);
    expect(encrypted.data).toMatch(/^ENC\[AES256_GCM,data:.*,type:str\]$/);

    const decrypted = await session.run(['decrypt', encryptedPath]);
    expect(decrypted.status, describeRun(decrypted)).toBe(0);
    expect(decrypted.stdout.length).toBe(content.length);
    expect(Buffer.compare(decrypted.stdout, content)).toBe(0);
  });

  it('--input-type binary overrides .yaml', async () => {
    // The output store still follows the file name, so the result is YAML with one `data` key.
    const plainPath = await session.writeFile('binary/blob.yaml', content);
    const encryptedPath = await encryptToFile(plainPath, 'binary/blob.enc.yaml', ['--input-type', 'binary']);
    expect(await readFile(encryptedPath, 'utf8')).toMatch(/^data: ENC\[AES256_GCM,data:[^\n]*,type:str\]\nsops:\n/);

    const decrypted = await session.run(['decrypt', '--output-type', 'binary', encryptedPath]);
    expect(decrypted.status, describeRun(decrypted)).toBe(0);
    expect(Buffer.compare(decrypted.stdout, content)).toBe(0);
  });

  it('binary data decrypts to YAML !!binary', async () => {
    // sops 3.13.2 writes the data, a Go string that is not UTF-8, as base64 in
    // lines of 70 characters below a `!!binary |` header.
    const encryptedPath = await encryptToFile(await session.writeFile('binary/as-yaml.yaml', content), 'binary/as-yaml.enc.yaml', [
      '--input-type',
      'binary',
    ]);
    const decrypted = await session.run(['decrypt', encryptedPath]);
    expect(decrypted.status, describeRun(decrypted)).toBe(0);

    const base64 = content.toString('base64');
    const lines = base64.match(/.{1,70}/g) ?? [];
    expect(decrypted.stdout.toString('utf8')).toBe(`data: !!binary |\n${lines.map((line) => `    ${line}\n`).join('')}`);
  });

  it('empty binary file round-trips', async () => {
    const encryptedPath = await encryptToFile(await session.writeFile('binary/empty.bin', ''), 'binary/empty.enc.bin');
    const decrypted = await session.run(['decrypt', encryptedPath]);
    expect(decrypted.status, describeRun(decrypted)).toBe(0);
    expect(decrypted.stdout).toHaveLength(0);
  });
});
