import { existsSync } from 'node:fs';
import path from 'node:path';
import { AzkvError, ExitCode } from '@azkv/core';
import { readInputFile, writeFileAtomic, writeStdout } from './io.js';

/** The destination of a command's result. */
export interface OutputTarget {
  inPlace?: boolean;
  output?: string;
}

/** Checks `--in-place` against `--output`, which sops rejects together. */
export function checkOutputFlags(target: OutputTarget): void {
  if (target.inPlace === true && target.output !== undefined) {
    throw new AzkvError('ERR_USAGE', 'cannot use --output and --in-place together', {
      exitCode: ExitCode.ErrorConflictingParameters,
      hint: 'keep one of the two flags',
    });
  }
}

/** The input source of a command and the flags that affect it. */
export interface InputOptions {
  /** The file argument; without one the command reads standard input, as sops does. */
  file: string | undefined;
  inPlace: boolean;
  /** `--filename-override`, which `encrypt` requires when it reads standard input. */
  filenameOverride: string | undefined;
  requireFilenameOverride: boolean;
}

/** The input of a command and the name that selects its format. */
export interface CommandInput {
  /** The absolute file path, or `-` for standard input. */
  fileName: string;
  /** The name used to choose the stores: `--filename-override` or the file path. */
  formatName: string;
  content: Uint8Array;
}

async function readStandardInput(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Reads the file argument, or standard input when there is none. Checks the
 * combinations sops rejects (exit 8): `--in-place` without a file, and
 * `encrypt` from standard input without `--filename-override`. A missing
 * file exits 100, as in sops.
 */
export async function readInput(options: InputOptions): Promise<CommandInput> {
  if (options.file === undefined) {
    if (options.inPlace) {
      throw new AzkvError('ERR_USAGE', 'cannot use --in-place when reading from standard input', {
        exitCode: ExitCode.ErrorConflictingParameters,
        hint: 'pass the file to change as an argument',
      });
    }
    if (options.requireFilenameOverride && options.filenameOverride === undefined) {
      throw new AzkvError('ERR_USAGE', 'reading from standard input needs --filename-override to choose the format and the creation rule', {
        exitCode: ExitCode.ErrorConflictingParameters,
        hint: 'for example: azkv encrypt --filename-override secrets.yaml < secrets.yaml',
      });
    }
    return { fileName: '-', formatName: options.filenameOverride ?? '', content: await readStandardInput() };
  }
  if (!existsSync(options.file)) {
    // sops checks this before reading and reports it as "no file specified".
    throw new AzkvError('ERR_IO', `cannot operate on non-existent file '${options.file}'`, {
      exitCode: ExitCode.NoFileSpecified,
      hint: 'check the path; to create a new encrypted file, encrypt a plaintext file',
    });
  }
  const fileName = path.resolve(options.file);
  return { fileName, formatName: options.filenameOverride ?? fileName, content: await readInputFile(options.file) };
}

/**
 * Writes the result after all work succeeded, so that a failure never
 * truncates a file: in place and `--output` go through an atomic rename.
 */
export async function writeResult(target: OutputTarget, inputFile: string, data: Uint8Array): Promise<void> {
  if (target.inPlace === true) {
    await writeFileAtomic(inputFile, data);
    return;
  }
  if (target.output !== undefined) {
    await writeFileAtomic(target.output, data);
    return;
  }
  await writeStdout(data);
}
