import { branch, Comment, type TreeBranch, type TreeItem } from '@azkv/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iniStore } from '../src/ini/index.js';
import { goTrimSpace } from '../src/ini/text.js';

/** Characters that exercise go-ini's quoting and comment rules. */
const CHARACTERS = [...'ab Z09_.-:=#;"\'`[]\\\t\r\n', 'é', '日', '🔑', '\u00a0', '\u0085'];
const text = (maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...CHARACTERS), { maxLength }).map((characters) => characters.join(''));

/**
 * Reports whether go-ini reads a key name back as written. Names are trimmed,
 * cannot start a comment or a header, cannot contain a line break, and cannot
 * need two kinds of quotes.
 */
function isRepresentableKey(name: string): boolean {
  if (name === '' || name === '-' || goTrimSpace(name) !== name || /[\n]/.test(name) || /^[#;[]/.test(name)) {
    return false;
  }
  const needsBackquotes = name.includes('"') || /[=:]/.test(name);
  return !(needsBackquotes && name.includes('`'));
}

/** Reports whether go-ini reads a value back as written, following the quoting that the writer picks. */
function isRepresentableValue(value: string): boolean {
  if (value.includes('\n') || value.includes('`')) {
    return !value.includes('"""');
  }
  if (value.includes('#') || value.includes(';')) {
    return true;
  }
  if (goTrimSpace(value) !== value) {
    return !value.includes('"');
  }
  const surrounded = /^(["']).*\1$/s.test(value) && value.length >= 2;
  return !value.endsWith('\\') && !value.startsWith('"""') && !surrounded;
}

const comment = fc.stringMatching(/^[a-z]([a-z ]{0,10}[a-z])?$/).map((value) => new Comment(value));

const entries = fc.uniqueArray(
  fc.record({
    key: text(8).filter(isRepresentableKey),
    value: text(12).filter(isRepresentableValue),
    comment: fc.option(comment, { nil: undefined }),
  }),
  { selector: (entry) => entry.key, maxLength: 6 },
);

/** A section as sops' parser builds it: an optional opening comment, then keys each followed by their comment. */
const sectionBody = fc.record({ opening: fc.option(comment, { nil: undefined }), entries }).map(({ opening, entries: keys }) => {
  const items: TreeItem[] = opening === undefined ? [] : [{ key: opening, value: null }];
  for (const entry of keys) {
    items.push({ key: entry.key, value: entry.value });
    if (entry.comment !== undefined) {
      items.push({ key: entry.comment, value: null });
    }
  }
  return branch(items);
});

const sectionName = text(8).filter((name) => name !== '' && !name.includes('\n') && name !== 'sops');

/** A tree as the INI store loads it: the implicit DEFAULT section first, without a comment. */
const document: fc.Arbitrary<TreeBranch> = fc
  .record({
    defaults: entries,
    sections: fc.array(fc.record({ name: sectionName, body: sectionBody }), { maxLength: 4 }),
  })
  .map(({ defaults, sections }) =>
    branch([
      { key: 'DEFAULT', value: branch(defaults.map((entry) => ({ key: entry.key, value: entry.value }))) },
      ...sections.map((section) => ({ key: section.name, value: section.body })),
    ]),
  );

describe('INI store round trips', () => {
  it('reads emitted trees back unchanged', () => {
    fc.assert(
      fc.property(document, (tree) => {
        const output = iniStore.emitPlainFile([tree]);
        const loaded = iniStore.loadPlainFile(output);
        expect(loaded).toEqual([tree]);
        expect(iniStore.emitPlainFile(loaded)).toEqual(output);
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips random string maps', () => {
    const stringMap = fc.dictionary(
      fc.string({ unit: 'grapheme', maxLength: 10 }).filter(isRepresentableKey),
      fc.string({ unit: 'grapheme', maxLength: 20 }).filter(isRepresentableValue),
      { maxKeys: 10 },
    );
    fc.assert(
      fc.property(stringMap, (values) => {
        const tree = branch([
          { key: 'DEFAULT', value: branch() },
          { key: 'values', value: branch(Object.entries(values).map(([key, value]) => ({ key, value }))) },
        ]);
        expect(iniStore.loadPlainFile(iniStore.emitPlainFile([tree]))).toEqual([tree]);
      }),
      { numRuns: 300 },
    );
  });
});
