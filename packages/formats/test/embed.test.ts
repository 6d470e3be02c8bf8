import { branch, list, type TreeBranch, type TreeValue } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { embedMetadata, extractMetadata } from '../src/embed.js';
import { flattenBranch, unflattenBranch } from '../src/flatten.js';

function mapping(entries: Record<string, TreeValue>): TreeBranch {
  return branch(Object.entries(entries).map(([key, value]) => ({ key, value })));
}

const metadata = mapping({
  azure_kv: list([mapping({ created_at: '2026-12-04T19:40:00Z', enc: 'abc', name: 'k' })]),
  lastmodified: '2026-05-22T20:16:23Z',
  pgp: list([mapping({ enc: '-----BEGIN PGP MESSAGE-----\n\nxyz\n-----END PGP MESSAGE-----', fp: 'F' })]),
});

describe('flattenBranch', () => {
  it('should use the sops separators for maps and lists', () => {
    const flat = flattenBranch(metadata, 'sops_');
    expect(flat.items.map((item) => item.key)).toEqual([
      'sops_azure_kv__list_0__map_created_at',
      'sops_azure_kv__list_0__map_enc',
      'sops_azure_kv__list_0__map_name',
      'sops_lastmodified',
      'sops_pgp__list_0__map_enc',
      'sops_pgp__list_0__map_fp',
    ]);
  });

  it('should round-trip through unflattenBranch', () => {
    expect(unflattenBranch(flattenBranch(metadata))).toEqual(metadata);
  });

  it('should reject a list with a gap', () => {
    const flat = mapping({ pgp__list_0__map_fp: 'A', pgp__list_2__map_fp: 'B' });
    expect(() => unflattenBranch(flat)).toThrow(/incomplete/);
  });

  it('should reject a key used as value and map', () => {
    const flat = mapping({ pgp: 'x', pgp__map_fp: 'B' });
    expect(() => unflattenBranch(flat)).toThrow(/both as a value and as a map/);
  });
});

describe('embedMetadata', () => {
  const data = [mapping({ foo: 'bar' }), mapping({ second: 'doc' })];

  it('should append a sops mapping to every document', () => {
    const embedded = embedMetadata(data, metadata, { flatten: 'none' });
    expect(embedded.map((document) => document.items.map((item) => item.key))).toEqual([
      ['foo', 'sops'],
      ['second', 'sops'],
    ]);
  });

  it('should escape newlines for flattened stores when asked', () => {
    const [document] = embedMetadata([mapping({ foo: 'bar' })], metadata, { flatten: 'below-top', escapeNewlines: true });
    const section = document!.items[1]!.value as TreeBranch;
    const pgp = section.items.find((item) => item.key === 'pgp__list_0__map_enc');
    expect(pgp?.value).toBe('-----BEGIN PGP MESSAGE-----\\n\\nxyz\\n-----END PGP MESSAGE-----');
  });

  it('should reject a document that already has a sops key', () => {
    expect(() => embedMetadata([mapping({ sops: 'x' })], metadata, { flatten: 'none' })).toThrow(
      expect.objectContaining({ code: 'ERR_RESERVED_KEY' }),
    );
  });

  it('should reject a sops_ prefixed key in fully flattened stores', () => {
    expect(() => embedMetadata([mapping({ sops_token: 'x' })], metadata, { flatten: 'full' })).toThrow(/sops_token/);
  });
});

describe('extractMetadata', () => {
  it('should undo embedMetadata for every flattening mode', () => {
    const data = [mapping({ foo: 'bar' })];
    for (const flatten of ['none', 'below-top', 'full'] as const) {
      const extracted = extractMetadata(embedMetadata(data, metadata, { flatten, escapeNewlines: true }), {
        flatten,
        escapeNewlines: true,
      });
      expect(extracted.branches).toEqual(data);
      expect(extracted.metadata).toEqual(metadata);
    }
  });

  it('should drop the copies in later documents', () => {
    const embedded = embedMetadata([mapping({ a: '1' }), mapping({ b: '2' })], metadata, { flatten: 'none' });
    const extracted = extractMetadata(embedded, { flatten: 'none' });
    expect(extracted.branches).toEqual([mapping({ a: '1' }), mapping({ b: '2' })]);
  });

  it('should report a file without metadata', () => {
    expect(() => extractMetadata([mapping({ a: '1' })], { flatten: 'none' })).toThrow(
      expect.objectContaining({ code: 'ERR_METADATA_NOT_FOUND' }),
    );
  });

  it('should reject a sops entry that is not a mapping', () => {
    expect(() => extractMetadata([mapping({ sops: 'text' })], { flatten: 'none' })).toThrow(/not a mapping/);
  });
});
