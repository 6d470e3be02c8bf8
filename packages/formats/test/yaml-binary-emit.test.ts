// Decrypted str values whose bytes are not UTF-8 (binary files stored in a
// YAML file, `!!binary` values) are Go strings with invalid UTF-8 in sops,
// which go-yaml writes as `!!binary` base64. The expected texts are what
// `sops decrypt` 3.13.2 printed for files with these values.
import { branch, list } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { yamlStore } from '../src/yaml/index.js';

const decoder = new TextDecoder();

function emit(tree: ReturnType<typeof branch>): string {
  return decoder.decode(yamlStore.emitPlainFile([tree]));
}

function bytes(length: number, value = 0xff): Uint8Array {
  return new Uint8Array(length).fill(value);
}

describe('YAML emit of bytes that are not UTF-8', () => {
  it('writes short values as a plain !!binary scalar', () => {
    const tree = branch([{ key: 'short', value: Uint8Array.from([0xff, 0x00, 0x41]) }]);
    expect(emit(tree)).toBe('short: !!binary /wBB\n');
  });

  it('writes list elements with the tag after the dash', () => {
    const tree = branch([{ key: 'list', value: list([bytes(1), 'text']) }]);
    expect(emit(tree)).toBe('list:\n    - !!binary /w==\n    - text\n');
  });

  it('wraps base64 of 70 characters or more in a literal block', () => {
    const line = '/'.repeat(70);
    const tree = branch([{ key: 'long', value: bytes(120) }]);
    expect(emit(tree)).toBe(`long: !!binary |\n    ${line}\n    ${line}\n    ${'/'.repeat(20)}\n`);
  });

  it('keeps 68 base64 characters on one line', () => {
    expect(emit(branch([{ key: 'data', value: bytes(51) }]))).toBe(`data: !!binary ${'/'.repeat(68)}\n`);
    expect(emit(branch([{ key: 'data', value: bytes(52) }]))).toBe(`data: !!binary |\n    ${'/'.repeat(69)}w\n    ==\n`);
  });

  it('still writes UTF-8 bytes as a sequence of byte values', () => {
    // sops type bytes decrypts to a Go []byte, which go-yaml writes this way.
    expect(emit(branch([{ key: 'b', value: Uint8Array.from([0x68, 0x69]) }]))).toBe('b:\n    - 104\n    - 105\n');
  });
});
