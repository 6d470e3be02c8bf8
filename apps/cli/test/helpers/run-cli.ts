import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cliRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The CLI entry point that users run (`azkv`), which loads the compiled commands from `dist/`. */
export const CLI_ENTRY = path.join(cliRoot, 'bin', 'run.js');

/** Outcome of one CLI run. */
export interface CliResult {
  /** Exit status, or null when a signal ended the process. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** How to start one CLI run. */
export interface RunCliOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Bytes written to the CLI's standard input; without them stdin is closed. */
  stdin?: string | Uint8Array;
}

/**
 * Throws unless the CLI has been compiled, so that a missing build fails with
 * a clear message instead of oclif's "command not found".
 */
export function assertCliBuilt(): void {
  for (const command of ['encrypt', 'decrypt']) {
    const compiled = path.join(cliRoot, 'dist', 'commands', `${command}.js`);
    if (!existsSync(compiled)) {
      throw new Error(`${compiled} is missing: run \`pnpm -F @azkv/cli build\` before the end-to-end tests`);
    }
  }
}

/**
 * Runs `azkv ARGS...` as a child process of the current Node binary and
 * collects its output. The run is asynchronous on purpose: the emulator lives
 * in the test process, and a synchronous spawn would stop it from responding
 * to the CLI's requests.
 */
export function runCli(args: readonly string[], options: RunCliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (options.stdin !== undefined) {
      child.stdin!.end(options.stdin);
    }
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      resolve({ status, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

/** Formats a run for assertion messages: the exit status and what the CLI wrote to stderr. */
export function describeRun(result: CliResult): string {
  const ending = result.signal === null ? `exit status ${String(result.status)}` : `signal ${result.signal}`;
  return `${ending}; stderr:\n${result.stderr}`;
}
