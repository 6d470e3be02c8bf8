import path from 'node:path';
import { AzkvError, ExitCode } from '@azkv/core';
import { readInputFile, writeFileAtomic, writeStdout } from './io.js';

/** Where a command writes its result. */
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

/** Reads the input file; a missing file name is sops' "no file specified". */
export async function readInput(file: string | undefined): Promise<{ fileName: string; content: Uint8Array }> {
  if (file === undefined || file === '') {
    throw new AzkvError('ERR_USAGE', 'no file specified', { exitCode: ExitCode.NoFileSpecified, hint: 'pass the file to process as an argument' });
  }
  return { fileName: path.resolve(file), content: await readInputFile(file) };
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
