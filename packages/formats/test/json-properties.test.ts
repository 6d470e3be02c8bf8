import { branch, list, type TreeBranch, type TreeValue } from '@azkv/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJsonStore, jsonStore, quoteGoJsonBytes, quoteGoJsonString } from '../src/json/index.js';
import { findInvalidUtf8 } from '../src/json/utf8.js';

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Bytes biased toward UTF-8 lead and continuation bytes, so that both valid and broken sequences are common. */
const utf8ishBytes = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x00, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0xbf }),
      fc.integer({ min: 0xc0, max: 0xff }),
      fc.constantFrom(0xe0, 0xed, 0xf0, 0xf4, 0xa0, 0x9f, 0x90, 0x8f),
    ),
    { maxLength: 24 },
  )
  .map((values) => new Uint8Array(values));

/**
 * Tree values that survive an emit and parse round trip unchanged. Floats are
 * never whole numbers, because sops writes 2.0 as `2` and reads it back as an
 * int, and never -0, which comes back as the int 0.
 */
const roundTripValue: fc.Memo<TreeValue> = fc.memo((depth) => {
  const leaf = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value)),
    fc.boolean(),
    fc.constant(null),
  );
  if (depth <= 1) {
    return leaf;
  }
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(roundTripValue(depth - 1), { maxLength: 4 }).map((items) => list(items)) },
    { weight: 1, arbitrary: roundTripBranch(depth - 1) },
  );
});

function roundTripBranch(depth: number): fc.Arbitrary<TreeBranch> {
  return fc
    .uniqueArray(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), roundTripValue(depth)), {
      maxLength: 5,
      selector: ([key]) => key,
    })
    .map((entries) => branch(entries.map(([key, value]) => ({ key, value }))));
}

describe('JSON properties', () => {
  it('should agree with a strict UTF-8 decoder on validity', () => {
    fc.assert(
      fc.property(utf8ishBytes, (bytes) => {
        expect(findInvalidUtf8(bytes) === -1).toBe(isValidUtf8(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('should quote valid UTF-8 bytes like the decoded string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => {
        expect(quoteGoJsonBytes(new TextEncoder().encode(text))).toBe(quoteGoJsonString(text));
      }),
    );
  });

  it('should escape U+FFFD only for invalid bytes', () => {
    fc.assert(
      fc.property(utf8ishBytes, (bytes) => {
        const quoted = quoteGoJsonBytes(bytes);
        // Invalid bytes become the escape, while a U+FFFD in valid input stays a raw character.
        expect(quoted.includes('\\ufffd')).toBe(!isValidUtf8(bytes));
        expect(typeof JSON.parse(quoted)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('should read back every tree it writes', () => {
    fc.assert(
      fc.property(roundTripBranch(4), fc.constantFrom(undefined, 0, 2, 4), (document, indent) => {
        const store = createJsonStore(indent === undefined ? {} : { indent });
        const text = store.emitPlainFile([document]);
        expect(jsonStore.loadPlainFile(text)).toEqual([document]);
      }),
      { numRuns: 300 },
    );
  });

  it('should write what JSON.parse reads as the same data', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string(), fc.boolean(), fc.constant(null))), (record) => {
        const document = branch(Object.entries(record).map(([key, value]) => ({ key, value })));
        const text = new TextDecoder().decode(jsonStore.emitPlainFile([document]));
        expect(JSON.parse(text)).toEqual(record);
      }),
      { numRuns: 300 },
    );
  });
});
