import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar } from 'yaml';
import type { GoValue } from './types.js';
import { goBool, goInt, goInterfaceValue, resolveScalar, ScalarTagError, scalarText, type ResolvedScalar } from './yaml-scalars.js';

/** A YAML node as found in a parsed document. Null and undefined stand for a missing value. */
export type YamlNode = Node | null | undefined;

/** Stops decoding, as go-yaml's fatal errors stop `yaml.Unmarshal`. */
export class FatalDecodeError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

const MERGE_VALUE_ERROR = 'the value of a << merge key must be a mapping or a list of mappings';

/** A value that does not fit its field. `message` names the field path and both types. */
export interface DecodeIssue {
  line: number | undefined;
  message: string;
}

/** Decodes the value of one struct field at `path`. */
export type FieldDecoder = (node: YamlNode, path: string) => void;

/**
 * Decodes YAML nodes into typed values with the rules go-yaml v3 applies when
 * it fills Go structs, because sops accepts or rejects `.sops.yaml` by those
 * rules. A null leaves a string, number, boolean or struct unchanged and sets
 * a list or `interface{}` to nil. Unknown struct fields are ignored. A value
 * of the wrong type is recorded in {@link errors} and decoding goes on, so
 * one run reports every type error. Aliases and `<<` merge keys are followed.
 */
export class GoStyleDecoder {
  /** Type errors found so far, in document order. */
  readonly errors: DecodeIssue[] = [];

  private readonly activeAliases = new Set<Node>();
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;

  constructor(
    private readonly document: Document.Parsed,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Returns the 1-based line where a node starts, or undefined for a missing node. */
  lineOf(node: YamlNode): number | undefined {
    if (node === null || node === undefined || node.range === undefined || node.range === null) {
      return undefined;
    }
    return this.lineCounter.linePos(node.range[0]).line;
  }

  /**
   * Follows aliases and counts the work, then passes the target node on. The
   * alias budget is go-yaml's: once more than 100 aliases and 1000 nodes are
   * decoded, aliases may make up 99% of the work up to 400,000 decoded
   * nodes, falling to 10% at 4,000,000. That stops "billion laughs" files.
   */
  private visit<T>(node: YamlNode, decode: (target: YamlNode) => T): T {
    this.decodeCount++;
    if (this.aliasDepth > 0) {
      this.aliasCount++;
    }
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new FatalDecodeError('the document expands too many aliases', this.lineOf(node));
    }
    if (!isAlias(node)) {
      return decode(node);
    }

    const target = node.resolve(this.document);
    if (target === undefined) {
      throw new FatalDecodeError(`alias *${node.source} refers to no anchor`, this.lineOf(node));
    }
    if (this.activeAliases.has(node)) {
      throw new FatalDecodeError(`alias *${node.source} is inside the value of its own anchor`, this.lineOf(node));
    }
    this.activeAliases.add(node);
    this.aliasDepth++;
    try {
      return this.visit(target, decode);
    } finally {
      this.aliasDepth--;
      this.activeAliases.delete(node);
    }
  }

  private resolve(scalar: Scalar): ResolvedScalar {
    try {
      return resolveScalar(scalar);
    } catch (error) {
      if (error instanceof ScalarTagError) {
        throw new FatalDecodeError(error.message, this.lineOf(scalar));
      }
      throw error;
    }
  }

  private typeError(node: YamlNode, path: string, expected: string): void {
    this.errors.push({ line: this.lineOf(node), message: `${path === '' ? 'document' : path}: expected ${expected}, got ${this.describe(node)}` });
  }

  private describe(node: YamlNode): string {
    if (isSeq(node)) {
      return 'a list';
    }
    if (isMap(node)) {
      return 'a mapping';
    }
    if (!isScalar(node)) {
      return 'nothing';
    }
    const resolved = this.resolve(node);
    const text = scalarText(node);
    const excerpt = text.length > 40 ? `${text.slice(0, 37)}...` : text;
    return `!!${resolved.tag} ${JSON.stringify(excerpt)}`;
  }

  private isNull(node: YamlNode): boolean {
    return node === null || node === undefined || (isScalar(node) && this.resolve(node).tag === 'null');
  }

  /** Decodes a Go `string` field, which takes the text of any scalar. Undefined means "leave unchanged". */
  string(node: YamlNode, path: string): string | undefined {
    return this.visit(node, (target) => {
      if (this.isNull(target)) {
        return undefined;
      }
      if (!isScalar(target)) {
        this.typeError(target, path, 'a string');
        return undefined;
      }
      this.resolve(target);
      return scalarText(target);
    });
  }

  /** Decodes a Go `int` field with the conversions of {@link goInt}. Undefined means "leave unchanged". */
  int(node: YamlNode, path: string): number | undefined {
    return this.visit(node, (target) => {
      if (this.isNull(target)) {
        return undefined;
      }
      const value = isScalar(target) ? goInt(this.resolve(target)) : undefined;
      if (value !== undefined) {
        return value;
      }
      this.typeError(target, path, 'an integer');
      return undefined;
    });
  }

  /** Decodes a Go `bool` field with the conversions of {@link goBool}. Undefined means "leave unchanged". */
  bool(node: YamlNode, path: string): boolean | undefined {
    return this.visit(node, (target) => {
      if (this.isNull(target)) {
        return undefined;
      }
      const value = isScalar(target) ? goBool(this.resolve(target)) : undefined;
      if (value !== undefined) {
        return value;
      }
      this.typeError(target, path, 'true or false');
      return undefined;
    });
  }

  /**
   * Decodes a Go `interface{}` field. Lists keep the types of their items,
   * but nested lists and mappings are reduced to their Go type name, since
   * sops rejects them in key fields without looking inside.
   */
  any(node: YamlNode, _path: string): GoValue {
    return this.visit(node, (target) => {
      if (isSeq(target)) {
        return { kind: 'list', items: target.items.map((item) => this.visit(item as YamlNode, (element) => this.shallowValue(element))) };
      }
      return this.shallowValue(target);
    });
  }

  private shallowValue(node: YamlNode): GoValue {
    if (isSeq(node)) {
      return { kind: 'other', goType: '[]interface {}' };
    }
    if (isMap(node)) {
      return { kind: 'other', goType: 'map[string]interface {}' };
    }
    if (!isScalar(node)) {
      return { kind: 'nil' };
    }
    return goInterfaceValue(this.resolve(node));
  }

  /**
   * Checks a Go `map[string]*string` field: a mapping whose values are
   * scalars or null. Only type errors come out, because azkv reads no such
   * map. `<<` keys are skipped without a check.
   */
  checkStringMap(node: YamlNode, path: string): void {
    this.visit(node, (target) => {
      if (this.isNull(target)) {
        return;
      }
      if (!isMap(target)) {
        this.typeError(target, path, 'a mapping');
        return;
      }
      for (const pair of target.items) {
        const key = pair.key as YamlNode;
        if (isMergeKey(key)) {
          continue;
        }
        const name = this.string(key, `${path} key`);
        if (name !== undefined) {
          this.string(pair.value as YamlNode, `${path}.${name}`);
        }
      }
    });
  }

  /**
   * Decodes a Go slice field. Returns null for a YAML null (a nil slice) and
   * undefined after a type error. Items whose decoder returns undefined are
   * dropped, as go-yaml drops items it cannot decode (a null in a list of
   * strings, for example).
   */
  list<T>(node: YamlNode, path: string, item: (node: YamlNode, path: string) => T | undefined): T[] | null | undefined {
    return this.visit(node, (target) => {
      if (this.isNull(target)) {
        return null;
      }
      if (!isSeq(target)) {
        this.typeError(target, path, 'a list');
        return undefined;
      }
      const result: T[] = [];
      target.items.forEach((element, index) => {
        const value = item(element as YamlNode, `${path}[${index}]`);
        if (value !== undefined) {
          result.push(value);
        }
      });
      return result;
    });
  }

  /**
   * Decodes a Go struct from a mapping, calling the decoder of each known
   * field. Returns false when the node is null or not a mapping. Keys of a
   * `<<` merge apply only where the mapping itself does not set the field,
   * and the first merged mapping wins, as in go-yaml.
   */
  struct(node: YamlNode, path: string, fields: Readonly<Record<string, FieldDecoder>>): boolean {
    return this.visit(node, (target) => {
      if (this.isNull(target)) {
        return false;
      }
      if (!isMap(target)) {
        this.typeError(target, path, 'a mapping');
        return false;
      }
      this.structFields(target, path, fields, undefined);
      return true;
    });
  }

  private structFields(
    map: Node,
    path: string,
    fields: Readonly<Record<string, FieldDecoder>>,
    mergedNames: Set<string> | undefined,
  ): void {
    if (!isMap(map)) {
      return;
    }
    let mergeValue: YamlNode;
    let hasMerge = false;
    const keyNames: string[] = [];

    for (const pair of map.items) {
      const key = pair.key as YamlNode;
      if (isMergeKey(key)) {
        mergeValue = pair.value as YamlNode;
        hasMerge = true;
        continue;
      }
      const name = this.string(key, `${path} key`);
      if (name === undefined) {
        continue;
      }
      keyNames.push(name);
      if (mergedNames !== undefined) {
        if (mergedNames.has(name)) {
          continue;
        }
        mergedNames.add(name);
      }
      const decodeField = Object.hasOwn(fields, name) ? fields[name] : undefined;
      decodeField?.(pair.value as YamlNode, path === '' ? name : `${path}.${name}`);
    }

    if (!hasMerge) {
      return;
    }
    const names = mergedNames ?? new Set(keyNames);
    this.visit(mergeValue, (target) => {
      // An inline list may contain aliases to mappings, but an alias must
      // name a mapping itself, not a list of them.
      if (!isMap(target) && (!isSeq(target) || isAlias(mergeValue))) {
        throw new FatalDecodeError(MERGE_VALUE_ERROR, this.lineOf(target));
      }
      const sources = isSeq(target) ? target.items.map((item) => item as YamlNode) : [target];
      for (const source of sources) {
        this.visit(source, (merged) => {
          if (!isMap(merged)) {
            throw new FatalDecodeError(MERGE_VALUE_ERROR, this.lineOf(merged));
          }
          this.structFields(merged, path, fields, names);
        });
      }
    });
  }
}

/** Returns whether a key is a merge key: a plain `<<` with no tag, `!` or `!!merge`. A quoted `"<<"` is an ordinary key. */
function isMergeKey(key: YamlNode): boolean {
  const tag = isScalar(key) ? key.tag : undefined;
  return (
    isScalar(key) &&
    key.type === 'PLAIN' &&
    scalarText(key) === '<<' &&
    (tag === undefined || tag === '!' || tag === 'tag:yaml.org,2002:merge')
  );
}

function allowedAliasRatio(decodeCount: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodeCount <= low) {
    return 0.99;
  }
  if (decodeCount >= high) {
    return 0.1;
  }
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low));
}
