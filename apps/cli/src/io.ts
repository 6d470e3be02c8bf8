import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AzkvError, ExitCode } from '@azkv/core';

function systemReason(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    const explanations: Record<string, string> = {
      ENOENT: 'no such file or directory',
      EACCES: 'permission denied',
      EISDIR: 'it is a directory',
      ENOSPC: 'no space left on the device',
      EROFS: 'the file system is read-only',
    };
    return explanations[error.code] ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Reads a whole input file; throws ERR_IO with sops' exit status 2. */
export async function readInputFile(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw new AzkvError('ERR_IO', `could not read '${file}': ${systemReason(error)}`, {
      exitCode: ExitCode.CouldNotReadInputFile,
      cause: error,
    });
  }
}

/**
 * Replaces a file's content atomically: the data goes to a temporary file in
 * the same directory, is flushed to disk and then renamed over the target, so
 * a crash or a full disk never leaves the target truncated or half-written.
 * An existing file keeps its permission bits; a new one is created 0600,
 * because it may hold secrets.
 */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const directory = path.dirname(file);
  const temporary = path.join(directory, `.${path.basename(file)}.azkv-${randomBytes(6).toString('hex')}.tmp`);
  let mode = 0o600;
  try {
    mode = (await stat(file)).mode & 0o7777;
  } catch {
    // A new file: keep the restrictive default.
  }

  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new AzkvError('ERR_IO', `could not write '${file}': ${systemReason(error)}; the file was left unchanged`, {
      exitCode: ExitCode.CouldNotWriteOutputFile,
      cause: error,
    });
  }
}

/**
 * Writes to standard output and waits until the data is handed to the OS. A
 * reader that closed the pipe early (`azkv decrypt f | head`) is not an
 * error: the rest of the output is dropped.
 */
export async function writeStdout(data: Uint8Array): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EPIPE') {
        resolve();
        return;
      }
      reject(error);
    };
    process.stdout.once('error', onError);
    process.stdout.write(data, (error) => {
      process.stdout.off('error', onError);
      if (error) {
        onError(error);
        return;
      }
      resolve();
    });
  });
}
