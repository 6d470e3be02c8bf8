import { spawn } from 'node:child_process';

/** The outcome of one finished child process. */
export interface ProcessResult {
  /** The command line, for messages. */
  command: string;
  /** The exit status, or -1 when a signal ended the process. */
  status: number;
  stdout: Buffer;
  stderr: string;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  /** The complete environment: nothing is inherited from this process. */
  env: Record<string, string>;
  cwd?: string;
  /** Milliseconds before the process gets SIGKILL; default 90 000. */
  killAfterMs?: number;
}

/**
 * Runs a program with stdin closed and collects its output. The promise
 * resolves for every exit status. It rejects only when the program cannot
 * start or had to be killed, so that a hanging tool fails the test with its
 * output so far.
 */
export function runProcess(file: string, args: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  const command = [file, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.killAfterMs ?? 90_000);

    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`failed to start ${command}: ${error.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const errorText = Buffer.concat(stderr).toString('utf8');
      if (killed) {
        reject(new Error(`${command} did not finish and was killed; its stderr so far:\n${errorText}`));
        return;
      }
      resolve({ command, status: code ?? -1, stdout: Buffer.concat(stdout), stderr: errorText });
    });
  });
}
