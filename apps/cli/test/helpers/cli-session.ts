import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type Emulator, type KeyReference } from '@azkv/emulator';
import { assertCliBuilt, describeRun, runCli, type CliResult } from './run-cli.js';

/**
 * Variables of the test process that would change which key, identity or
 * config file the CLI uses. They are removed from the CLI's environment so
 * that a developer's shell cannot change the results.
 */
const FOREIGN_VARIABLES = [
  'SOPS_AZURE_KEYVAULT_URLS',
  'SOPS_CONFIG',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AZURE_TENANT_ID',
  'AZURE_USERNAME',
  'AZURE_PASSWORD',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_AUTHORITY_HOST',
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'IMDS_ENDPOINT',
  'IDENTITY_SERVER_THUMBPRINT',
  'AZKV_DEBUG',
];

/**
 * Timeout of tests that run the CLI, in milliseconds. One run starts Node,
 * oclif and the Azure SDK, which takes about 0.7 s on an idle machine, and
 * concurrent tests of two test files share the cores.
 */
export const CLI_TEST_TIMEOUT = 120_000;

/** Per-run settings of {@link CliSession.run}. */
export interface SessionRunOptions {
  /** Variables added to (or, when undefined, removed from) the session environment. */
  env?: Record<string, string | undefined>;
  /** Working directory. Defaults to the session's work directory. */
  cwd?: string;
  /** Bytes for the CLI's standard input. */
  stdin?: string | Uint8Array;
}

/** One emulator, one work directory and the CLI environment for one test file. */
export interface CliSession {
  emulator: Emulator;
  /** A fresh temporary directory that {@link close} removes. */
  workDir: string;
  /** The CLI's environment: this process's variables, minus {@link FOREIGN_VARIABLES}, plus the emulator's. */
  env: NodeJS.ProcessEnv;
  /** Runs `azkv ARGS...` in the work directory. */
  run(args: readonly string[], options?: SessionRunOptions): Promise<CliResult>;
  /** Runs `azkv ARGS...`, throws with its stderr unless it exits 0, and returns its stdout. */
  runOk(args: readonly string[], options?: SessionRunOptions): Promise<Buffer>;
  /** Writes `content` to `name` below the work directory, creating folders, and returns the absolute path. */
  writeFile(name: string, content: string | Uint8Array): Promise<string>;
  /** Creates a new RSA key and returns its versioned key URL. */
  createKeyUrl(name: string): Promise<string>;
  /** Lists the work directory entries below `folder`, for checks that no temporary file was left. */
  listDir(folder?: string): Promise<string[]>;
  close(): Promise<void>;
}

function assertNoConfigFileAbove(directory: string): void {
  let current = directory;
  for (;;) {
    const candidate = path.join(current, '.sops.yaml');
    if (existsSync(candidate)) {
      throw new Error(`${candidate} would apply to the CLI under test; run the tests with TMPDIR pointing elsewhere`);
    }
    const parent = path.dirname(current);
    if (parent === current) {
      return;
    }
    current = parent;
  }
}

function cliEnvironment(emulator: Emulator): NodeJS.ProcessEnv {
  if (!(process.env.NODE_OPTIONS ?? '').includes('loopback-guard')) {
    throw new Error('the loopback guard is not in NODE_OPTIONS: run these tests through vitest with scripts/test-setup.mjs');
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of FOREIGN_VARIABLES) {
    delete env[name];
  }
  return { ...env, ...emulator.env };
}

/**
 * Starts an emulator and a work directory for one test file. One emulator per
 * file keeps identities and keys apart, and `close()` in `afterAll` removes both.
 */
export async function startCliSession(): Promise<CliSession> {
  assertCliBuilt();
  const workDir = await mkdtemp(path.join(tmpdir(), 'azkv-e2e-'));
  assertNoConfigFileAbove(workDir);
  const emulator = await startEmulator();
  const env = cliEnvironment(emulator);

  const run = (args: readonly string[], options: SessionRunOptions = {}): Promise<CliResult> => {
    const runEnv: NodeJS.ProcessEnv = { ...env };
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) {
        delete runEnv[name];
      } else {
        runEnv[name] = value;
      }
    }
    return runCli(args, { env: runEnv, cwd: options.cwd ?? workDir, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
  };

  return {
    emulator,
    workDir,
    env,
    run,
    async runOk(args, options) {
      const result = await run(args, options);
      if (result.status !== 0) {
        throw new Error(`azkv ${args.join(' ')} failed with ${describeRun(result)}`);
      }
      return result.stdout;
    },
    async writeFile(name, content) {
      const target = path.join(workDir, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
      return target;
    },
    async createKeyUrl(name) {
      const key: KeyReference = await emulator.createKey(name);
      return key.kid;
    },
    async listDir(folder = '.') {
      return (await readdir(path.join(workDir, folder))).sort();
    },
    async close() {
      await emulator.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
