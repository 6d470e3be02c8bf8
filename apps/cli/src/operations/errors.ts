import { AzkvError, ExitCode } from '@azkv/core';

function hintOf(error: AzkvError): { hint?: string } {
  return error.hint === undefined ? {} : { hint: error.hint };
}

/**
 * Gives an error of the tree walk the exit status sops uses for that step,
 * with `context` in front of its message. Errors that already carry a
 * specific exit status keep it.
 */
export function withExitCode(error: unknown, exitCode: number, context: string): AzkvError {
  if (error instanceof AzkvError) {
    if (error.exitCode !== ExitCode.ErrorGeneric) {
      return error;
    }
    return new AzkvError(error.code, `${context}: ${error.message}`, { exitCode, cause: error, ...hintOf(error) });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AzkvError('ERR_INVALID_INPUT', `${context}: ${message}`, { exitCode, cause: error });
}

/**
 * Runs a store's parser and puts the file name in front of its error, because
 * stores only know line and column. `exitCode` replaces the error's status.
 */
export function parseWithFileName<T>(fileName: string, parse: () => T, exitCode?: number): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof AzkvError)) {
      throw error;
    }
    throw new AzkvError(error.code, `${fileName}: ${error.message}`, {
      exitCode: exitCode ?? error.exitCode,
      cause: error,
      ...hintOf(error),
    });
  }
}
