/**
 * Walks a document tree in sops' order (`TreeBranch.walkBranch`, `walkSlice`
 * and `walkValue` in sops 3.13.2), keeping the stack of active comments that
 * the comment rules look at.
 */
import { AzkvError, ExitCode } from './errors.js';
import type { CommentsStack } from './rules.js';
import { describeType } from './value-bytes.js';
import {
  Comment,
  FloatValue,
  Timestamp,
  branch,
  isBranch,
  isList,
  list,
  type TreeBranch,
  type TreeBranches,
  type TreeItem,
  type TreeList,
  type TreeValue,
} from './tree.js';

/** A leaf the walk hands to its visitor: any scalar but `null`, or a comment. */
export type WalkLeaf = string | bigint | number | FloatValue | boolean | Uint8Array | Timestamp | Comment;

/** The kind of node that contains a leaf. */
export type LeafContainer = 'mapping' | 'list';

/**
 * Called once per leaf and comment, in walk order, with the mapping keys that
 * lead to it, the active comments and the kind of its container. It returns
 * what replaces the leaf in the new tree. In a mapping a comment must stay a
 * comment and a value a value; in a list either may become the other.
 */
export type LeafVisitor = (
  leaf: WalkLeaf,
  path: readonly string[],
  comments: CommentsStack,
  container: LeafContainer,
) => TreeValue | Comment;

/**
 * Returns the GCM additional data of a value: the mapping keys joined and
 * followed by `:` (list indices are not part of it, and a top-level comment
 * gets `:`).
 */
export function additionalDataForPath(path: readonly string[]): string {
  return `${path.join(':')}:`;
}

/**
 * Walks every branch and builds a new tree from the visitor's results. The
 * input tree is not changed. `null` values are kept without a visit, as sops
 * does not encrypt them.
 *
 * @throws AzkvError `ERR_UNSUPPORTED_VALUE` for a node that is not part of
 *   the tree model, and whatever the visitor throws.
 */
export function walkTree(branches: TreeBranches, visit: LeafVisitor): TreeBranches {
  return branches.map((root, index) => {
    try {
      return walkBranch(root, [], [], visit);
    } catch (error) {
      // Paths repeat across the documents of a YAML stream, so name the document.
      if (branches.length > 1 && error instanceof Error) {
        error.message = `document ${index + 1} of ${branches.length}: ${error.message}`;
      }
      throw error;
    }
  });
}

function walkBranch(node: TreeBranch, path: string[], outer: string[][], visit: LeafVisitor): TreeBranch {
  // Each mapping adds one level to the stack. Comments collect in it until
  // the next non-comment item, and values nested under a key still see the
  // comments that preceded that key.
  const comments = [...outer, []];
  const level = comments.length - 1;
  const items: TreeItem[] = [];

  for (const item of node.items) {
    if (item.key instanceof Comment) {
      comments[level]?.push(item.key.value);
      const result = visit(item.key, path, comments, 'mapping');
      if (!(result instanceof Comment)) {
        throw walkError(path, 'a comment was replaced by a value, which a mapping cannot hold');
      }
      items.push({ key: result, value: null });
      continue;
    }
    if (typeof item.key !== 'string') {
      throw walkError(path, `a mapping key is of type ${describeType(item.key)}; only string keys are supported`);
    }
    const childPath = [...path, item.key];
    const value = walkValue(item.value, childPath, comments, 'mapping', visit);
    if (value instanceof Comment) {
      throw walkError(childPath, 'the value was replaced by a comment, which cannot stand as a mapping value');
    }
    items.push({ key: item.key, value });
    comments[level] = [];
  }
  return branch(items);
}

function walkList(node: TreeList, path: string[], outer: string[][], visit: LeafVisitor): TreeList {
  const comments = [...outer, []];
  const level = comments.length - 1;
  const items: Array<TreeValue | Comment> = [];

  for (const element of node.items) {
    if (element instanceof Comment) {
      comments[level]?.push(element.value);
      items.push(visit(element, path, comments, 'list'));
      continue;
    }
    items.push(walkValue(element, path, comments, 'list', visit));
    comments[level] = [];
  }
  return list(items);
}

function walkValue(
  value: TreeValue,
  path: string[],
  comments: string[][],
  container: LeafContainer,
  visit: LeafVisitor,
): TreeValue | Comment {
  if (value === null) {
    return null;
  }
  if (isBranch(value)) {
    return walkBranch(value, path, comments, visit);
  }
  if (isList(value)) {
    return walkList(value, path, comments, visit);
  }
  if (isWalkLeaf(value)) {
    return visit(value, path, comments, container);
  }
  throw walkError(path, `values of type ${describeType(value)} are not part of the tree model`);
}

function isWalkLeaf(value: unknown): value is WalkLeaf {
  switch (typeof value) {
    case 'string':
    case 'bigint':
    case 'number':
    case 'boolean':
      return true;
    default:
      return (
        value instanceof Uint8Array ||
        value instanceof FloatValue ||
        value instanceof Timestamp ||
        value instanceof Comment
      );
  }
}

function walkError(path: readonly string[], reason: string): AzkvError {
  return new AzkvError('ERR_UNSUPPORTED_VALUE', `Cannot walk the tree at path "${additionalDataForPath(path)}": ${reason}.`, {
    exitCode: ExitCode.ErrorGeneric,
  });
}
