import { isBranch, isComment, isList, type Comment, type TreeBranch, type TreeItem, type TreeList, type TreeValue } from '@azkv/core';
import {
  decodeBytes,
  formatKeyPath,
  formatMultilineString,
  formatScalar,
  unsupportedValue,
  type TreePath,
} from './scalars.js';

/**
 * Tells whether a value can be written under a `[table]` or `[[array]]`
 * header: a branch, or a non-empty list whose elements are all branches
 * (comments between them aside).
 */
export function isHeaderValue(value: TreeValue): boolean {
  if (isBranch(value)) {
    return true;
  }
  if (!isList(value)) {
    return false;
  }
  const elements = value.items.filter((element) => !isComment(element));
  return elements.length > 0 && elements.every(isBranch);
}

/**
 * Returns the index where the trailing run of header values of a table
 * starts. The items before it are written as key/value lines, because TOML
 * puts every key/value of a table before the headers of its sub-tables.
 * Comment lines directly before a header value belong to the run, so they
 * are written above that header; an inline comment stays with its line.
 */
function headerRunStart(items: readonly TreeItem[]): number {
  let start = items.length;
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index]!;
    if (isComment(item.key)) {
      continue;
    }
    if (!isHeaderValue(item.value)) {
      break;
    }
    start = index;
  }
  while (start > 0 && start < items.length) {
    const previous = items[start - 1]!.key;
    if (!isComment(previous) || previous.inline) {
      break;
    }
    start -= 1;
  }
  return start;
}

/**
 * Writes a tree as a TOML 1.0.0 document that reads back into the same tree,
 * key order included:
 * - the key/values of a table come first. A branch among them is written
 *   with dotted keys (`server.port = 8080`), and a list of branches as an
 *   array of inline tables, so that the order stays as it is;
 * - the trailing branches and lists of branches of a table get `[table]`
 *   and `[[array]]` headers;
 * - comments become `#` lines, and an inline comment follows its value on the
 *   same line. Comments inside inline tables and arrays of scalars on one
 *   line are dropped, because TOML has no place for them there.
 *
 * Throws AzkvError ERR_UNSUPPORTED_VALUE for values TOML cannot hold, such
 * as `null`, naming the path of the value.
 */
export function formatTomlDocument(root: TreeBranch): string {
  const writer = new TomlWriter();
  writer.writeTable(root, [], []);
  return writer.result();
}

class TomlWriter {
  private readonly lines: string[] = [];
  /** Whether the last line is a key/value line that an inline comment may follow. */
  private lastLineTakesComment = false;

  result(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }

  /**
   * Writes the body of a table and then its sub-tables. `keys` is the header
   * path of the table (empty for the top level); `path` is its tree path.
   */
  writeTable(table: TreeBranch, keys: readonly string[], path: TreePath): void {
    const runStart = headerRunStart(table.items);
    for (const item of table.items.slice(0, runStart)) {
      if (isComment(item.key)) {
        this.writeComment(item.key, path);
      } else {
        this.writeKeyValue([item.key], item.value, [...path, item.key]);
      }
    }

    const pending: Comment[] = [];
    for (const item of table.items.slice(runStart)) {
      if (isComment(item.key)) {
        pending.push(item.key);
        continue;
      }
      const childKeys = [...keys, item.key];
      const childPath = [...path, item.key];
      if (isBranch(item.value)) {
        this.writeSubTable(item.value, childKeys, childPath, pending.splice(0));
      } else {
        this.writeArrayOfTables(item.value as TreeList, childKeys, childPath, pending.splice(0));
      }
    }
  }

  private writeSubTable(table: TreeBranch, keys: readonly string[], path: TreePath, comments: Comment[]): void {
    // A table with only sub-tables needs no header of its own: TOML creates
    // it implicitly from `[a.b]`.
    const implicit =
      comments.length === 0 && table.items.length > 0 && headerRunStart(table.items) === 0 && !isComment(table.items[0]!.key);
    if (!implicit) {
      this.startSection(comments, path);
      this.lines.push(`[${formatKeyPath(keys, path)}]`);
      this.lastLineTakesComment = true;
    }
    this.writeTable(table, keys, path);
  }

  private writeArrayOfTables(tables: TreeList, keys: readonly string[], path: TreePath, comments: Comment[]): void {
    let index = 0;
    for (const element of tables.items) {
      if (isComment(element)) {
        comments.push(element);
        continue;
      }
      const elementPath = [...path, index];
      this.startSection(comments.splice(0), elementPath);
      this.lines.push(`[[${formatKeyPath(keys, elementPath)}]]`);
      this.lastLineTakesComment = true;
      this.writeTable(element as TreeBranch, keys, elementPath);
      index += 1;
    }
    // Comments after the last table have no header to stand before.
    for (const comment of comments) {
      this.writeComment(comment, path);
    }
  }

  /** Separates a new header from what precedes it by a blank line and writes its leading comments. */
  private startSection(comments: readonly Comment[], path: TreePath): void {
    if (this.lines.length > 0) {
      this.lines.push('');
    }
    this.lastLineTakesComment = false;
    for (const comment of comments) {
      this.writeComment(comment, path);
    }
  }

  /**
   * Writes `keys = value`, or, for a non-empty branch, one dotted key/value
   * line per leaf so that the branch keeps its place among its siblings.
   */
  private writeKeyValue(keys: readonly string[], value: TreeValue, path: TreePath): void {
    if (isBranch(value) && value.items.some((item) => !isComment(item.key))) {
      for (const item of value.items) {
        if (isComment(item.key)) {
          this.writeComment(item.key, path);
        } else {
          this.writeKeyValue([...keys, item.key], item.value, [...path, item.key]);
        }
      }
      return;
    }
    const key = formatKeyPath(keys, path);
    if (typeof value === 'string' && value.includes('\n')) {
      this.lines.push(`${key} = ${formatMultilineString(value, path)}`);
    } else if (value instanceof Uint8Array && value.includes(0x0a)) {
      this.lines.push(`${key} = ${formatMultilineString(decodeBytes(value, path), path)}`);
    } else {
      this.lines.push(`${key} = ${this.formatInline(value, path)}`);
    }
    this.lastLineTakesComment = true;
  }

  /** Writes a value on one line: scalars, arrays and inline tables. */
  private formatInline(value: TreeValue, path: TreePath): string {
    if (isList(value)) {
      const elements: string[] = [];
      let index = 0;
      for (const element of value.items) {
        if (!isComment(element)) {
          elements.push(this.formatInline(element, [...path, index]));
          index += 1;
        }
      }
      return `[${elements.join(', ')}]`;
    }
    if (isBranch(value)) {
      const entries: string[] = [];
      for (const item of value.items) {
        if (!isComment(item.key)) {
          entries.push(`${formatKeyPath([item.key], path)} = ${this.formatInline(item.value, [...path, item.key])}`);
        }
      }
      return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
    }
    return formatScalar(value, path);
  }

  private writeComment(comment: Comment, path: TreePath): void {
    // TOML comments end at the line break and may not hold control characters other than tab.
    if (/[\u0000-\u0008\u000A-\u001F\u007F]/.test(comment.value)) {
      throw unsupportedValue(path, 'a comment contains a line break or control character, which a TOML comment cannot hold');
    }
    if (comment.inline && this.lastLineTakesComment) {
      this.lines[this.lines.length - 1] += ` #${comment.value}`;
    } else {
      this.lines.push(`#${comment.value}`);
    }
    this.lastLineTakesComment = false;
  }
}
