import { branch, Comment, type TreeItem } from '@azkv/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotenvStore } from '../src/dotenv/index.js';

/** Characters that exercise the split at `=`, comments, escapes and quotes. */
const CHARACTERS = [...'ab Z09_.-:=#"\'\\n\t\r\n', 'é', '日', '🔑', '\ufeff'];
const text = (maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...CHARACTERS), { maxLength }).map((characters) => characters.join(''));

/**
 * Reports whether a key reads back as written: it cannot contain `=` or a line
 * break, cannot start a comment and cannot use the reserved `sops_` prefix.
 */
function isRepresentableKey(key: string): boolean {
  return !/[=\n]/.test(key) && !key.startsWith('#') && !key.startsWith('sops_');
}

/**
 * Reports whether a value reads back as written: the two characters `\n`
 * would read back as a line break, and a quote that stays open could close on
 * a later line.
 */
function isRepresentableValue(value: string): boolean {
  const start = value.search(/[^ \t]/);
  const quote = start === -1 ? '' : value.charAt(start);
  const opensQuote = (quote === '"' || quote === "'") && !value.includes(quote, start + 1);
  return !value.includes('\\n') && !opensQuote;
}

const entry: fc.Arbitrary<TreeItem> = fc.oneof(
  fc.record({ key: text(8).filter(isRepresentableKey), value: text(16).filter(isRepresentableValue) }),
  text(12)
    .filter((comment) => !comment.includes('\n'))
    .map((comment) => ({ key: new Comment(comment), value: null })),
);

describe('dotenv store round trips', () => {
  it('reads emitted trees back unchanged', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (items) => {
        const tree = branch(items);
        const output = dotenvStore.emitPlainFile([tree]);
        const loaded = dotenvStore.loadPlainFile(output);
        expect(loaded).toEqual([tree]);
        expect(dotenvStore.emitPlainFile(loaded)).toEqual(output);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips random string maps', () => {
    const stringMap = fc.dictionary(
      fc.string({ unit: 'grapheme', maxLength: 12 }).filter(isRepresentableKey),
      fc.string({ unit: 'grapheme', maxLength: 30 }).filter(isRepresentableValue),
      { maxKeys: 12 },
    );
    fc.assert(
      fc.property(stringMap, (values) => {
        const tree = branch(Object.entries(values).map(([key, value]) => ({ key, value })));
        expect(dotenvStore.loadPlainFile(dotenvStore.emitPlainFile([tree]))).toEqual([tree]);
      }),
      { numRuns: 300 },
    );
  });
});
