import { AzkvError, ExitCode, isBranch, isComment, isList, type TreeBranches } from '@azkv/core';
import { formatScalar } from '../ini/scalar-text.js';

/**
 * Writes a document as sops 3.13.2's dotenv `EmitPlainFile` does: one
 * `KEY=VALUE` line per entry and `#` before each comment, every line ended by
 * `\n`. Line breaks in string values become the two characters `\n`. Values
 * of other types are formatted as sops formats them, without that escaping.
 *
 * NOTE: as in sops, the output does not always read back to the same tree.
 * A value that contains the two characters `\n` reads back with a line break.
 * A key that contains `=` or a line break, or starts with `#`, reads back as
 * a different key or a comment.
 *
 * Throws AzkvError ERR_UNSUPPORTED_VALUE for a nested mapping or list, as sops
 * does, and for more than one document, which sops would silently drop.
 */
export function writeDotenv(branches: TreeBranches): string {
  if (branches.length > 1) {
    throw new AzkvError(
      'ERR_UNSUPPORTED_VALUE',
      `cannot write ${branches.length} documents to a dotenv file: a dotenv file contains one document`,
      { exitCode: ExitCode.ErrorDumpingTree, hint: 'choose --output-type yaml, or split the documents into separate files' },
    );
  }

  let out = '';
  for (const item of branches[0]?.items ?? []) {
    if (isComment(item.key)) {
      out += `#${item.key.value}\n`;
      continue;
    }
    const value = item.value;
    if (isBranch(value) || isList(value)) {
      throw new AzkvError(
        'ERR_UNSUPPORTED_VALUE',
        `cannot write '${item.key}' to a dotenv file: a dotenv file contains only KEY=VALUE pairs, but the value is a ${isBranch(value) ? 'mapping' : 'list'}`,
        { exitCode: ExitCode.ErrorDumpingTree, hint: 'choose --output-type yaml or json for nested data' },
      );
    }
    const text = typeof value === 'string' ? value.replaceAll('\n', '\\n') : formatScalar(value);
    out += `${item.key}=${text}\n`;
  }
  return out;
}
