import {
  branch,
  FloatValue,
  isBranch,
  isList,
  list,
  Timestamp,
  type ParseError,
  type TreeBranch,
  type TreeList,
  type TreeValue,
} from '@azkv/core';
import { ParseError as TomlParserError, parseTOML, type AST } from 'toml-eslint-parser';
import { decodeTomlSource, tomlSyntaxError } from './source.js';

/** The TOML version this store reads and writes. */
export const TOML_VERSION = '1.0.0';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses a TOML 1.0.0 document into a tree:
 * - tables, inline tables and dotted keys become branches, with keys in the
 *   order of their first definition in the file;
 * - arrays and arrays of tables become lists;
 * - integers become `bigint`; TOML limits them to 64 bits, as sops does;
 * - floats become {@link FloatValue} with their source text, so `1.0`,
 *   `1e3` and `inf` are written back as they were;
 * - offset date-times become {@link Timestamp} with the text as written,
 *   except that a space or lower-case `t` between date and time becomes `T`
 *   and a lower-case `z` becomes `Z`, so that Go's RFC 3339 parser (which
 *   sops uses for its `time` type) reads it;
 * - local date-times, dates and times become {@link Timestamp} with the text
 *   as written. They have no UTC offset, so sops cannot encrypt them.
 *
 * NOTE: comments are not kept: the tree of a TOML file has no Comment items.
 *
 * Throws ParseError with a 1-based line and column, and the offending line,
 * for invalid UTF-8 and invalid TOML, including keys defined twice and
 * integers outside the 64-bit range.
 */
export function parseTomlDocument(input: Uint8Array): TreeBranch {
  const text = decodeTomlSource(input);
  let program: AST.TOMLProgram;
  try {
    program = parseTOML(text, { tomlVersion: TOML_VERSION });
  } catch (error) {
    if (error instanceof TomlParserError) {
      throw tomlSyntaxError(text, error.index, describeParserError(error.message));
    }
    throw error;
  }
  return new TreeBuilder(text).build(program);
}

// The parser's messages start with a capital letter and have no position.
function describeParserError(message: string): string {
  return message.charAt(0).toLowerCase() + message.slice(1);
}

function keyName(part: AST.TOMLBare | AST.TOMLQuoted): string {
  return part.type === 'TOMLBare' ? part.name : part.value;
}

/** Turns the parser's syntax tree into the document tree. */
class TreeBuilder {
  /** The keys of every branch built so far, so that headers find their table without a linear search. */
  private readonly keys = new WeakMap<TreeBranch, Map<string, TreeValue>>();

  constructor(private readonly text: string) {}

  build(program: AST.TOMLProgram): TreeBranch {
    const root = branch();
    const [topLevel] = program.body;
    for (const node of topLevel.body) {
      if (node.type === 'TOMLKeyValue') {
        this.addKeyValue(root, node);
      } else {
        this.addTable(root, node);
      }
    }
    return root;
  }

  /** Adds the table that a `[header]` or `[[header]]` opens, then its key/values. */
  private addTable(root: TreeBranch, table: AST.TOMLTable): void {
    const names = table.key.keys.map(keyName);
    const last = names.pop()!;
    let parent = root;
    for (const name of names) {
      parent = this.descend(parent, name, table);
    }

    let target: TreeBranch;
    if (table.kind === 'array') {
      const existing = this.lookup(parent, last);
      const tables = existing ?? list();
      if (existing === undefined) {
        this.put(parent, last, tables);
      } else if (!isList(existing)) {
        throw this.unexpected(table, `'${last}' is not an array of tables`);
      }
      target = branch();
      (tables as TreeList).items.push(target);
    } else {
      target = this.descend(parent, last, table);
    }
    for (const keyValue of table.body) {
      this.addKeyValue(target, keyValue);
    }
  }

  /**
   * Returns the table `name` of `parent`, creating it when missing. For an
   * array of tables it returns the last table, as TOML's headers do.
   */
  private descend(parent: TreeBranch, name: string, node: AST.TOMLNode): TreeBranch {
    const existing = this.lookup(parent, name);
    if (existing === undefined) {
      const created = branch();
      this.put(parent, name, created);
      return created;
    }
    if (isBranch(existing)) {
      return existing;
    }
    if (isList(existing)) {
      const lastTable = existing.items.at(-1);
      if (isBranch(lastTable)) {
        return lastTable;
      }
    }
    throw this.unexpected(node, `'${name}' is not a table`);
  }

  /** Adds `a.b.c = value` to `table`, creating the tables of a dotted key. */
  private addKeyValue(table: TreeBranch, node: AST.TOMLKeyValue): void {
    const names = node.key.keys.map(keyName);
    const last = names.pop()!;
    let target = table;
    for (const name of names) {
      target = this.descend(target, name, node);
    }
    this.put(target, last, this.convert(node.value));
  }

  private lookup(table: TreeBranch, key: string): TreeValue | undefined {
    return this.keys.get(table)?.get(key);
  }

  private put(table: TreeBranch, key: string, value: TreeValue): void {
    let keys = this.keys.get(table);
    if (keys === undefined) {
      keys = new Map();
      this.keys.set(table, keys);
    }
    keys.set(key, value);
    table.items.push({ key, value });
  }

  private convert(node: AST.TOMLContentNode): TreeValue {
    switch (node.type) {
      case 'TOMLArray':
        return list(node.elements.map((element) => this.convert(element)));
      case 'TOMLInlineTable': {
        const table = branch();
        for (const keyValue of node.body) {
          this.addKeyValue(table, keyValue);
        }
        return table;
      }
      default:
        return this.convertScalar(node);
    }
  }

  private convertScalar(node: AST.TOMLValue): TreeValue {
    switch (node.kind) {
      case 'string':
      case 'boolean':
        return node.value;
      case 'integer':
        if (node.bigint < INT64_MIN || node.bigint > INT64_MAX) {
          throw tomlSyntaxError(this.text, node.range[0], `the integer ${node.number} is outside the 64-bit range of TOML`, {
            code: 'ERR_UNSUPPORTED_VALUE',
            hint: 'quote the number to keep it as a string',
          });
        }
        return node.bigint;
      case 'float':
        // The source slice keeps the underscores that `node.number` drops.
        return new FloatValue(node.value, this.text.slice(node.range[0], node.range[1]));
      case 'offset-date-time':
        return new Timestamp(normalizeOffsetDateTime(node.datetime));
      default:
        return new Timestamp(node.datetime);
    }
  }

  // The parser rejects redefinitions before this point, so this means that
  // the parser and this builder disagree about the TOML rules.
  private unexpected(node: AST.TOMLNode, description: string): ParseError {
    return tomlSyntaxError(this.text, node.range[0], description);
  }
}

/** Rewrites the separator and zone letter that RFC 3339 allows but Go's parser does not. */
function normalizeOffsetDateTime(text: string): string {
  return `${text.slice(0, 10)}T${text.slice(11)}`.replace(/z$/, 'Z');
}
