// Converts between the JSON node form of fixtures/sops-trees.json and the
// @azkv/core tree model.
import { parseGoFloat, formatGoFloat } from '../../src/go-number.js';
import { Comment, FloatValue, Timestamp, branch, isBranch, isList, list } from '../../src/tree.js';
import type { TreeBranch, TreeItem, TreeValue } from '../../src/tree.js';

export type JsonNode =
  | { map: Array<[string, JsonNode] | JsonComment> }
  | { list: Array<JsonNode | JsonComment> }
  | { str: string }
  | { int: string }
  | { float: string }
  | { bool: boolean }
  | { time: string }
  | { bytes: string }
  | { null: true };

export interface JsonComment {
  comment: string;
  inline?: boolean;
}

function isJsonComment(node: unknown): node is JsonComment {
  return typeof node === 'object' && node !== null && 'comment' in node;
}

function toComment(node: JsonComment): Comment {
  return new Comment(node.comment, node.inline ?? false);
}

export function fromJsonNode(node: JsonNode): TreeValue {
  if ('map' in node) {
    const items: TreeItem[] = node.map.map((entry) =>
      isJsonComment(entry) ? { key: toComment(entry), value: null } : { key: entry[0], value: fromJsonNode(entry[1]) },
    );
    return branch(items);
  }
  if ('list' in node) {
    return list(node.list.map((element) => (isJsonComment(element) ? toComment(element) : fromJsonNode(element))));
  }
  if ('str' in node) {
    return node.str;
  }
  if ('int' in node) {
    return BigInt(node.int);
  }
  if ('float' in node) {
    const value = parseGoFloat(node.float);
    if (value === undefined) {
      throw new Error(`bad float ${node.float}`);
    }
    return value;
  }
  if ('bool' in node) {
    return node.bool;
  }
  if ('time' in node) {
    return new Timestamp(node.time);
  }
  if ('bytes' in node) {
    return new Uint8Array(Buffer.from(node.bytes, 'base64'));
  }
  return null;
}

export function branchFromJson(node: JsonNode): TreeBranch {
  const value = fromJsonNode(node);
  if (!isBranch(value)) {
    throw new Error('expected a map node');
  }
  return value;
}

/** Converts a tree back into the JSON node form, for deep comparisons. */
export function toJsonNode(value: TreeValue | Comment): JsonNode | Required<JsonComment> {
  if (value instanceof Comment) {
    return { comment: value.value, inline: value.inline };
  }
  if (isBranch(value)) {
    return {
      map: value.items.map((item) =>
        item.key instanceof Comment
          ? { comment: item.key.value, inline: item.key.inline }
          : ([item.key, toJsonNode(item.value) as JsonNode] as [string, JsonNode]),
      ),
    };
  }
  if (isList(value)) {
    return { list: value.items.map((element) => toJsonNode(element)) as JsonNode[] };
  }
  if (typeof value === 'string') {
    return { str: value };
  }
  if (typeof value === 'bigint') {
    return { int: value.toString() };
  }
  if (typeof value === 'number') {
    return { float: formatGoFloat(value) };
  }
  if (value instanceof FloatValue) {
    return { float: formatGoFloat(value.value) };
  }
  if (typeof value === 'boolean') {
    return { bool: value };
  }
  if (value instanceof Timestamp) {
    return { time: value.text };
  }
  if (value instanceof Uint8Array) {
    return { bytes: Buffer.from(value).toString('base64') };
  }
  return { null: true };
}

/** Sets `inline: false` on every comment, because sops drops the flag when it decrypts a comment. */
export function withoutInline(node: unknown): unknown {
  if (Array.isArray(node)) {
    return node.map(withoutInline);
  }
  if (typeof node === 'object' && node !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      copy[key] = withoutInline(value);
    }
    if ('comment' in copy) {
      copy['inline'] = false;
    }
    return copy;
  }
  return node;
}

/** Replaces each ENC[...] string by its type name, so trees encrypted with different IVs compare equal. */
export function maskCiphertexts(node: unknown): unknown {
  if (typeof node === 'string') {
    const match = /^ENC\[AES256_GCM,data:.*,type:(\w+)\]$/.exec(node);
    return match === null ? node : `ENC<${match[1]}>`;
  }
  if (Array.isArray(node)) {
    return node.map(maskCiphertexts);
  }
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, maskCiphertexts(value)]));
  }
  return node;
}
