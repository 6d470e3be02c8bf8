/*
 * Builds the sops tree from go-yaml nodes the way sops 3.13.2 does
 * (stores/yaml/store.go): which comments of a node become tree comments,
 * in which order, and which of them are marked inline.
 */
import {
  AzkvError,
  branch,
  Comment,
  list,
  ParseError,
  Timestamp,
  type Scalar,
  type TreeBranch,
  type TreeBranches,
  type TreeItem,
  type TreeValue,
} from '@azkv/core';
import { YamlComposer, type YamlNode } from './compose.js';
import { DecodeChecker, decodeBinary, isIndicatedString } from './decode-check.js';
import { decodeYamlInput } from './reader.js';
import { BINARY, BOOL, FLOAT, INT, NULL, resolveScalar, STR, TIMESTAMP } from './resolve.js';

/** Splits a go-yaml comment into sops comments: one per non-empty line, without the `#`. */
function commentLines(text: string, inline: boolean): Comment[] {
  if (text === '') {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => new Comment(line.slice(1), inline));
}

function mapComments(text: string, inline = false): TreeItem[] {
  return commentLines(text, inline).map((comment) => ({ key: comment, value: null }));
}

const TYPE_NAMES: Record<string, string> = {
  [INT]: 'an integer',
  [FLOAT]: 'a float',
  [BOOL]: 'a boolean',
  [NULL]: 'null',
  [TIMESTAMP]: 'a timestamp',
};

class TreeBuilder {
  constructor(private readonly composer: YamlComposer) {}

  private error(node: YamlNode, problem: string, code?: 'ERR_UNSUPPORTED_VALUE'): ParseError {
    const error = this.composer.error(node.mark, problem);
    return code === undefined ? error : new ParseError(error.message, { line: node.line, column: node.column }, { code });
  }

  /** Decodes a scalar (or an alias of one) as go-yaml decodes it into a Go interface value. */
  scalarValue(node: YamlNode, path: string[]): Scalar | TreeValue {
    if (node.kind === 'alias' && node.alias !== undefined) {
      return this.scalarValue(node.alias, path);
    }
    if (isIndicatedString(node)) {
      return node.value;
    }
    const resolved = resolveScalar(node.tag, node.value);
    switch (resolved.tag) {
      case STR:
        return resolved.value as string;
      case INT: {
        const { value, unsigned } = resolved as { value: bigint; unsigned: boolean };
        if (unsigned) {
          throw this.error(
            node,
            `the integer ${value} at '${path.join('.')}' is larger than 9223372036854775807, which sops cannot encrypt; quote it to keep it as text`,
            'ERR_UNSUPPORTED_VALUE',
          );
        }
        return value;
      }
      case FLOAT:
        return resolved.value as number;
      case BOOL:
        return resolved.value as boolean;
      case NULL:
        return null;
      case TIMESTAMP:
        return new Timestamp((resolved.value as { text: string }).text);
      case BINARY:
        return this.binaryText(node);
      default:
        return resolved.value as string;
    }
  }

  private binaryText(node: YamlNode): string {
    const bytes = decodeBinary(node.value) ?? new Uint8Array();
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw this.error(
        node,
        'the !!binary value is not UTF-8 text, which this tool cannot keep as a sops string',
        'ERR_UNSUPPORTED_VALUE',
      );
    }
  }

  private keyText(node: YamlNode): string {
    const target = node.kind === 'alias' && node.alias !== undefined ? node.alias : node;
    if (target.kind !== 'scalar') {
      throw this.error(node, `a ${target.kind} cannot be a mapping key; sops supports only string keys`, 'ERR_UNSUPPORTED_VALUE');
    }
    const key = this.scalarValue(node, []);
    if (typeof key === 'string') {
      return key;
    }
    const kind = TYPE_NAMES[resolveScalar(target.tag, target.value).tag] ?? 'not a string';
    throw this.error(
      node,
      `the mapping key '${target.value}' is ${kind}, but sops supports only string keys; quote the key`,
      'ERR_UNSUPPORTED_VALUE',
    );
  }

  /** sops' nodeToTreeValue. */
  treeValue(node: YamlNode, commentsHandled: boolean, path: string[]): TreeValue {
    switch (node.kind) {
      case 'sequence': {
        const result = list();
        if (!commentsHandled) {
          result.items.push(...commentLines(node.headComment, false), ...commentLines(node.lineComment, false));
        }
        for (const item of node.content) {
          result.items.push(...commentLines(item.headComment, false), ...commentLines(item.lineComment, true));
          result.items.push(this.treeValue(item, true, path));
          result.items.push(...commentLines(item.footComment, false));
        }
        if (!commentsHandled) {
          result.items.push(...commentLines(node.footComment, false));
        }
        return result;
      }
      case 'mapping':
        return this.appendToBranch(node, branch(), commentsHandled, path);
      case 'alias':
        return node.alias === undefined ? null : this.treeValue(node.alias, false, path);
      case 'scalar':
        return this.scalarValue(node, path);
      case 'document':
        throw new Error('a document node cannot be a value');
    }
  }

  /** sops' appendYamlNodeToTreeBranch. */
  appendToBranch(node: YamlNode, target: TreeBranch, commentsHandled: boolean, path: string[]): TreeBranch {
    const items = target.items;
    if (!commentsHandled) {
      items.push(...mapComments(node.headComment), ...mapComments(node.lineComment));
    }
    switch (node.kind) {
      case 'document':
        for (const child of node.content) {
          this.appendToBranch(child, target, false, path);
        }
        break;
      case 'sequence':
        throw this.error(node, 'YAML documents that are sequences are not supported; the top level must be a mapping');
      case 'mapping':
        for (let i = 0; i + 1 < node.content.length; i += 2) {
          this.appendPair(node.content[i] as YamlNode, node.content[i + 1] as YamlNode, items, path);
        }
        break;
      case 'scalar':
        if (resolveScalar(node.tag, node.value).tag === NULL && !isIndicatedString(node)) {
          return target;
        }
        throw this.error(node, 'YAML documents that are values are not supported; the top level must be a mapping');
      case 'alias':
        if (node.alias !== undefined) {
          this.appendToBranch(node.alias, target, false, path);
        }
        break;
    }
    if (!commentsHandled) {
      items.push(...mapComments(node.footComment));
    }
    return target;
  }

  private appendPair(key: YamlNode, value: YamlNode, items: TreeItem[], path: string[]): void {
    items.push(...mapComments(key.headComment), ...mapComments(key.lineComment));
    const valueCommentsHere = value.kind === 'scalar' || value.kind === 'alias';
    if (valueCommentsHere) {
      items.push(...mapComments(value.headComment), ...mapComments(value.lineComment, true));
    }
    const keyText = this.keyText(key);
    const child = this.treeValue(value, valueCommentsHere, [...path, keyText]);
    items.push({ key: keyText, value: child });
    if (valueCommentsHere) {
      items.push(...mapComments(value.footComment));
    }
    items.push(...mapComments(key.footComment));
  }
}

/**
 * Parses YAML bytes into one tree per document, as sops' YAML store does.
 * Throws ParseError for invalid YAML, duplicate keys, non-mapping documents
 * and values sops cannot handle (non-string keys, integers above int64).
 */
export function loadYamlDocuments(input: Uint8Array): TreeBranches {
  const composer = new YamlComposer(decodeYamlInput(input));
  const builder = new TreeBuilder(composer);
  const documents: TreeBranches = [];
  for (let document = composer.nextDocument(); document !== undefined; document = composer.nextDocument()) {
    new DecodeChecker(composer).check(document);
    try {
      documents.push(builder.appendToBranch(document, branch(), false, []));
    } catch (error) {
      if (error instanceof AzkvError && documents.length > 0) {
        error.message = `${error.message} (in document ${documents.length + 1})`;
      }
      throw error;
    }
  }
  if (documents.length === 0 && input.length > 0) {
    // sops fails here too: its first decode finds no document and returns EOF.
    throw new ParseError('the YAML file contains no document, only comments or blank lines', {});
  }
  return documents;
}
