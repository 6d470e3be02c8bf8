import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';

/**
 * Asserts byte equality. Both sides are compared as latin1 text, which maps
 * every byte to one character, so a failure shows a readable diff even for
 * binary content.
 */
export function expectSameBytes(actual: Buffer, expected: Buffer, message?: string): void {
  expect(actual.toString('latin1'), message).toBe(expected.toString('latin1'));
}

/** Returns `content` with the first occurrence of `from` replaced by `to`; throws when `from` is missing. */
export function replaceOnce(content: Buffer, from: string, to: string): Buffer {
  const index = content.indexOf(from);
  if (index === -1) {
    throw new Error(`'${from}' does not occur in the content`);
  }
  return Buffer.concat([content.subarray(0, index), Buffer.from(to), content.subarray(index + Buffer.byteLength(from))]);
}

/** Counts the occurrences of `needle` in `content`. */
export function countOccurrences(content: Buffer | string, needle: string): number {
  const text = typeof content === 'string' ? content : content.toString('utf8');
  return text.split(needle).length - 1;
}

/**
 * Writes an editor script for `sops edit` into `folder`: it replaces the
 * first `from` on each line of the file it gets with `to`. sops passes the
 * decrypted temporary file as the last argument. `from` and `to` must not
 * contain `/`, `&`, `'` or regex characters, because they go into a sed
 * expression unchanged.
 */
export async function writeEditorScript(folder: string, from: string, to: string): Promise<string> {
  if (/[/&'\\.*[\]^$]/.test(from + to)) {
    throw new Error(`'${from}' and '${to}' must not contain sed special characters`);
  }
  const script = path.join(folder, 'replace-marker.sh');
  // LC_ALL=C lets sed pass bytes that are not valid UTF-8 through unchanged.
  await writeFile(script, `#!/bin/sh\nLC_ALL=C exec sed -i 's/${from}/${to}/' "$1"\n`);
  await chmod(script, 0o755);
  return script;
}
