/*
 * Converts a sops tree into go-yaml nodes and events the way sops 3.13.2's
 * YAML store does (appendTreeBranch, appendSequence, treeValueToNode and
 * the addComments helpers), then writes them with go-yaml's layout.
 */
import {
  AzkvError,
  FloatValue,
  isBranch,
  isComment,
  isList,
  Timestamp,
  type Comment,
  type TreeBranch,
  type TreeBranches,
  type TreeList,
  type TreeValue,
} from '@azkv/core';
import { formatYamlFloat, stringNodeStyle, type WriteStyle } from './emit-scalar.js';
import { YamlEmitter, type EmitEvent } from './emitter.js';
import { parseYamlTimestamp } from './timestamp.js';

interface OutNode {
  kind: 'mapping' | 'sequence' | 'scalar';
  value: string;
  style: WriteStyle;
  /** Explicit tag of a scalar, such as `!!binary`. */
  tag?: string;
  content: OutNode[];
  head: string;
  line: string;
  foot: string;
}

function node(kind: OutNode['kind'], value = '', style: WriteStyle = 'plain'): OutNode {
  return { kind, value, style, content: [], head: '', line: '', foot: '' };
}

/** Joins sops comments into go-yaml comment text: `#` before each, LF between. */
function commentText(comments: string[]): string {
  return comments.length === 0 ? '' : `#${comments.join('\n#')}`;
}

function addHead(target: OutNode, comments: string[]): void {
  const text = commentText(comments);
  if (text !== '') {
    target.head = target.head === '' ? text : `${text}\n${target.head}`;
  }
}

function addAfter(target: OutNode, field: 'line' | 'foot', comments: string[]): void {
  const text = commentText(comments);
  if (text !== '') {
    target[field] = target[field] === '' ? text : `${target[field]}\n${text}`;
  }
}

/**
 * Builds the node of a string. go-yaml writes a multi-line string that
 * starts with a tab as a literal block that it cannot read back, so sops
 * writes `null` (or fails) in its place. This store raises an error instead.
 */
function stringNode(text: string, path: string[]): OutNode {
  const style = stringNodeStyle(text);
  if (style === 'literal' && text.startsWith('\t')) {
    const where = path.length === 0 ? 'the top level' : `'${path.join('.')}'`;
    throw new AzkvError(
      'ERR_UNSUPPORTED_VALUE',
      `cannot write the multi-line string at ${where} as YAML: it starts with a tab, which sops 3.13.2 would replace with null`,
      { hint: 'start the value with another character, or use the JSON format' },
    );
  }
  return node('scalar', text, style);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Encodes bytes as go-yaml's encodeBase64: standard base64 on one line when
 * it is shorter than 70 characters, otherwise in lines of 70 characters that
 * each end with a line break.
 */
function encodeGoYamlBase64(bytes: Uint8Array): string {
  const LINE_LENGTH = 70;
  const encoded = Buffer.from(bytes).toString('base64');
  if (encoded.length < LINE_LENGTH) {
    return encoded;
  }
  const lines: string[] = [];
  for (let start = 0; start < encoded.length; start += LINE_LENGTH) {
    lines.push(`${encoded.slice(start, start + LINE_LENGTH)}\n`);
  }
  return lines.join('');
}

/** Builds the node `yaml.Node.Encode(value)` gives for a leaf. */
function scalarNode(value: TreeValue, path: string[]): OutNode {
  if (value === null) {
    return node('scalar', 'null');
  }
  if (typeof value === 'string') {
    return stringNode(value, path);
  }
  if (typeof value === 'bigint') {
    return node('scalar', value.toString());
  }
  if (typeof value === 'number') {
    return node('scalar', formatYamlFloat(value));
  }
  if (value instanceof FloatValue) {
    return node('scalar', formatYamlFloat(value.value));
  }
  if (typeof value === 'boolean') {
    return node('scalar', value ? 'true' : 'false');
  }
  if (value instanceof Timestamp) {
    // NOTE: go-yaml tags a time whose text does not read back as a time
    // (a year before 0) with `!!timestamp`. Such times are rejected here.
    if (parseYamlTimestamp(value.text) === undefined) {
      throw new Error(`the timestamp '${value.text}' cannot be written as YAML`);
    }
    return node('scalar', value.text);
  }
  if (value instanceof Uint8Array) {
    if (!isUtf8(value)) {
      // sops decrypts a str value whose bytes are not UTF-8 into a Go string
      // with invalid UTF-8, which go-yaml writes as base64 tagged !!binary.
      const encoded = encodeGoYamlBase64(value);
      return { ...node('scalar', encoded, encoded.includes('\n') ? 'literal' : 'plain'), tag: '!!binary' };
    }
    // go-yaml encodes a Go []byte (sops type bytes) as a sequence of its byte values.
    const sequence = node('sequence');
    sequence.content = Array.from(value, (byte) => node('scalar', String(byte)));
    return sequence;
  }
  throw new Error('unexpected value in a sops tree');
}

function valueNode(value: TreeValue, path: string[]): OutNode {
  if (isBranch(value)) {
    return mappingNode(value, path);
  }
  if (isList(value)) {
    return sequenceNode(value, path);
  }
  return scalarNode(value, path);
}

function mappingNode(tree: TreeBranch, path: string[]): OutNode {
  const mapping = node('mapping');
  let head: string[] = [];
  let inline: string[] = [];
  for (const item of tree.items) {
    if (isComment(item.key)) {
      (item.key.inline ? inline : head).push(item.key.value);
      continue;
    }
    if (mapping.content.length === 0) {
      addHead(mapping, head);
      head = [];
    }
    const key = stringNode(item.key, path);
    addHead(key, head);
    head = [];
    const child = valueNode(item.value, [...path, item.key]);
    addAfter(child, 'line', inline);
    inline = [];
    mapping.content.push(key, child);
  }
  const rest = [...head, ...inline];
  const lastKey = mapping.content[mapping.content.length - 2];
  if (lastKey === undefined) {
    addHead(mapping, rest);
  } else {
    addAfter(lastKey, 'foot', rest);
  }
  return mapping;
}

function sequenceNode(tree: TreeList, path: string[]): OutNode {
  const sequence = node('sequence');
  let head: string[] = [];
  let inline: string[] = [];
  for (const item of tree.items) {
    if (isComment(item)) {
      ((item as Comment).inline ? inline : head).push((item as Comment).value);
      continue;
    }
    if (sequence.content.length === 0) {
      addHead(sequence, head);
      head = [];
    }
    const child = valueNode(item, [...path, String(sequence.content.length)]);
    addHead(child, head);
    head = [];
    addAfter(child, 'line', inline);
    inline = [];
    sequence.content.push(child);
  }
  const rest = [...head, ...inline];
  const last = sequence.content[sequence.content.length - 1];
  if (last === undefined) {
    addHead(sequence, rest);
  } else {
    addAfter(last, 'foot', rest);
  }
  return sequence;
}

function event(kind: EmitEvent['kind'], fields: Partial<EmitEvent> = {}): EmitEvent {
  return { kind, value: '', style: 'plain', head: '', line: '', foot: '', tail: '', ...fields };
}

/** Produces the events go-yaml's encoder sends for a node (encode.go `node`). */
function nodeEvents(target: OutNode, tail: string, events: EmitEvent[]): void {
  switch (target.kind) {
    case 'scalar':
      events.push(
        event('scalar', {
          value: target.value,
          style: target.style,
          head: target.head,
          line: target.line,
          foot: target.foot,
          tail,
          ...(target.tag === undefined ? {} : { tag: target.tag }),
        }),
      );
      return;
    case 'sequence':
      events.push(event('sequence-start', { head: target.head }));
      target.content.forEach((child) => nodeEvents(child, '', events));
      events.push(event('sequence-end', { line: target.line, foot: target.foot }));
      return;
    case 'mapping': {
      events.push(event('mapping-start', { head: target.head, tail }));
      // A key's foot comment is written only after its value, as the tail
      // of the next key or of the mapping end.
      let pendingTail = '';
      for (let i = 0; i + 1 < target.content.length; i += 2) {
        const key = target.content[i] as OutNode;
        const foot = key.foot;
        nodeEvents(foot === '' ? key : { ...key, foot: '' }, pendingTail, events);
        pendingTail = foot;
        nodeEvents(target.content[i + 1] as OutNode, '', events);
      }
      events.push(event('mapping-end', { tail: pendingTail, line: target.line, foot: target.foot }));
    }
  }
}

/**
 * Writes documents as sops' EmitPlainFile does: go-yaml v3 with the given
 * indentation, `---` between documents, nothing for an empty list.
 */
export function emitYamlDocuments(branches: TreeBranches, indent: number): string {
  const events: EmitEvent[] = [];
  for (const document of branches) {
    events.push(event('document-start'));
    nodeEvents(mappingNode(document, []), '', events);
    events.push(event('document-end'));
  }
  return new YamlEmitter(indent).emit(events);
}

/** Writes one value as sops' EmitValue does (`yaml.Marshal` of its node, indentation 4). */
export function emitYamlValue(value: TreeValue): string {
  const events = [event('document-start')];
  nodeEvents(valueNode(value, []), '', events);
  events.push(event('document-end'));
  return new YamlEmitter(4).emit(events);
}
