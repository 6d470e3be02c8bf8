/**
 * Edge-case corpus for the INI store. For each `<case>.ini` the folder contains
 * what sops 3.13.2 makes of it, recorded by running sops' INI store (go-ini
 * v1.67.3) on the file: `<case>.tree.json` is the tree of `LoadPlainFile` and
 * `<case>.out.ini` the bytes of `EmitPlainFile` for that tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBranch, isComment, type TreeValue } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { iniStore } from '../src/ini/index.js';

const CORPUS = fileURLToPath(new URL('corpus/ini/', import.meta.url));

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
  throw new Error(`unexpected value in an INI tree: ${String(value)}`);
}

function loadTree(bytes: Uint8Array): RecordedValue {
  const branches = iniStore.loadPlainFile(bytes);
  expect(branches).toHaveLength(1);
  return record(branches[0]!);
}

const cases = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.ini') && !name.endsWith('.out.ini'))
  .map((name) => name.slice(0, -'.ini'.length))
  .sort();

/** Cases whose output reads back to a different tree, and why. */
const unstableTrees: Record<string, string> = {
  // Comment lines keep their `\r` in the tree, but are written with `\n`.
  crlf: 'comments lose their carriage returns',
};

describe('INI corpus', () => {
  it('contains the edge cases', () => {
    expect(cases).toEqual(
      expect.arrayContaining(['bom', 'comments-everywhere', 'crlf', 'empty', 'keys-with-spaces-and-colons', 'long-values', 'unicode']),
    );
  });

  for (const name of cases) {
    describe(name, () => {
      const input = readFileSync(join(CORPUS, `${name}.ini`));
      const expectedTree = JSON.parse(readFileSync(join(CORPUS, `${name}.tree.json`), 'utf8')) as RecordedValue;
      const expectedOutput = readFileSync(join(CORPUS, `${name}.out.ini`));

      it('loads the tree sops loads', () => {
        expect(loadTree(input)).toEqual(expectedTree);
      });

      it('emits the bytes sops emits', () => {
        const output = Buffer.from(iniStore.emitPlainFile(iniStore.loadPlainFile(input)));
        expect(output.toString('utf8')).toBe(expectedOutput.toString('utf8'));
        expect(output.equals(expectedOutput)).toBe(true);
      });

      it('re-emits its own output unchanged', () => {
        const again = Buffer.from(iniStore.emitPlainFile(iniStore.loadPlainFile(expectedOutput)));
        expect(again.equals(expectedOutput)).toBe(true);
      });

      if (unstableTrees[name] === undefined) {
        it('reads its output back to the same tree', () => {
          expect(loadTree(expectedOutput)).toEqual(expectedTree);
        });
      }
    });
  }

  it('keeps files already in sops layout byte-identical', () => {
    for (const name of ['canonical', 'empty', 'long-values']) {
      const input = readFileSync(join(CORPUS, `${name}.ini`));
      expect(Buffer.from(iniStore.emitPlainFile(iniStore.loadPlainFile(input))).equals(input)).toBe(true);
    }
  });
});
