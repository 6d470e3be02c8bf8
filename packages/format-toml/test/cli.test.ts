import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '@azkv/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// These tests run the built CLI, which finds the TOML store only through the
// `oclif.plugins` entry of apps/cli/package.json and this package's init hook.
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cliDirectory = path.join(repositoryRoot, 'apps/cli');
const cliEntry = path.join(cliDirectory, 'bin/run.js');
const builtFiles = [path.join(cliDirectory, 'dist/commands/encrypt.js'), path.join(repositoryRoot, 'packages/format-toml/dist/hooks/init.js')];

/** Variables that would send the CLI's credential to a managed identity source other than the emulator. */
const FOREIGN_IDENTITY_VARIABLES = ['MSI_ENDPOINT', 'MSI_SECRET', 'IMDS_ENDPOINT', 'IDENTITY_SERVER_THUMBPRINT', 'AZURE_CLIENT_ID'];

const PLAINTEXT = [
  'title = "app"',
  'port_unencrypted = 8080',
  'started = 2026-12-04T19:40:00Z',
  '',
  '[database]',
  'password = "hunter2"',
  'replicas = [1, 2]',
  '',
  '[[users]]',
  'name = "alice"',
  '',
].join('\n');

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

let emulator: Emulator;
let keyUrl: string;
let workDirectory: string;

/**
 * Runs the CLI as a child process. The spawn must be asynchronous, because
 * the emulator runs in this process and could not reply while it waits.
 */
function runCli(args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...emulator.env };
  for (const name of FOREIGN_IDENTITY_VARIABLES) {
    delete env[name];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { cwd: workDirectory, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
  });
}

function writeWorkFile(name: string, content: string): string {
  const file = path.join(workDirectory, name);
  writeFileSync(file, content);
  return file;
}

beforeAll(async () => {
  const missing = builtFiles.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not found: run \`pnpm build\` (or \`pnpm -F @azkv/cli... build\`) first`);
  }
  emulator = await startEmulator();
  const key = await emulator.createKey('toml-key', { size: 2048 });
  keyUrl = `${emulator.vaultUrl}/keys/toml-key/${key.version}`;
  // An empty folder, so that no .sops.yaml of the repository applies.
  workDirectory = mkdtempSync(path.join(tmpdir(), 'azkv-toml-cli-'));
});

afterAll(async () => {
  await emulator?.close();
  if (workDirectory !== undefined) {
    rmSync(workDirectory, { recursive: true, force: true });
  }
});

describe('azkv CLI with the TOML plugin', () => {
  it('uses the @azkv/formats copy of the CLI', () => {
    const fromCli = createRequire(path.join(cliDirectory, 'package.json')).resolve('@azkv/formats');
    const fromPlugin = createRequire(path.join(cliDirectory, 'node_modules/@azkv/format-toml/package.json')).resolve('@azkv/formats');

    expect(realpathSync(fromPlugin)).toBe(realpathSync(fromCli));
  });

  it('encrypts and decrypts a .toml file', async () => {
    const plainFile = writeWorkFile('config.toml', PLAINTEXT);

    const encrypted = await runCli(['encrypt', '--azure-kv', keyUrl, plainFile]);
    expect(encrypted.stderr).toBe('');
    expect(encrypted.status).toBe(0);
    expect(encrypted.stdout).toMatch(/^title = "ENC\[AES256_GCM,data:[^"]+,type:str\]"\nport_unencrypted = 8080\n/);
    expect(encrypted.stdout).toMatch(/\nstarted = "ENC\[AES256_GCM,[^"]+,type:time\]"\n/);
    expect(encrypted.stdout).toContain('\n[sops]\n');
    expect(encrypted.stdout).toContain(`\n[[sops.azure_kv]]\n`);
    expect(encrypted.stdout).toContain(`vault_url = "${emulator.vaultUrl}"`);
    expect(encrypted.stdout).not.toContain('hunter2');

    const encryptedFile = writeWorkFile('config.enc.toml', encrypted.stdout);
    const decrypted = await runCli(['decrypt', encryptedFile]);
    expect(decrypted.stderr).toBe('');
    expect(decrypted.status).toBe(0);
    expect(decrypted.stdout).toBe(PLAINTEXT);
  });

  it('selects the store by --input-type and converts on decryption', async () => {
    const plainFile = writeWorkFile('settings.conf', PLAINTEXT);

    const encrypted = await runCli(['encrypt', '--input-type', 'toml', '--output-type', 'toml', '--azure-kv', keyUrl, plainFile]);
    expect(encrypted.status).toBe(0);
    expect(encrypted.stdout).toContain('\n[sops]\n');

    const encryptedFile = writeWorkFile('settings.enc.conf', encrypted.stdout);
    const asYaml = await runCli(['decrypt', '--input-type', 'toml', '--output-type', 'yaml', encryptedFile]);
    expect(asYaml.status).toBe(0);
    expect(asYaml.stdout).toBe(
      [
        'title: app',
        'port_unencrypted: 8080',
        'started: 2026-12-04T19:40:00Z',
        'database:',
        '    password: hunter2',
        '    replicas:',
        '        - 1',
        '        - 2',
        'users:',
        '    - name: alice',
        '',
      ].join('\n'),
    );
  });

  it('reports invalid TOML with its position', async () => {
    const plainFile = writeWorkFile('broken.toml', 'a = 1\nb = = 2\n');

    const result = await runCli(['encrypt', '--azure-kv', keyUrl, plainFile]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${plainFile}: invalid TOML: unexpected token at line 2, column 5\nb = = 2\n    ^`);
  });

  it('rejects a file that already has a sops table', async () => {
    const encrypted = await runCli(['encrypt', '--azure-kv', keyUrl, writeWorkFile('twice.toml', 'a = 1\n')]);
    const again = await runCli(['encrypt', '--azure-kv', keyUrl, writeWorkFile('twice.enc.toml', encrypted.stdout)]);

    expect(again.status).toBe(203);
    expect(again.stderr).toContain("has a top-level 'sops' entry");
  });
});
