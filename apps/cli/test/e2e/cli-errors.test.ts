// Usage and input errors of the CLI, with the exit statuses of sops 3.13.2
// (cmd/sops/codes and the checks in cmd/sops/main.go and encrypt.go).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, startCliSession, type CliSession } from '../helpers/cli-session.js';
import { describeRun, type CliResult } from '../helpers/run-cli.js';

const INVALID = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus', 'invalid');

let session: CliSession;
let keyUrl: string;

beforeAll(async () => {
  session = await startCliSession();
  keyUrl = await session.createKeyUrl('errors-key');
});

afterAll(async () => {
  await session?.close();
});

function expectFailure(result: CliResult, status: number): void {
  expect(result.status, describeRun(result)).toBe(status);
  expect(result.stdout).toHaveLength(0);
}

async function encrypt(name: string, content: string | Uint8Array, extraArgs: string[] = []): Promise<CliResult> {
  const file = await session.writeFile(name, content);
  return session.run(['encrypt', '--azure-kv', keyUrl, ...extraArgs, file]);
}

describe.concurrent('file arguments', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('standard input without a file', async () => {
    // sops 3.13.2 reads standard input when no file is given; encrypt then
    // needs --filename-override, and --in-place is rejected (exit 8).
    const plaintext = 'token: abc\n';
    const encrypted = await session.runOk(['encrypt', '--azure-kv', keyUrl, '--filename-override', 'piped.yaml'], { stdin: plaintext });
    expect(encrypted.toString('utf8')).toMatch(/^token: ENC\[AES256_GCM,/);

    const decrypted = await session.runOk(['decrypt', '--input-type', 'yaml'], { stdin: encrypted });
    expect(decrypted.toString('utf8')).toBe(plaintext);

    const withoutOverride = await session.run(['encrypt', '--azure-kv', keyUrl], { stdin: plaintext });
    expectFailure(withoutOverride, 8);
    expect(withoutOverride.stderr).toMatch(/--filename-override/);

    const inPlace = await session.run(['decrypt', '--in-place'], { stdin: encrypted });
    expectFailure(inPlace, 8);
    expect(inPlace.stderr).toMatch(/--in-place/);
  });

  it('missing file exits 100', async () => {
    // sops 3.13.2 checks that the file exists before anything else and
    // reports "cannot operate on non-existent file" as NoFileSpecified.
    for (const args of [['encrypt', '--azure-kv', keyUrl, 'missing.yaml'], ['decrypt', 'missing.yaml']]) {
      const result = await session.run(args);
      expectFailure(result, 100);
      expect(result.stderr).toContain('missing.yaml');
      expect(result.stderr).toMatch(/non-existent/);
    }
  });

  it('directory exits 2', async () => {
    const result = await session.run(['decrypt', session.workDir]);
    expectFailure(result, 2);
    expect(result.stderr).toMatch(/directory/);
  });
});

describe.concurrent('documents that cannot be encrypted', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('empty YAML exits 92', async () => {
    const result = await encrypt('empty.yaml', '');
    expectFailure(result, 92);
    expect(result.stderr).toContain('empty.yaml');
  });

  it('YAML with only comments exits 2', async () => {
    const result = await encrypt('comment-only.yaml', '# nothing else\n');
    expectFailure(result, 2);
    expect(result.stderr).toContain('comment-only.yaml');
  });

  it('top-level sops key exits 203', async () => {
    const result = await encrypt('has-sops-key.yaml', 'sops: plain value\nother: 1\n');
    expectFailure(result, 203);
    expect(result.stderr).toMatch(/'sops'/);
  });

  it('dotenv sops_ key exits 203', async () => {
    const result = await encrypt('has-sops-key.env', 'sops_version=1\n');
    expectFailure(result, 203);
    expect(result.stderr).toContain('sops_');
  });

  it('encrypted file exits 203', async () => {
    const encrypted = await encrypt('twice.yaml', 'password: twice-secret\n');
    expect(encrypted.status, describeRun(encrypted)).toBe(0);
    const result = await encrypt('twice.enc.yaml', encrypted.stdout);
    expectFailure(result, 203);
  });

  it.each([
    ['top-level-array.json', /object/],
    ['empty.json', /empty/],
    ['no-equals.env', /line 1/],
  ])('invalid %s exits 2', async (name, reason) => {
    const result = await encrypt(`invalid/${name}`, readFileSync(path.join(INVALID, name)));
    expectFailure(result, 2);
    expect(result.stderr).toContain(name);
    expect(result.stderr).toMatch(reason);
  });

  it('plaintext decrypt exits 1', async () => {
    const file = await session.writeFile('plain-for-decrypt.yaml', 'a: 1\n');
    const result = await session.run(['decrypt', file]);
    expectFailure(result, 1);
    expect(result.stderr).toMatch(/metadata not found/);
  });

  it('unparsable decrypt exits 1', async () => {
    // sops 3.13.2 passes the store error on without an exit status, so it exits 1.
    const file = await session.writeFile('broken.json', '{"a": ');
    const result = await session.run(['decrypt', file]);
    expectFailure(result, 1);
    expect(result.stderr).toContain('broken.json');
    expect(result.stderr).toMatch(/line 1, column 7/);
  });
});

describe.concurrent('encryption rules', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('invalid regex is named', async () => {
    const result = await encrypt('regex.yaml', 'a: 1\n', ['--encrypted-regex', '^(data']);
    expectFailure(result, 1);
    expect(result.stderr).toContain('encrypted_regex');
    expect(result.stderr).toContain('"^(data"');
  });

  it('two rules exit 8', async () => {
    const result = await encrypt('two-rules.yaml', 'a: 1\n', ['--encrypted-regex', '^a$', '--unencrypted-suffix', '_plain']);
    expectFailure(result, 8);
    expect(result.stderr).toContain('encrypted_regex');
    expect(result.stderr).toContain('unencrypted_suffix');
  });

  it('--encrypted-regex limits encryption', async () => {
    const result = await encrypt('selective.yaml', 'data:\n    key: secret-data\nmeta: visible\n', ['--encrypted-regex', '^data$']);
    expect(result.status, describeRun(result)).toBe(0);
    const text = result.stdout.toString('utf8');
    expect(text).toContain('meta: visible\n');
    expect(text).not.toContain('secret-data');
    expect(text).toContain('    encrypted_regex: ^data$\n');
    expect(text).not.toContain('unencrypted_suffix');
  });
});

describe.concurrent('key arguments', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('invalid key URL is shown', async () => {
    const file = await session.writeFile('bad-url.yaml', 'a: 1\n');
    for (const url of ['https://vault.example/secrets/name', 'http://127.0.0.1/keys/name']) {
      const result = await session.run(['encrypt', '--azure-kv', url, file]);
      expectFailure(result, 1);
      expect(result.stderr).toContain(JSON.stringify(url));
      expect(result.stderr).toContain('/keys/');
    }
  });

  it('no key exits 1 with a hint', async () => {
    const file = await session.writeFile('no-key.yaml', 'a: 1\n');
    const result = await session.run(['encrypt', file]);
    expectFailure(result, 1);
    expect(result.stderr).toMatch(/no master key/);
    expect(result.stderr).toContain('--azure-kv');
    expect(result.stderr).toContain('SOPS_AZURE_KEYVAULT_URLS');
  });
});
