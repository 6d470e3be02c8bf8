import { FloatValue, isBranch, isComment, isList, Timestamp, type TreeBranch, type TreeValue } from '@azkv/core';
import { createTomlStore } from '../src/index.js';

export const store = createTomlStore();

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Parses TOML text with the store. */
export function load(text: string): TreeBranch {
  const branches = store.loadPlainFile(encoder.encode(text));
  return branches[0]!;
}

/** Writes a document with the store and returns the text. */
export function emit(document: TreeBranch): string {
  return decoder.decode(store.emitPlainFile([document]));
}

/**
 * Converts a tree into plain data that `toEqual` compares: branches become
 * arrays of `[key, value]` pairs (so that key order counts), floats become
 * `{ float: number }`, timestamps `{ time: text }`, comments `{ comment }`.
 */
export function plain(value: TreeValue | import('@azkv/core').Comment): unknown {
  if (isBranch(value)) {
    return value.items.map((item) => (isComment(item.key) ? { comment: item.key.value } : [item.key, plain(item.value)]));
  }
  if (isList(value)) {
    return value.items.map((element) => plain(element));
  }
  if (isComment(value)) {
    return { comment: value.value };
  }
  if (value instanceof FloatValue) {
    return { float: value.value };
  }
  if (typeof value === 'number') {
    return { float: value };
  }
  if (value instanceof Timestamp) {
    return { time: value.text };
  }
  return value;
}
