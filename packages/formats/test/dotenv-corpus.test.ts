/**
 * Edge-case corpus for the dotenv store. For each `<case>.env` the folder contains
 * what sops 3.13.2 makes of it, recorded by running sops' dotenv store on the
 * file: `<case>.tree.json` is the tree of `LoadPlainFile` and `<case>.out.env`
 * the bytes of `EmitPlainFile` for that tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBranch, isComment, type TreeValue } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { dotenvStore } from '../src/dotenv/index.js';

const CORPUS = fileURLToPath(new URL('corpus/dotenv/', import.meta.url));

/** The JSON layout of the recorded trees: `{b: [[key, value]]}`, comment keys `{c}`, strings `{s}`, null `{n}`. */
type RecordedValue = { b: Array<[string | { c: string }, RecordedValue]> } | { s: string } | { n: true };

function record(value: TreeValue): RecordedValue {
  if (isBranch(value)) {
    return { b: value.items.map((item) => [isComment(item.key) ? { c: item.key.value } : item.key, record(item.value)]) };
  }
  if (typeof value === 'string') {
    return { s: value };
  }
  if (value === null) {
    return { n: true };
  }
  throw new Error(`unexpected value in a dotenv tree: ${String(value)}`);
}

function loadTree(bytes: Uint8Array): RecordedValue {
  const branches = dotenvStore.loadPlainFile(bytes);
  expect(branches).toHaveLength(1);
  return record(branches[0]!);
}

const cases = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.env') && !name.endsWith('.out.env'))
  .map((name) => name.slice(0, -'.env'.length))
  .sort();

/** Cases that sops does not write back byte for byte, and why. */
const rewritten: Record<string, string> = {
  'blank-lines': 'sops drops blank lines',
  'no-final-newline': 'sops ends every line with a line break',
};

describe('dotenv corpus', () => {
  it('contains the edge cases', () => {
    expect(cases).toEqual(
      expect.arrayContaining(['bom', 'comments-everywhere', 'crlf', 'empty', 'equals-and-hash', 'keys-with-spaces', 'long-value', 'unicode']),
    );
  });

  for (const name of cases) {
    describe(name, () => {
      const input = readFileSync(join(CORPUS, `${name}.env`));
      const expectedTree = JSON.parse(readFileSync(join(CORPUS, `${name}.tree.json`), 'utf8')) as RecordedValue;
      const expectedOutput = readFileSync(join(CORPUS, `${name}.out.env`));

      it('loads the tree sops loads', () => {
        expect(loadTree(input)).toEqual(expectedTree);
      });

      it('emits the bytes sops emits', () => {
        const output = Buffer.from(dotenvStore.emitPlainFile(dotenvStore.loadPlainFile(input)));
        expect(output.toString('utf8')).toBe(expectedOutput.toString('utf8'));
        expect(output.equals(expectedOutput)).toBe(true);
      });

      it('reads its output back to the same tree', () => {
        expect(loadTree(expectedOutput)).toEqual(expectedTree);
      });

      if (rewritten[name] === undefined) {
        it('round-trips byte-identical', () => {
          expect(expectedOutput.equals(input)).toBe(true);
        });
      }
    });
  }
});
