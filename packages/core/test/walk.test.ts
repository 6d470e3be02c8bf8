import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import { decryptTree, encryptTree } from '../src/tree-cipher.js';
import { Comment, FloatValue, Timestamp, branch, list, type TreeBranch, type TreeItem, type TreeValue } from '../src/tree.js';
import { additionalDataForPath, walkTree, type WalkLeaf } from '../src/walk.js';
import { AzkvError } from '../src/errors.js';
import { toJsonNode } from './helpers/tree-json.js';

interface Visit {
  leaf: string;
  path: string;
  comments: string[][];
  container: string;
}

function describeLeaf(leaf: WalkLeaf): string {
  return leaf instanceof Comment ? `#${leaf.value}` : String(leaf);
}

function visits(tree: TreeBranch): Visit[] {
  const seen: Visit[] = [];
  walkTree([tree], (leaf, path, comments, container) => {
    seen.push({
      leaf: describeLeaf(leaf),
      path: additionalDataForPath(path),
      comments: comments.map((level) => [...level]),
      container,
    });
    return leaf;
  });
  return seen;
}

describe('walkTree', () => {
  it('visits leaves in document order with sops paths', () => {
    const tree = branch([
      { key: new Comment('top'), value: null },
      { key: 'a', value: 'one' },
      { key: 'b', value: branch([{ key: 'c', value: 2n }, { key: 'd', value: null }])},
      { key: 'e', value: list(['x', list([true]), branch([{ key: 'f', value: 1.5 }])]) },
    ]);
    expect(visits(tree).map((visit) => [visit.leaf, visit.path, visit.container])).toEqual([
      ['#top', ':', 'mapping'],
      ['one', 'a:', 'mapping'],
      ['2', 'b:c:', 'mapping'],
      ['x', 'e:', 'list'],
      ['true', 'e:', 'list'],
      ['1.5', 'e:f:', 'mapping'],
    ]);
  });

  it('keeps comments active until the next value', () => {
    const tree = branch([
      { key: new Comment('c1'), value: null },
      { key: new Comment('c2'), value: null },
      {
        key: 'a',
        value: branch([
          { key: 'b', value: 'x' },
          { key: new Comment('c3'), value: null },
          { key: 'c', value: 'y' },
          { key: 'd', value: 'z' },
        ]),
      },
      { key: 'e', value: 'w' },
      { key: 'l', value: list([new Comment('c4'), 'p', 'q']) },
    ]);
    expect(visits(tree).map((visit) => [visit.leaf, visit.comments])).toEqual([
      ['#c1', [['c1']]],
      ['#c2', [['c1', 'c2']]],
      ['x', [['c1', 'c2'], []]],
      ['#c3', [['c1', 'c2'], ['c3']]],
      ['y', [['c1', 'c2'], ['c3']]],
      ['z', [['c1', 'c2'], []]],
      ['w', [[]]],
      ['#c4', [[], ['c4']]],
      ['p', [[], ['c4']]],
      ['q', [[], []]],
    ]);
  });

  it('builds a new tree from the visitor results', () => {
    const tree = branch([{ key: 'a', value: list(['x', new Comment('c')]) }]);
    const result = walkTree([tree], (leaf) => (typeof leaf === 'string' ? leaf.toUpperCase() : leaf));
    expect(toJsonNode(result[0] as TreeBranch)).toEqual({
      map: [['a', { list: [{ str: 'X' }, { comment: 'c', inline: false }] }]],
    });
    expect(toJsonNode(tree)).toEqual({ map: [['a', { list: [{ str: 'x' }, { comment: 'c', inline: false }] }]] });
  });

  it('rejects a mapping comment replaced by a value', () => {
    const tree = branch([{ key: new Comment('c'), value: null }]);
    expect(() => walkTree([tree], () => 'value')).toThrow(/a comment was replaced by a value/);
  });

  it('gives the top-level path ":"', () => {
    expect(additionalDataForPath([])).toBe(':');
    expect(additionalDataForPath(['a', 'b'])).toBe('a:b:');
    expect(additionalDataForPath(['foo '])).toBe('foo :');
  });
});

// Random trees with every leaf type of the tree model. Keys may contain any
// text, `:` included. Bytes that are valid UTF-8 are left out, because they
// come back as strings, as in sops.
const keyArbitrary = fc.string({ unit: 'grapheme', maxLength: 8 });
const leafArbitrary: fc.Arbitrary<TreeValue> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.double(),
  fc.double({ noNaN: true }).map((value) => new FloatValue(value)),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    new Timestamp('2020-01-02T03:04:05Z'),
    new Timestamp('1999-12-31T23:59:59.5+05:30'),
    new Uint8Array([0xff, 0x00, 0x80]),
  ),
);
const commentArbitrary = fc
  .tuple(fc.string({ unit: 'grapheme', maxLength: 10 }), fc.boolean())
  .map(([text, inline]) => new Comment(text, inline));

const { tree: treeArbitrary } = fc.letrec<{ tree: TreeBranch; value: TreeValue }>((tie) => ({
  tree: fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(keyArbitrary, tie('value')).map(([key, value]): TreeItem => ({ key, value })) },
        { weight: 1, arbitrary: commentArbitrary.map((comment): TreeItem => ({ key: comment, value: null })) },
      ),
      { maxLength: 5 },
    )
    .map((items) => branch(items)),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArbitrary,
    tie('tree'),
    fc.array(fc.oneof(tie('value'), commentArbitrary), { maxLength: 4 }).map((items) => list(items)),
  ),
}));

describe('encrypt and decrypt round trip', () => {
  const dataKey = new Uint8Array(32).fill(9);
  const rulesArbitrary = fc.oneof(
    fc.constant({ unencryptedSuffix: '_unencrypted' }),
    fc.constant({ encryptedRegex: 'a' }),
    // The regex must not match ENC[...] text, which sops rejects for this rule.
    fc.constant({ unencryptedCommentRegex: '[!?]' }),
    fc.constant({ encryptedCommentRegex: 'a', macOnlyEncrypted: true }),
    fc.constant({ encryptedSuffix: 'b', macOnlyEncrypted: true }),
  );

  it('returns an equal tree and MAC', () => {
    fc.assert(
      fc.property(fc.array(treeArbitrary, { minLength: 1, maxLength: 2 }), rulesArbitrary, (branches, rules) => {
        const encrypted = encryptTree(branches, dataKey, rules);
        const decrypted = decryptTree(encrypted.branches, dataKey, rules);
        // toJsonNode writes a FloatValue like a number, which is what decryption returns.
        expect(decrypted.branches.map((root) => toJsonNode(root))).toEqual(branches.map((root) => toJsonNode(root)));
        expect(decrypted.mac).toBe(encrypted.mac);
        expect(decrypted.warnings).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('walkTree errors', () => {
  it('names the document in a stream', () => {
    const documents = [branch([{ key: 'a', value: 'x' }]), branch([{ key: 'b', value: 'y' }])];
    const failOnB = (leaf: unknown, path: readonly string[]): never | typeof leaf => {
      if (path[0] === 'b') {
        throw new AzkvError('ERR_DECRYPT_VALUE', 'bad value at "b:"');
      }
      return leaf;
    };

    expect(() => walkTree(documents, failOnB as never)).toThrow('document 2 of 2: bad value at "b:"');
    expect(() => walkTree([documents[1]!], failOnB as never)).toThrow(/^bad value at "b:"$/);
  });
});
