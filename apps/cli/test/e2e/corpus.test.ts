// Encrypts each plaintext file of the corpus with the CLI and decrypts the
// result. Files already in the layout sops writes must come back byte for
// byte. For the others the expected output is the `.expected.` file next to
// the input: what sops 3.13.2 wrote for the same input (recorded with
// `sops encrypt` then `sops decrypt`), unless the case names an azkv
// difference.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, startCliSession, type CliSession } from '../helpers/cli-session.js';
import { describeRun } from '../helpers/run-cli.js';

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');

interface CorpusCase {
  /** Test name: the input and what the output shows. */
  name: string;
  /** Input path below the corpus folder. */
  input: string;
  /** Expected decrypted output below the corpus folder; the input itself when absent. */
  expected?: string;
  /** Plaintext that must not appear in the encrypted file. */
  secret?: string;
}

const CASES: CorpusCase[] = [
  { name: 'YAML in sops layout is unchanged', input: 'yaml/sops-layout.yaml', secret: 'payments' },
  { name: 'YAML documents stay separate', input: 'yaml/multi-document.yaml', secret: 'document' },
  { name: 'YAML empty mapping is unchanged', input: 'yaml/empty-map.yaml' },
  {
    name: 'YAML is re-laid out as sops writes it',
    input: 'yaml/reformat.yaml',
    expected: 'yaml/reformat.expected.yaml',
    secret: 'db.internal',
  },
  { name: 'YAML CRLF becomes LF as in sops', input: 'yaml/crlf.yaml', expected: 'yaml/crlf.expected.yaml' },
  { name: 'YAML BOM is dropped as in sops', input: 'yaml/bom.yaml', expected: 'yaml/bom.expected.yaml', secret: 'value with bom' },
  { name: 'YAML bare --- becomes {} as in sops', input: 'yaml/only-marker.yaml', expected: 'yaml/only-marker.expected.yaml' },
  // sops 3.13.2 drops the inline flag of a comment when it decrypts it, so it
  // writes the comment above the key. azkv keeps it on the value's line.
  { name: 'YAML inline comment stays inline, unlike sops', input: 'yaml/inline-comment.yaml', secret: 'rotated monthly' },

  { name: 'JSON in sops layout is unchanged', input: 'json/sops-layout.json', secret: 'payments' },
  {
    name: 'JSON is re-indented and numbers rewritten as in sops',
    input: 'json/reformat.json',
    expected: 'json/reformat.expected.json',
  },
  { name: 'JSON CRLF is re-indented as in sops', input: 'json/crlf.json', expected: 'json/crlf.expected.json' },
  { name: 'JSON {} gains a final newline as in sops', input: 'json/empty-object.json', expected: 'json/empty-object.expected.json' },
  // sops 3.13.2 rejects a JSON file that starts with a byte order mark.
  { name: 'JSON BOM is skipped, unlike sops', input: 'json/bom.json', expected: 'json/bom.expected.json' },

  { name: 'dotenv in sops layout is unchanged', input: 'dotenv/sops-layout.env', secret: 'p@ss=word#1' },
  { name: 'dotenv CRLF is kept as in sops', input: 'dotenv/crlf.env' },
  { name: 'dotenv BOM stays in the first key as in sops', input: 'dotenv/bom.env' },
  { name: 'dotenv export prefix stays in the key', input: 'dotenv/export.env' },
  { name: 'dotenv empty file stays empty', input: 'dotenv/empty.env' },
  { name: 'dotenv blank lines are dropped as in sops', input: 'dotenv/blank-lines.env', expected: 'dotenv/blank-lines.expected.env' },

  { name: 'INI in sops layout is unchanged', input: 'ini/sops-layout.ini', secret: 'db.internal' },
  {
    name: 'INI is aligned and ; starts a comment as in sops',
    input: 'ini/comments-and-alignment.ini',
    expected: 'ini/comments-and-alignment.expected.ini',
  },
  { name: 'INI separators are rewritten as in sops', input: 'ini/reformat.ini', expected: 'ini/reformat.expected.ini' },
  { name: 'INI CRLF becomes LF as in sops', input: 'ini/crlf.ini', expected: 'ini/crlf.expected.ini' },
  { name: 'INI BOM is dropped as in sops', input: 'ini/bom.ini', expected: 'ini/bom.expected.ini' },
  { name: 'INI empty file stays empty', input: 'ini/empty.ini' },
];

let session: CliSession;
let keyUrl: string;

beforeAll(async () => {
  session = await startCliSession();
  keyUrl = await session.createKeyUrl('corpus-key');
});

afterAll(async () => {
  await session?.close();
});

function readCorpus(relativePath: string): Buffer {
  return readFileSync(path.join(CORPUS, relativePath));
}

describe.concurrent('corpus round trip', { timeout: CLI_TEST_TIMEOUT }, () => {
  it.each(CASES.map((corpusCase) => [corpusCase.name, corpusCase] as const))('%s', async (_name, corpusCase) => {
    const input = readCorpus(corpusCase.input);
    const plainPath = await session.writeFile(`plain/${corpusCase.input}`, input);

    const encrypted = await session.run(['encrypt', '--azure-kv', keyUrl, plainPath]);
    expect(encrypted.status, describeRun(encrypted)).toBe(0);
    const encryptedText = encrypted.stdout.toString('utf8');
    expect(encryptedText).toMatch(/sops/);
    if (corpusCase.secret !== undefined) {
      expect(encryptedText).not.toContain(corpusCase.secret);
    }

    const encryptedPath = await session.writeFile(`encrypted/${corpusCase.input}`, encrypted.stdout);
    const decrypted = await session.run(['decrypt', encryptedPath]);
    expect(decrypted.status, describeRun(decrypted)).toBe(0);
    const expected = corpusCase.expected === undefined ? input : readCorpus(corpusCase.expected);
    expect(decrypted.stdout.toString('utf8')).toBe(expected.toString('utf8'));
    // Equal text could still hide a changed byte sequence, such as a BOM.
    expect(Buffer.compare(decrypted.stdout, expected)).toBe(0);
  });
});
