import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK_GUARD, PACKAGE_DIR, temporaryDirectory } from './helpers.js';

const BIN = path.join(PACKAGE_DIR, 'bin', 'azkv-emulator.js');
const EXPORT_NAMES = ['NODE_EXTRA_CA_CERTS', 'AZURE_TOKEN_CREDENTIALS', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'AZKV_VAULT_URL'];

/**
 * Runs a program and resolves with its output. util.promisify(execFile) is not
 * used: the loopback guard wraps execFile and so drops its promisify.custom
 * variant, which would make promisify resolve with stdout alone.
 */
function execFileAsync(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(Object.assign(error, { stdout, stderr }));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

// Child processes load the loopback guard too, so that they cannot reach a real Azure host.
const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(LOOPBACK_GUARD).href}` };
for (const name of ['MSI_ENDPOINT', 'IMDS_ENDPOINT', 'IDENTITY_SERVER_THUMBPRINT', 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID']) {
  delete CHILD_ENV[name];
}

interface RunningBin {
  child: ChildProcess;
  /** stdout lines up to and including `ready`. */
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startBin(args: string[]): Promise<RunningBin> {
  const child = spawn(process.execPath, [BIN, ...args], { env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout! });
  for await (const line of reader) {
    lines.push(line);
    if (line === 'ready') {
      break;
    }
  }
  if (lines.at(-1) !== 'ready') {
    throw new Error(`azkv-emulator exited before printing ready; stderr:\n${stderr}`);
  }
  return { child, lines, stderr: () => stderr, exited };
}

/** Stops a binary that a failed test left running; SIGTERM lets it delete its temporary data folder. */
async function stopBin(bin: RunningBin): Promise<void> {
  if (bin.child.exitCode === null && bin.child.signalCode === null) {
    bin.child.kill('SIGTERM');
  }
  await bin.exited;
}

/** Evaluates the export lines in /bin/sh and returns the resulting values. */
async function evaluateExports(lines: string[]): Promise<Record<string, string>> {
  const script = `eval "$1"; for name in ${EXPORT_NAMES.join(' ')}; do eval "printf '%s\\0' \\"\\$$name\\""; done`;
  const { stdout } = await execFileAsync('/bin/sh', ['-c', script, 'sh', lines.filter((line) => line !== 'ready').join('\n')]);
  const values = stdout.split('\0').slice(0, EXPORT_NAMES.length);
  return Object.fromEntries(EXPORT_NAMES.map((name, index) => [name, values[index] ?? '']));
}

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newestMtime(path.join(dir, entry.name)) : statSync(path.join(dir, entry.name)).mtimeMs,
    ),
  );
}

describe('azkv-emulator binary', () => {
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(() => {
    const built = path.join(PACKAGE_DIR, 'dist', 'cli.js');
    if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(path.join(PACKAGE_DIR, 'src'))) {
      throw new Error('dist/ is missing or older than src/: run `pnpm -F @azkv/emulator build` before these tests.');
    }
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup();
    }
  });

  it('prints the exports, then ready', async () => {
    const dataDir = await temporaryDirectory();
    cleanups.push(dataDir.remove);
    const bin = await startBin(['--port', '0', '--data-dir', dataDir.path]);
    cleanups.push(() => stopBin(bin));

    const names = bin.lines.slice(0, -1).map((line) => /^export ([A-Z_]+)=/.exec(line)?.[1]);
    const values = await evaluateExports(bin.lines);

    expect(names).toEqual(EXPORT_NAMES);
    expect(values['NODE_EXTRA_CA_CERTS']).toBe(path.join(dataDir.path, 'tls', 'ca.pem'));
    expect(values['AZURE_TOKEN_CREDENTIALS']).toBe('ManagedIdentityCredential');
    const port = /^https:\/\/127\.0\.0\.1:(\d+)$/.exec(values['AZKV_VAULT_URL'] ?? '')?.[1];
    expect(port).toBeDefined();
    expect(values['IDENTITY_ENDPOINT']).toBe(`http://127.0.0.1:${port}/msi/token`);
    expect(values['IDENTITY_HEADER']?.length).toBeGreaterThan(20);
    expect(bin.stderr()).toContain('vault listening on');

    bin.child.kill('SIGTERM');
    const exit = await bin.exited;
    expect(exit, bin.stderr()).toEqual({ code: 0, signal: null });
    expect(bin.stderr()).toContain('received SIGTERM, shutting down');
    expect(existsSync(path.join(dataDir.path, 'tls', 'ca.pem'))).toBe(true);
  });

  it('quotes paths for the shell', async () => {
    const parent = await temporaryDirectory();
    cleanups.push(parent.remove);
    const dataDir = path.join(parent.path, "data dir with 'quotes' and $HOME");
    const bin = await startBin(['--data-dir', dataDir]);
    cleanups.push(() => stopBin(bin));

    const values = await evaluateExports(bin.lines);

    expect(bin.lines[0]).toBe(`export NODE_EXTRA_CA_CERTS='${path.join(parent.path, "data dir with '\\''quotes'\\'' and $HOME", 'tls', 'ca.pem')}'`);
    expect(values['NODE_EXTRA_CA_CERTS']).toBe(path.join(dataDir, 'tls', 'ca.pem'));
    bin.child.kill('SIGINT');
    expect(await bin.exited, bin.stderr()).toEqual({ code: 0, signal: null });
  });

  it('printed environment is enough for the SDKs', async () => {
    const bin = await startBin([]);
    cleanups.push(() => stopBin(bin));
    const values = await evaluateExports(bin.lines);

    const { stdout } = await execFileAsync(process.execPath, [path.join(PACKAGE_DIR, 'test', 'fixtures', 'sdk-round-trip.mjs')], {
      env: { ...CHILD_ENV, ...values },
      cwd: PACKAGE_DIR,
    });
    const result = JSON.parse(stdout) as { kid: string; roundTrip: boolean };

    expect(result.kid.startsWith(`${values['AZKV_VAULT_URL']}/keys/child-process-key/`)).toBe(true);
    expect(result.roundTrip).toBe(true);
    bin.child.kill('SIGINT');
    expect(await bin.exited, bin.stderr()).toEqual({ code: 0, signal: null });
    // Without --data-dir the emulator works in a temporary folder and deletes it on exit.
    expect(existsSync(path.dirname(path.dirname(values['NODE_EXTRA_CA_CERTS']!)))).toBe(false);
  });

  it('rejects an invalid --port', async () => {
    const error = (await execFileAsync(process.execPath, [BIN, '--port', 'eighty'], { env: CHILD_ENV }).catch(
      (caught: unknown) => caught,
    )) as { code?: number; stderr?: string };

    expect(error.code).toBe(2);
    expect(error.stderr).toContain("Invalid --port 'eighty'");
  });

  it('prints usage for --help', async () => {
    const { stdout } = await execFileAsync(process.execPath, [BIN, '--help'], { env: CHILD_ENV });

    expect(stdout).toContain('Usage: azkv-emulator');
    expect(stdout).toContain('--data-dir DIR');
  });
});
