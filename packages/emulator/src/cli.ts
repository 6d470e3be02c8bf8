import { parseArgs } from 'node:util';
import { startEmulator, type Emulator } from './emulator.js';
import { exportLines } from './shell.js';

const USAGE = `Usage: azkv-emulator [--port N] [--data-dir DIR] [--host ADDRESS]

Runs a local Azure Key Vault (keys) and managed identity token endpoint.
Once it accepts requests it prints shell 'export' lines for the variables
that point Azure SDKs at it, then 'ready'. Logs go to stderr. Stop it with
SIGINT (Ctrl-C) or SIGTERM.

Options:
  --port N          TCP port for the vault (HTTPS) and token endpoint (HTTP);
                    0 picks a free port (default: 0)
  --data-dir DIR    folder for the CA, secrets, identities and keys, reused on
                    the next start (default: a temporary folder, deleted on exit)
  --host ADDRESS    loopback address to listen on: 127.0.0.1 (default), ::1
                    or localhost
  -h, --help        print this help
`;

function writeLog(message: string): void {
  process.stderr.write(`${new Date().toISOString()} azkv-emulator ${message}\n`);
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(`Invalid --port '${text}': use a whole number from 0 to 65535.`);
  }
  return port;
}

class UsageError extends Error {}

/**
 * Runs the `azkv-emulator` command with `argv` (without node and script).
 * Resolves when the emulator has stopped after SIGINT or SIGTERM; sets
 * `process.exitCode` to 2 for invalid arguments and 1 when startup fails.
 */
export async function main(argv: string[]): Promise<void> {
  let options: { port: number; dataDir?: string; host?: string };
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', short: 'p' },
        'data-dir': { type: 'string', short: 'd' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return;
    }
    options = {
      port: values.port === undefined ? 0 : parsePort(values.port),
      ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
      ...(values.host === undefined ? {} : { host: values.host }),
    };
  } catch (error) {
    process.stderr.write(`azkv-emulator: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  let emulator: Emulator;
  try {
    emulator = await startEmulator({ ...options, log: writeLog });
  } catch (error) {
    writeLog(`failed to start: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }

  // Handlers go in before 'ready' is printed, so that a caller may signal right after reading it.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        writeLog(`received ${signal} again, exiting without cleanup`);
        process.exit(1);
      }
      stopping = true;
      writeLog(`received ${signal}, shutting down`);
      emulator.close().then(resolve, (error: unknown) => {
        writeLog(`shutdown failed: ${(error as Error).message}`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stdout.write(`${[...exportLines(emulator.env), 'ready'].join('\n')}\n`);
  await stopped;
}
