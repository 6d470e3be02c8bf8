import { branch, list, type ParseError, type TreeBranch, type TreeList, type TreeValue } from '@azkv/core';
import { METADATA_KEY } from '../embed.js';
import { convertJsonNumber, JSON_NUMBER_PATTERN } from './number.js';
import { invalidUtf8Error, jsonSyntaxError, positionAt } from './position.js';
import { readJsonString } from './string.js';
import { decodeUtf8Strict, findInvalidUtf8 } from './utf8.js';

/**
 * The repeated keys inside one object that the parser rejects:
 * - `all`: every repeated key (plaintext input);
 * - `metadata`: only a repeated top-level `sops` key and repeated keys inside
 *   the `sops` object (encrypted input).
 */
export type DuplicateKeyPolicy = 'all' | 'metadata';

/**
 * Nesting limit of objects and arrays, the top-level object included. Go's
 * `encoding/json` scanner rejects deeper input, so sops cannot read it either.
 */
export const MAX_NESTING_DEPTH = 10_000;

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

interface Frame {
  node: TreeBranch | TreeList;
  /** Keys seen so far in an object, with the offset of their first occurrence. */
  keys: Map<string, number> | undefined;
  /** The top-level key this container sits under; undefined for the top-level object. */
  topKey: string | undefined;
}

/** Parser state between tokens: just after `{`/`[`, after a `,`, or after a value. */
type State = 'opened' | 'member' | 'value';

/**
 * Parses a JSON file into a tree the way sops' JSON store does: key order is
 * kept, numbers become bigint (int64 integers) or number (everything else),
 * and the top level must be an object.
 *
 * Deliberately stricter than sops, which would silently accept these:
 * - a repeated key (sops keeps both entries), see {@link DuplicateKeyPolicy};
 * - content after the top-level object (sops ignores it);
 * - bytes that are not UTF-8 and `\u` escapes of lone surrogates (sops
 *   replaces both with U+FFFD).
 * A leading UTF-8 byte order mark is skipped, although sops rejects it.
 *
 * Throws ParseError with a 1-based line and column.
 */
export function parseJsonTree(input: Uint8Array, duplicateKeys: DuplicateKeyPolicy): TreeBranch {
  return new JsonTreeParser(decodeJsonInput(input), duplicateKeys).parseDocument();
}

/**
 * Decodes JSON input as UTF-8 after skipping a leading byte order mark.
 * Throws ParseError naming the position of the first byte that is not UTF-8.
 */
export function decodeJsonInput(input: Uint8Array): string {
  let bytes = input;
  if (UTF8_BOM.every((byte, index) => bytes[index] === byte)) {
    bytes = bytes.subarray(UTF8_BOM.length);
  }
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) {
    throw invalidUtf8Error(bytes, findInvalidUtf8(bytes));
  }
  return text;
}

/** A parsed value and the UTF-16 offsets of its text. */
export interface ParsedValue {
  value: TreeValue;
  start: number;
  end: number;
}

/** The JSON parser behind {@link parseJsonTree}; one instance parses one text. */
export class JsonTreeParser {
  private offset = 0;

  constructor(
    private readonly text: string,
    private readonly duplicateKeys: DuplicateKeyPolicy,
  ) {}

  /** Parses a whole file, which must contain one object. */
  parseDocument(): TreeBranch {
    this.skipWhitespace();
    if (this.offset >= this.text.length) {
      throw this.error('the file is empty, but a JSON file for sops must contain an object');
    }
    if (this.text[this.offset] !== '{') {
      throw this.topLevelError();
    }
    const root = this.parseContainerTree() as TreeBranch;
    this.expectEnd('the top-level object');
    return root;
  }

  /**
   * Parses a whole text that contains one value of any kind. Integers come
   * back as bigint like inside a file, so the caller decides their type.
   */
  parseSingleValue(): ParsedValue {
    this.skipWhitespace();
    if (this.offset >= this.text.length) {
      throw this.error('the value is empty');
    }
    const start = this.offset;
    const char = this.text[this.offset];
    const value = char === '{' || char === '[' ? this.parseContainerTree() : this.parseScalar();
    const end = this.offset;
    this.expectEnd('the value');
    return { value, start, end };
  }

  private expectEnd(what: string): void {
    this.skipWhitespace();
    if (this.offset < this.text.length) {
      throw this.error(`unexpected content after ${what}; the input must contain exactly one JSON value`);
    }
  }

  /**
   * Parses the object or array at the current offset. It keeps an explicit
   * stack, so that deep nesting cannot overflow the call stack.
   */
  private parseContainerTree(): TreeBranch | TreeList {
    const root = this.text[this.offset] === '{' ? branch() : list();
    const keys = root.kind === 'branch' ? new Map<string, number>() : undefined;
    const stack: Frame[] = [{ node: root, keys, topKey: undefined }];
    this.offset += 1;
    let state: State = 'opened';

    for (;;) {
      const frame = stack[stack.length - 1]!;
      const isObject = frame.node.kind === 'branch';
      const closing = isObject ? '}' : ']';
      this.skipWhitespace();
      const char = this.text[this.offset];

      if (state === 'value' || (state === 'opened' && char === closing)) {
        if (char === closing) {
          this.offset += 1;
          stack.pop();
          if (stack.length === 0) {
            return root;
          }
          state = 'value';
          continue;
        }
        if (char !== ',') {
          throw this.error(`expected ',' or '${closing}' after ${isObject ? 'an object member' : 'an array element'}`);
        }
        this.offset += 1;
        state = 'member';
        continue;
      }

      let key: string | undefined;
      if (isObject) {
        key = this.parseKey(frame, stack.length === 1);
      }
      const value = this.parseValueStart(stack.length, key === undefined ? frame.topKey : frame.topKey ?? key);
      if (key === undefined) {
        (frame.node as TreeList).items.push(value.node);
      } else {
        (frame.node as TreeBranch).items.push({ key, value: value.node });
      }
      if (value.frame === undefined) {
        state = 'value';
      } else {
        stack.push(value.frame);
        state = 'opened';
      }
    }
  }

  /** Reads `"key":` and applies the duplicate key policy. */
  private parseKey(frame: Frame, isTopLevel: boolean): string {
    if (this.text[this.offset] !== '"') {
      const found = this.offset >= this.text.length ? 'end of file' : `'${this.text[this.offset]!}'`;
      throw this.error(`expected a string key in double quotes, found ${found}`);
    }
    const keyOffset = this.offset;
    const key = this.parseString();
    const firstOffset = frame.keys!.get(key);
    if (firstOffset === undefined) {
      frame.keys!.set(key, keyOffset);
    } else if (this.rejectsDuplicate(key, frame, isTopLevel)) {
      const first = positionAt(this.text, firstOffset);
      throw this.error(
        `duplicate key ${JSON.stringify(key)} (first defined at line ${first.line}, column ${first.column}); ` +
          'remove or rename one of them',
        keyOffset,
      );
    }
    this.skipWhitespace();
    if (this.text[this.offset] !== ':') {
      throw this.error(`expected ':' after the key ${JSON.stringify(key)}`);
    }
    this.offset += 1;
    this.skipWhitespace();
    return key;
  }

  private rejectsDuplicate(key: string, frame: Frame, isTopLevel: boolean): boolean {
    if (this.duplicateKeys === 'all') {
      return true;
    }
    return isTopLevel ? key === METADATA_KEY : frame.topKey === METADATA_KEY;
  }

  /**
   * Parses a scalar, or creates the empty container for `{` or `[` and returns
   * the frame that collects its members.
   */
  private parseValueStart(depth: number, topKey: string | undefined): { node: TreeValue; frame?: Frame } {
    const char = this.text[this.offset];
    if (char === '{' || char === '[') {
      if (depth >= MAX_NESTING_DEPTH) {
        throw this.error(`objects and arrays are nested more than ${MAX_NESTING_DEPTH} levels deep`);
      }
      this.offset += 1;
      const node = char === '{' ? branch() : list();
      return { node, frame: { node, keys: char === '{' ? new Map() : undefined, topKey } };
    }
    return { node: this.parseScalar() };
  }

  private parseScalar(): TreeValue {
    const char = this.text[this.offset];
    if (char === '"') {
      return this.parseString();
    }
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
      return this.parseNumber();
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.offset)) {
        this.offset += word.length;
        return value;
      }
    }
    if (char === undefined) {
      throw this.error('unexpected end of file, expected a value');
    }
    throw this.error(`unexpected character '${char}', expected a value`);
  }

  private parseNumber(): bigint | number {
    const start = this.offset;
    JSON_NUMBER_PATTERN.lastIndex = start;
    const match = JSON_NUMBER_PATTERN.exec(this.text);
    const next = match === null ? undefined : this.text[start + match[0].length];
    if (match === null || (next !== undefined && /[0-9.eE+-]/.test(next))) {
      const token = /^[-+0-9.eExXa-fA-F]*/.exec(this.text.slice(start, start + 40))![0];
      throw this.error(`invalid number '${token}'`, start);
    }
    const converted = convertJsonNumber(match[0], match[1] === undefined && match[2] === undefined);
    if (!converted.ok) {
      throw this.error(converted.reason, start);
    }
    this.offset += match[0].length;
    return converted.value;
  }

  /** Parses the string at the current offset (on its opening quote). */
  private parseString(): string {
    const { value, end } = readJsonString(this.text, this.offset, (description, offset) => this.error(description, offset));
    this.offset = end;
    return value;
  }

  private skipWhitespace(): void {
    for (;;) {
      const char = this.text[this.offset];
      if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') {
        return;
      }
      this.offset += 1;
    }
  }

  private topLevelError(): ParseError {
    const char = this.text[this.offset]!;
    const hint = 'wrap the content in an object, for example {"data": ...}';
    if (char === '[') {
      return this.error(`sops needs an object at the top level, but the file contains an array; ${hint}`);
    }
    // Parse the scalar first, so that a syntax error inside it is reported as such.
    const start = this.offset;
    const value = this.parseScalar();
    let kind: string = typeof value;
    if (value === null) {
      kind = 'null';
    } else if (typeof value === 'bigint') {
      kind = 'number';
    }
    return this.error(`sops needs an object at the top level, but the file contains a ${kind}; ${hint}`, start);
  }

  private error(description: string, offset = this.offset): ParseError {
    return jsonSyntaxError(this.text, offset, description);
  }
}
