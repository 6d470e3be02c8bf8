import {
  AzkvError,
  branch,
  compareFieldNames,
  isBranch,
  isComment,
  isList,
  list,
  type TreeBranch,
  type TreeItem,
  type TreeValue,
} from '@azkv/core';

/**
 * Flat stores (INI, dotenv) keep the nested metadata as single-level keys, with
 * the separators sops uses: `azure_kv__list_0__map_enc` is
 * `azure_kv[0].enc`. The format is fixed by sops' `stores/flatten.go`.
 */
export const MAP_SEPARATOR = '__map_';
export const LIST_SEPARATOR = '__list_';

/**
 * Flattens a nested branch into one level, keys prefixed by `prefix`.
 * Comments are dropped, and empty maps and lists produce no key, as in sops.
 * Throws when two paths flatten to the same key.
 */
export function flattenBranch(tree: TreeBranch, prefix = ''): TreeBranch {
  const result = branch();
  const seen = new Set<string>();
  descendMap(tree, prefix, result.items, seen);
  return result;
}

function descendValue(value: TreeValue, key: string, out: TreeItem[], seen: Set<string>): void {
  if (isBranch(value)) {
    descendMap(value, key + MAP_SEPARATOR, out, seen);
    return;
  }
  if (isList(value)) {
    let index = 0;
    for (const element of value.items) {
      if (isComment(element)) {
        continue;
      }
      descendValue(element, `${key}${LIST_SEPARATOR}${index}`, out, seen);
      index += 1;
    }
    return;
  }
  if (seen.has(key)) {
    throw new AzkvError('ERR_METADATA', `metadata key collision: '${key}' appears twice after flattening`);
  }
  seen.add(key);
  out.push({ key, value });
}

function descendMap(tree: TreeBranch, prefix: string, out: TreeItem[], seen: Set<string>): void {
  for (const item of tree.items) {
    if (isComment(item.key)) {
      continue;
    }
    descendValue(item.value, prefix + item.key, out, seen);
  }
}

type PathToken = { map: string } | { index: number };

/** Splits a flattened key into map keys and list positions, as sops does. */
function tokenize(path: string): PathToken[] {
  const tokens: PathToken[] = [];
  let state: 'normal' | 'map' | 'list' = 'normal';
  let tokenStart = 0;
  let i = 0;

  const finishToken = (): void => {
    if (state === 'list') {
      const digits = path.slice(tokenStart + LIST_SEPARATOR.length, i);
      // sops ignores a parse failure here (strconv.Atoi error → 0).
      const position = /^[+-]?\d+$/.test(digits) ? Number.parseInt(digits, 10) : 0;
      tokens.push({ index: position });
    } else {
      const offset = state === 'map' ? MAP_SEPARATOR.length : 0;
      tokens.push({ map: path.slice(tokenStart + offset, i) });
    }
    tokenStart = i;
  };

  while (i < path.length) {
    if (path.startsWith(MAP_SEPARATOR, i)) {
      finishToken();
      state = 'map';
      i += MAP_SEPARATOR.length;
    } else if (path.startsWith(LIST_SEPARATOR, i)) {
      finishToken();
      state = 'list';
      i += LIST_SEPARATOR.length;
    } else {
      i += 1;
    }
  }
  finishToken();
  return tokens;
}

interface PlacementNode {
  hasValue: boolean;
  value?: TreeValue;
  keys: Map<string, PlacementNode>;
  indices: Map<number, PlacementNode>;
}

function newNode(): PlacementNode {
  return { hasValue: false, keys: new Map(), indices: new Map() };
}

function childNode<K>(children: Map<K, PlacementNode>, key: K): PlacementNode {
  let next = children.get(key);
  if (next === undefined) {
    next = newNode();
    children.set(key, next);
  }
  return next;
}

function convert(node: PlacementNode, path: string): TreeValue {
  const kinds = Number(node.hasValue) + Number(node.keys.size > 0) + Number(node.indices.size > 0);
  if (kinds > 1) {
    throw new AzkvError('ERR_METADATA', `metadata key '${path}' is used both as a value and as a map or list`);
  }
  if (node.hasValue) {
    return node.value ?? null;
  }
  if (node.keys.size > 0) {
    // sops rebuilds unflattened maps with their keys sorted.
    const names = [...node.keys.keys()].sort(compareFieldNames);
    return branch(names.map((name) => ({ key: name, value: convert(node.keys.get(name)!, `${path}${MAP_SEPARATOR}${name}`) })));
  }
  if (node.indices.size > 0) {
    const positions = [...node.indices.keys()];
    const max = Math.max(...positions);
    if (Math.min(...positions) !== 0 || max + 1 !== positions.length) {
      throw new AzkvError('ERR_METADATA', `metadata list '${path}' is incomplete: its indices must run from 0 without gaps`);
    }
    const items: TreeValue[] = [];
    for (let index = 0; index <= max; index += 1) {
      items.push(convert(node.indices.get(index)!, `${path}${LIST_SEPARATOR}${index}`));
    }
    return list(items);
  }
  return branch();
}

/**
 * Rebuilds the nested metadata from flattened keys (the reverse of
 * {@link flattenBranch}). Map keys come out sorted, as sops produces them.
 */
export function unflattenBranch(flat: TreeBranch): TreeBranch {
  const root = newNode();
  for (const item of flat.items) {
    if (isComment(item.key)) {
      continue;
    }
    let node = root;
    for (const token of tokenize(item.key)) {
      node = 'map' in token ? childNode(node.keys, token.map) : childNode(node.indices, token.index);
    }
    if (node.hasValue) {
      throw new AzkvError('ERR_METADATA', `metadata key '${item.key}' appears twice`);
    }
    node.hasValue = true;
    node.value = item.value;
  }
  const result = convert(root, '');
  if (!isBranch(result)) {
    throw new AzkvError('ERR_METADATA', 'metadata could not be rebuilt from its flattened keys');
  }
  return result;
}
