/**
 * The document tree that every store produces and consumes.
 *
 * It mirrors the tree of the Go sops tool (`sops.TreeBranch`), because the
 * order in which values are visited, and therefore the MAC, depends on it:
 *
 * - a mapping ({@link TreeBranch}) is an ordered list of items; a comment
 *   inside it is an item whose key is a {@link Comment} and whose value is `null`;
 * - a sequence ({@link TreeList}) holds values and {@link Comment} elements;
 * - leaves carry the sops data type in their JavaScript type, see {@link Scalar}.
 */

/** A comment line without its leading `#`, as sops stores it. */
export class Comment {
  readonly kind = 'comment' as const;

  /**
   * @param value - the comment text after the `#`, leading space included.
   * @param inline - true for a comment that stood on the same line as a value.
   */
  constructor(
    public value: string,
    public inline = false,
  ) {}
}

/**
 * A timestamp leaf (sops type `time`). The text is kept exactly, because sops
 * encrypts Go's `time.Time.MarshalText` output (RFC 3339 with nanoseconds) and
 * a JavaScript `Date` would drop precision beyond milliseconds.
 */
export class Timestamp {
  readonly kind = 'time' as const;

  constructor(public readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/**
 * A floating-point leaf (sops type `float`). Plain JavaScript numbers are
 * floats too. This wrapper serves stores that keep the source text of a
 * number, while the cipher still encrypts the value sops would encrypt.
 */
export class FloatValue {
  readonly kind = 'float' as const;

  constructor(
    public readonly value: number,
    /** The number as written in the source file, when a store keeps it. */
    public readonly source?: string,
  ) {}
}

/**
 * A leaf value. The sops type of each:
 * - `string` → `str`
 * - `bigint` → `int` (decimal text, no 2^53 limit)
 * - `number` or {@link FloatValue} → `float`
 * - `boolean` → `bool`
 * - `Uint8Array` → `bytes`
 * - {@link Timestamp} → `time`
 * - `null` → never encrypted, walked over
 */
export type Scalar = string | bigint | number | FloatValue | boolean | Uint8Array | Timestamp | null;

/** One entry of a mapping: a key and its value, or a comment line. */
export type TreeItem =
  | { key: string; value: TreeValue }
  | { key: Comment; value: null };

/** An ordered mapping. */
export interface TreeBranch {
  readonly kind: 'branch';
  items: TreeItem[];
}

/** A sequence; comments sit between the elements they precede or follow. */
export interface TreeList {
  readonly kind: 'list';
  items: Array<TreeValue | Comment>;
}

/** Any node of the tree. */
export type TreeValue = Scalar | TreeBranch | TreeList;

/** A whole file: one branch per YAML document, exactly one for other stores. */
export type TreeBranches = TreeBranch[];

/** Creates a mapping node. */
export function branch(items: TreeItem[] = []): TreeBranch {
  return { kind: 'branch', items };
}

/** Creates a sequence node. */
export function list(items: Array<TreeValue | Comment> = []): TreeList {
  return { kind: 'list', items };
}

export function isBranch(value: unknown): value is TreeBranch {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'branch';
}

export function isList(value: unknown): value is TreeList {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'list';
}

export function isComment(value: unknown): value is Comment {
  return value instanceof Comment;
}
