import {
  branch,
  decryptTree,
  encryptTree,
  isBranch,
  isList,
  list,
  marshalGoTime,
  normalizeRules,
  parseGoTime,
  Timestamp,
  type TreeBranch,
  type TreeValue,
} from '@azkv/core';
import fc from 'fast-check';
import { parse as parseWithSmolToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { emit, load, plain, store } from './helpers.js';

const DATA_KEY = Uint8Array.from({ length: 32 }, (_, index) => 255 - index);

const key = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('sops_not', '10', '-', 'a.b', '"', "'", '__proto__', 'constructor', 'é', ' '),
);

const date = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });

/** Offset date-times in the form that Go, TOML and smol-toml all keep as written. */
const offsetDateTime = date.map((value) => new Timestamp(value.toISOString()));
const localDateOrTime = date.chain((value) => {
  const text = value.toISOString();
  return fc.constantFrom(new Timestamp(text.slice(0, 10)), new Timestamp(text.slice(11, 23)), new Timestamp(text.slice(0, 23)));
});

function scalar(withLocalTimes: boolean): fc.Arbitrary<TreeValue> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom('', 'line\nbreak', 'quote """ inside', 'ends with "', '\r\n', 'ENC[not really]'),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.double(),
    fc.boolean(),
    withLocalTimes ? fc.oneof(offsetDateTime, localDateOrTime) : offsetDateTime,
  );
}

function documents(withLocalTimes: boolean): fc.Arbitrary<TreeBranch> {
  const tree = fc.letrec<{ value: TreeValue; table: TreeBranch; array: TreeValue }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar(withLocalTimes), tie('table'), tie('array')),
    table: fc
      .uniqueArray(fc.tuple(key, tie('value')), { selector: ([name]) => name, maxLength: 5 })
      .map((entries) => branch(entries.map(([name, value]) => ({ key: name, value })))),
    array: fc.oneof(
      fc.array(tie('value'), { maxLength: 4 }).map((elements) => list(elements)),
      fc.array(tie('table'), { minLength: 1, maxLength: 3 }).map((tables) => list(tables)),
    ),
  }));
  return tree.table.filter((document) => document.items.every((item) => item.key !== 'sops'));
}

/** The data a general TOML parser returns for a tree: objects, arrays, bigints, numbers, booleans, date text. */
function asParsedData(value: TreeValue): unknown {
  if (isBranch(value)) {
    const result = Object.create(null) as Record<string, unknown>;
    for (const item of value.items) {
      result[item.key as string] = asParsedData(item.value);
    }
    return result;
  }
  if (isList(value)) {
    return value.items.map((element) => asParsedData(element as TreeValue));
  }
  if (value instanceof Timestamp) {
    return value.text;
  }
  const simple = plain(value);
  return typeof simple === 'object' && simple !== null && 'float' in simple ? simple.float : simple;
}

function smolTomlData(text: string): unknown {
  const replaceDates = (value: unknown): unknown => {
    if (value instanceof Date) {
      return value.toISOString();
    }
    if (Array.isArray(value)) {
      return value.map(replaceDates);
    }
    if (typeof value === 'object' && value !== null) {
      const result = Object.create(null) as Record<string, unknown>;
      for (const [name, child] of Object.entries(value)) {
        result[name] = replaceDates(child);
      }
      return result;
    }
    return value;
  };
  return replaceDates(parseWithSmolToml(text, { integersAsBigInt: true }));
}

/** Rewrites timestamps as Go's `Time.MarshalText` does, which is what decryption returns. */
function goTimes(value: TreeValue): TreeValue {
  if (isBranch(value)) {
    return branch(value.items.map((item) => ({ key: item.key as string, value: goTimes(item.value) })));
  }
  if (isList(value)) {
    return list(value.items.map((element) => goTimes(element as TreeValue)));
  }
  if (value instanceof Timestamp) {
    return new Timestamp(marshalGoTime(parseGoTime(value.text)!)!);
  }
  return value;
}

describe('TOML round trip properties', () => {
  it('reads back what it writes', () => {
    fc.assert(
      fc.property(documents(true), (document) => {
        const text = emit(document);

        expect(plain(load(text))).toEqual(plain(document));
        expect(emit(load(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('writes TOML that smol-toml reads the same', () => {
    fc.assert(
      fc.property(documents(true), (document) => {
        expect(smolTomlData(emit(document))).toEqual(asParsedData(document));
      }),
      { numRuns: 300 },
    );
  });

  it('decrypts what it encrypts, MAC included', () => {
    const rules = normalizeRules({});
    fc.assert(
      fc.property(documents(false), (document) => {
        const encrypted = encryptTree([document], DATA_KEY, rules);
        const text = new TextDecoder().decode(
          store.emitEncryptedFile({ branches: encrypted.branches, metadata: branch([{ key: 'version', value: '3.13.2' }]) }),
        );
        const loaded = store.loadEncryptedFile(new TextEncoder().encode(text));
        const decrypted = decryptTree(loaded.branches, DATA_KEY, rules);

        expect(decrypted.mac).toBe(encrypted.mac);
        expect(plain(decrypted.branches[0]!)).toEqual(plain(goTimes(document)));
      }),
      { numRuns: 100 },
    );
  });
});
