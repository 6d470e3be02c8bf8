import { FloatValue, isBranch, isComment, isList, Timestamp, type TreeBranches, type TreeValue } from '@azkv/core';

/** A leaf or comment of a plaintext tree, in the form the interop fixtures list them. */
export interface TreeLeaf {
  /** Mapping keys and list indices. A comment gets the path of the mapping or list that contains it. */
  path: Array<string | number>;
  type: 'str' | 'int' | 'float' | 'bool' | 'bytes' | 'time' | 'null' | 'comment';
  /** The value as text: strings as they are, numbers in decimal, booleans as `true`/`false`. */
  plaintext: string;
}

function describeLeaf(value: TreeValue): Pick<TreeLeaf, 'type' | 'plaintext'> {
  if (typeof value === 'string') {
    return { type: 'str', plaintext: value };
  }
  if (typeof value === 'bigint') {
    return { type: 'int', plaintext: value.toString() };
  }
  if (typeof value === 'number') {
    return { type: 'float', plaintext: String(value) };
  }
  if (value instanceof FloatValue) {
    return { type: 'float', plaintext: String(value.value) };
  }
  if (typeof value === 'boolean') {
    return { type: 'bool', plaintext: String(value) };
  }
  if (value instanceof Uint8Array) {
    return { type: 'bytes', plaintext: Buffer.from(value).toString('base64') };
  }
  if (value instanceof Timestamp) {
    return { type: 'time', plaintext: value.text };
  }
  return { type: 'null', plaintext: '' };
}

function collect(value: TreeValue, path: Array<string | number>, out: TreeLeaf[]): void {
  if (isBranch(value)) {
    for (const item of value.items) {
      if (isComment(item.key)) {
        out.push({ path, type: 'comment', plaintext: item.key.value });
      } else {
        collect(item.value, [...path, item.key], out);
      }
    }
    return;
  }
  if (isList(value)) {
    let index = 0;
    for (const item of value.items) {
      if (isComment(item)) {
        out.push({ path, type: 'comment', plaintext: item.value });
      } else {
        collect(item, [...path, index], out);
        index++;
      }
    }
    return;
  }
  out.push({ path, ...describeLeaf(value) });
}

/** Lists every leaf and comment of the documents in sops' walk order. */
export function leavesInWalkOrder(branches: TreeBranches): TreeLeaf[] {
  const out: TreeLeaf[] = [];
  for (const document of branches) {
    collect(document, [], out);
  }
  return out;
}
