/*
 * The checks that sops gets from decoding a document into a Go map before
 * it walks the nodes: duplicate keys, merge keys, alias loops and alias
 * bombs, and scalars that fail their explicit tag. sops runs them on the
 * first document only; this store runs them on every document, so a later
 * document cannot hide a duplicate key.
 */
import { ParseError } from '@azkv/core';
import type { YamlComposer, YamlNode } from './compose.js';
import { BINARY, MERGE, resolveScalar, ResolveError, shortTag, STR } from './resolve.js';

// go-yaml's alias budget: up to 99% of decode steps may come from aliases in
// small documents, scaling down to 10% between 400,000 and 4,000,000 steps.
const ALIAS_RATIO_LOW = 400_000;
const ALIAS_RATIO_HIGH = 4_000_000;

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_LOW) {
    return 0.99;
  }
  if (decodeCount >= ALIAS_RATIO_HIGH) {
    return 0.1;
  }
  return 0.99 - (0.89 * (decodeCount - ALIAS_RATIO_LOW)) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW);
}

/** True for a `<<` key that go-yaml treats as a merge key. */
export function isMergeKey(node: YamlNode): boolean {
  return node.kind === 'scalar' && node.value === '<<' && shortTag(node.tag) === MERGE;
}

/** Returns true when the scalar node reads as a string whatever its text, as go-yaml's `indicatedString`. */
export function isIndicatedString(node: YamlNode): boolean {
  if (node.kind !== 'scalar') {
    return false;
  }
  if (node.tag === STR) {
    return true;
  }
  return !node.tagged && node.style !== 'plain';
}

/** Decodes `!!binary` content; undefined when it is not valid base64 (LF and CR are ignored, as in Go). */
export function decodeBinary(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
    return undefined;
  }
  return Uint8Array.from(Buffer.from(compact, 'base64'));
}

export class DecodeChecker {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly activeAliases = new Set<YamlNode>();

  constructor(private readonly composer: YamlComposer) {}

  private fail(node: YamlNode, problem: string): ParseError {
    return this.composer.error(node.mark, problem);
  }

  check(node: YamlNode): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) {
      this.aliasCount++;
    }
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      throw this.fail(node, 'the document contains excessive aliasing');
    }
    switch (node.kind) {
      case 'document':
      case 'sequence':
        node.content.forEach((child) => this.check(child));
        return;
      case 'alias':
        this.checkAlias(node);
        return;
      case 'mapping':
        this.checkMapping(node);
        return;
      case 'scalar':
        this.checkScalar(node);
        return;
    }
  }

  private checkAlias(node: YamlNode): void {
    const target = node.alias;
    if (target === undefined) {
      return;
    }
    if (this.activeAliases.has(node)) {
      throw this.fail(node, `anchor '${node.value}' value contains itself`);
    }
    this.activeAliases.add(node);
    this.aliasDepth++;
    this.check(target);
    this.aliasDepth--;
    this.activeAliases.delete(node);
  }

  private checkMapping(node: YamlNode): void {
    const content = node.content;
    // go-yaml compares every pair of keys and reports, first, the earliest key
    // that repeats, at its second occurrence. One pass with a map finds the
    // same pair without the quadratic scan, which large files made slow.
    const firstSeen = new Map<string, { node: YamlNode; index: number }>();
    let duplicate: { first: YamlNode; second: YamlNode; firstIndex: number } | undefined;
    for (let i = 0; i < content.length; i += 2) {
      const key = content[i];
      if (key === undefined) {
        continue;
      }
      const identity = `${key.kind}\u0000${key.value}`;
      const first = firstSeen.get(identity);
      if (first === undefined) {
        firstSeen.set(identity, { node: key, index: i });
        continue;
      }
      if (duplicate === undefined || first.index < duplicate.firstIndex) {
        duplicate = { first: first.node, second: key, firstIndex: first.index };
      }
    }
    if (duplicate !== undefined) {
      throw this.fail(duplicate.second, `mapping key "${duplicate.second.value}" already defined at line ${duplicate.first.line}`);
    }
    let merge: YamlNode | undefined;
    for (let i = 0; i + 1 < content.length; i += 2) {
      const key = content[i] as YamlNode;
      const value = content[i + 1] as YamlNode;
      if (isMergeKey(key)) {
        merge = value;
        continue;
      }
      this.check(key);
      this.check(value);
    }
    if (merge !== undefined) {
      this.checkMerge(merge);
    }
  }

  private checkMerge(merge: YamlNode): void {
    const isMapping = (node: YamlNode): boolean =>
      node.kind === 'mapping' || (node.kind === 'alias' && node.alias?.kind === 'mapping');
    const valid =
      isMapping(merge) || (merge.kind === 'sequence' && merge.content.every((item) => isMapping(item)));
    if (!valid) {
      throw this.fail(merge, 'map merge requires map or sequence of maps as the value');
    }
    if (merge.kind === 'sequence') {
      merge.content.forEach((item) => this.check(item));
    } else {
      this.check(merge);
    }
  }

  private checkScalar(node: YamlNode): void {
    if (isIndicatedString(node)) {
      return;
    }
    try {
      const resolved = resolveScalar(node.tag, node.value);
      if (resolved.tag === BINARY && decodeBinary(node.value) === undefined) {
        throw this.fail(node, '!!binary value contains invalid base64 data');
      }
    } catch (error) {
      if (error instanceof ResolveError) {
        throw this.fail(node, error.message);
      }
      throw error;
    }
  }
}
