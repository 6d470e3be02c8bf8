import { Command } from '@oclif/core';
import { AzkvError, ExitCode } from '@azkv/core';

/**
 * The base of every command, with shared error handling. An AzkvError prints
 * its message and hint and exits with its sops exit status. Anything else is
 * an internal error, whose stack is printed only when AZKV_DEBUG is set.
 */
export abstract class AzkvCommand extends Command {
  protected override async catch(error: Error & { code?: unknown; oclif?: { exit?: number } }): Promise<unknown> {
    if (error instanceof AzkvError) {
      this.logToStderr(`azkv: ${error.message}`);
      if (error.hint !== undefined) {
        this.logToStderr(`hint: ${error.hint}`);
      }
      if (process.env.AZKV_DEBUG && error.cause !== undefined) {
        this.logToStderr(String((error.cause as Error)?.stack ?? error.cause));
      }
      return this.exit(error.exitCode);
    }
    if (error.oclif !== undefined) {
      // Flag and argument errors from oclif itself, and this.exit().
      if (error.code === 'EEXIT') {
        throw error;
      }
      this.logToStderr(`azkv: ${error.message}`);
      return this.exit(error.oclif.exit ?? ExitCode.ErrorGeneric);
    }
    this.logToStderr(`azkv: internal error: ${error.message}`);
    if (process.env.AZKV_DEBUG) {
      this.logToStderr(error.stack ?? '');
    } else {
      this.logToStderr('hint: run again with AZKV_DEBUG=1 to see the stack trace, and report it with the azkv version');
    }
    return this.exit(ExitCode.ErrorGeneric);
  }
}
