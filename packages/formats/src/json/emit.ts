import {
  AzkvError,
  ExitCode,
  FloatValue,
  isBranch,
  isComment,
  isList,
  Timestamp,
  type TreeBranch,
  type TreeList,
  type TreeValue,
} from '@azkv/core';
import { formatGoJsonFloat } from './number.js';
import { MAX_NESTING_DEPTH } from './parse.js';
import { forEachUtf8Run } from './utf8.js';

/**
 * Characters that Go's `json.Marshal` escapes. Besides the JSON-mandated
 * quote, backslash and control characters, it escapes `<`, `>` and `&` (HTML
 * safety) and U+2028/U+2029 (JavaScript safety). sops writes every key and
 * string through `json.Marshal`, so these escapes are part of its format.
 * A lone surrogate cannot be encoded as UTF-8. Go writes `\ufffd` for the
 * invalid bytes such a string would contain, so it gets the same escape here.
 */
const ESCAPED_CHARACTER =
  /["\\\u0000-\u001f<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '\\"'],
  ['\\', '\\\\'],
  ['\b', '\\b'],
  ['\f', '\\f'],
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
]);

function escapeCharacter(char: string): string {
  const short = SHORT_ESCAPES.get(char);
  if (short !== undefined) {
    return short;
  }
  const code = char.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff) {
    return '\\ufffd';
  }
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Quotes a string as Go's `json.Marshal` does. */
export function quoteGoJsonString(value: string): string {
  return `"${value.replace(ESCAPED_CHARACTER, escapeCharacter)}"`;
}

/**
 * Quotes raw bytes as Go's `json.Marshal` quotes a Go string that contains them:
 * valid UTF-8 is written as text, and every byte that is not part of a valid
 * sequence becomes `\ufffd`.
 */
export function quoteGoJsonBytes(bytes: Uint8Array): string {
  const parts: string[] = ['"'];
  forEachUtf8Run(
    bytes,
    (text) => parts.push(text.replace(ESCAPED_CHARACTER, escapeCharacter)),
    () => parts.push('\\ufffd'),
  );
  parts.push('"');
  return parts.join('');
}

/** Formats a tree path for messages, as `["key"][0]`. */
function formatPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) {
    return 'the top level';
  }
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `[${JSON.stringify(part)}]`)).join('');
}

function unsupportedValue(path: ReadonlyArray<string | number>, reason: string): AzkvError {
  return new AzkvError('ERR_UNSUPPORTED_VALUE', `cannot write the value at ${formatPath(path)} as JSON: ${reason}`, {
    exitCode: ExitCode.ErrorDumpingTree,
  });
}

/**
 * Writes a tree value in the layout sops produces: it builds compact JSON with
 * `json.Marshal` for every leaf and then re-indents it with Go's `json.Indent`.
 * The result has one member or element per line, `": "` after each key,
 * `{}` and `[]` for empty containers, and no trailing newline. Comments are
 * dropped, because JSON has none.
 *
 * Leaves are written as:
 * - string, and Timestamp (its RFC 3339 text): a JSON string;
 * - Uint8Array: a JSON string of its bytes, as sops writes the binary store's
 *   `data` value (a Go string); invalid UTF-8 becomes `\ufffd`;
 * - bigint: decimal; number and FloatValue: Go's float format;
 * - boolean and null: the JSON literals.
 *
 * Throws AzkvError ERR_UNSUPPORTED_VALUE for NaN, the infinities, other
 * object types, and nesting deeper than Go's limit of
 * {@link MAX_NESTING_DEPTH} levels.
 *
 * @param indent - the string for one level of indentation.
 */
export function formatJsonValue(value: TreeValue, indent: string): string {
  const parts: string[] = [];
  const path: Array<string | number> = [];
  // An explicit stack instead of recursion, because Go's depth limit is deep
  // enough to overflow the JavaScript call stack.
  const stack: Frame[] = [];

  const start = (node: TreeValue, depth: number): void => {
    if (!isBranch(node) && !isList(node)) {
      parts.push(formatLeaf(node, path));
      path.pop();
      return;
    }
    if (depth >= MAX_NESTING_DEPTH) {
      throw unsupportedValue(path, `objects and arrays are nested more than ${MAX_NESTING_DEPTH} levels deep`);
    }
    parts.push(node.kind === 'branch' ? '{' : '[');
    stack.push({ container: node, next: 0, written: 0, depth });
  };

  start(value, 0);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const member = nextMember(frame);
    if (member === undefined) {
      if (frame.written > 0) {
        parts.push(`\n${indent.repeat(frame.depth)}`);
      }
      parts.push(frame.container.kind === 'branch' ? '}' : ']');
      stack.pop();
      path.pop();
      continue;
    }

    parts.push(frame.written === 0 ? '' : ',', `\n${indent.repeat(frame.depth + 1)}`);
    if (typeof member.key === 'string') {
      parts.push(quoteGoJsonString(member.key), ': ');
    }
    frame.written += 1;
    path.push(member.key);
    start(member.value, frame.depth + 1);
  }
  return parts.join('');
}

/** A container being written and the position of its next item. */
interface Frame {
  container: TreeBranch | TreeList;
  next: number;
  written: number;
  depth: number;
}

/** Returns the next item of a container that is not a comment, with its key or list index. */
function nextMember(frame: Frame): { key: string | number; value: TreeValue } | undefined {
  const items = frame.container.items;
  while (frame.next < items.length) {
    const index = frame.next;
    const item = items[index]!;
    frame.next += 1;
    if (frame.container.kind === 'branch') {
      const entry = item as TreeBranch['items'][number];
      if (!isComment(entry.key)) {
        return { key: entry.key, value: entry.value };
      }
    } else if (!isComment(item)) {
      return { key: index, value: item as TreeValue };
    }
  }
  return undefined;
}

function formatLeaf(value: Exclude<TreeValue, TreeBranch | TreeList>, path: Array<string | number>): string {
  switch (typeof value) {
    case 'string':
      return quoteGoJsonString(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatFloat(value, path);
    default:
      break;
  }
  if (value === null) {
    return 'null';
  }
  if (value instanceof Uint8Array) {
    return quoteGoJsonBytes(value);
  }
  if (value instanceof FloatValue) {
    return formatFloat(value.value, path);
  }
  if (value instanceof Timestamp) {
    return quoteGoJsonString(value.text);
  }
  throw unsupportedValue(path, `unsupported value type ${describeType(value)}`);
}

function formatFloat(value: number, path: Array<string | number>): string {
  const text = formatGoJsonFloat(value);
  if (text === undefined) {
    throw unsupportedValue(path, `${String(value)} has no JSON representation`);
  }
  return text;
}

function describeType(value: unknown): string {
  if (typeof value !== 'object' || value === null) {
    return typeof value;
  }
  return value.constructor?.name ?? 'object';
}
