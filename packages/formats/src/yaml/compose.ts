import type { ParseError } from '@azkv/core';
import { EventParser, type YamlEvent } from './parser.js';
import { YamlReader, type Mark } from './reader.js';
import { implicitTag, MAP, MERGE, SEQ, shortTag, STR } from './resolve.js';
import { Scanner } from './scanner.js';
import type { ScalarStyle } from './tokens.js';

/**
 * A node as go-yaml v3 builds it (`yaml.Node`), with the comments where
 * go-yaml attaches them. sops reads its tree from these nodes.
 */
export interface YamlNode {
  kind: 'document' | 'sequence' | 'mapping' | 'scalar' | 'alias';
  /** Short tag (`!!str`); the resolved tag for untagged plain scalars. */
  tag: string;
  /** True when the tag was written in the file. */
  tagged: boolean;
  style: ScalarStyle | 'block' | 'flow';
  value: string;
  anchor: string;
  alias?: YamlNode;
  content: YamlNode[];
  headComment: string;
  lineComment: string;
  footComment: string;
  /** 1-based position of the node's first character (its anchor or tag, if any). */
  line: number;
  column: number;
  /** 0-based position, for error messages. */
  mark: Mark;
}

/** Reads the documents of a YAML stream one at a time, as go-yaml's Decoder does. */
export class YamlComposer {
  readonly reader: YamlReader;
  private readonly parser: EventParser;
  private current: YamlEvent | undefined;
  private anchors = new Map<string, YamlNode>();

  constructor(text: string) {
    this.reader = new YamlReader(text);
    this.parser = new EventParser(new Scanner(this.reader));
    this.expect('stream-start');
  }

  error(mark: Mark, problem: string): ParseError {
    return this.reader.error(mark, problem);
  }

  /** Returns the next document node, or undefined at the end of the stream. */
  nextDocument(): YamlNode | undefined {
    const event = this.peek();
    if (event === undefined || event.kind === 'stream-end') {
      return undefined;
    }
    this.anchors = new Map();
    return this.parseNode();
  }

  private peek(): YamlEvent | undefined {
    this.current ??= this.parser.next();
    return this.current;
  }

  private expect(kind: YamlEvent['kind']): YamlEvent {
    const event = this.peek();
    if (event?.kind !== kind) {
      throw new Error(`the YAML parser produced ${event?.kind ?? 'nothing'} where ${kind} was expected`);
    }
    this.current = undefined;
    return event;
  }

  private node(kind: YamlNode['kind'], defaultTag: string, event: YamlEvent): YamlNode {
    let tag = event.tag;
    let tagged = false;
    if (tag !== '' && tag !== '!') {
      tag = shortTag(tag);
      tagged = true;
    } else if (defaultTag !== '') {
      tag = defaultTag;
    } else if (kind === 'scalar') {
      tag = implicitTag(event.value);
    }
    return {
      kind,
      tag,
      tagged,
      style: event.style,
      value: event.value,
      anchor: event.anchor,
      content: [],
      headComment: event.head,
      lineComment: event.line,
      footComment: event.foot,
      line: event.start.line + 1,
      column: event.start.column + 1,
      mark: event.start,
    };
  }

  private parseNode(): YamlNode {
    const event = this.peek();
    if (event === undefined) {
      throw new Error('the YAML parser ended in the middle of a document');
    }
    switch (event.kind) {
      case 'document-start':
        return this.parseDocument(event);
      case 'scalar':
        return this.parseScalar(event);
      case 'alias':
        return this.parseAlias(event);
      case 'sequence-start':
        return this.parseSequence(event);
      case 'mapping-start':
        return this.parseMapping(event);
      default:
        throw new Error(`unexpected YAML event ${event.kind}`);
    }
  }

  private parseDocument(event: YamlEvent): YamlNode {
    const document = this.node('document', '', event);
    this.expect('document-start');
    document.content.push(this.parseNode());
    const end = this.expect('document-end');
    document.footComment = end.foot;
    return document;
  }

  private register(node: YamlNode): void {
    if (node.anchor !== '') {
      this.anchors.set(node.anchor, node);
    }
  }

  private parseAlias(event: YamlEvent): YamlNode {
    const alias = this.node('alias', '', { ...event, value: event.anchor });
    alias.anchor = '';
    alias.alias = this.anchors.get(event.anchor);
    if (alias.alias === undefined) {
      throw this.error(event.start, `unknown anchor '${event.anchor}' referenced`);
    }
    this.expect('alias');
    return alias;
  }

  private parseScalar(event: YamlEvent): YamlNode {
    let defaultTag = '';
    if (event.style !== 'plain') {
      defaultTag = STR;
    } else if (event.value === '<<') {
      defaultTag = MERGE;
    }
    const scalar = this.node('scalar', defaultTag, event);
    this.register(scalar);
    this.expect('scalar');
    return scalar;
  }

  private parseSequence(event: YamlEvent): YamlNode {
    const sequence = this.node('sequence', SEQ, event);
    this.register(sequence);
    this.expect('sequence-start');
    while (this.peek()?.kind !== 'sequence-end') {
      sequence.content.push(this.parseNode());
    }
    const end = this.expect('sequence-end');
    sequence.lineComment = end.line;
    sequence.footComment = end.foot;
    return sequence;
  }

  private parseMapping(event: YamlEvent): YamlNode {
    const mapping = this.node('mapping', MAP, event);
    const block = event.style !== 'flow';
    this.register(mapping);
    this.expect('mapping-start');
    const content = mapping.content;
    while (this.peek()?.kind !== 'mapping-end') {
      const key = this.parseNode();
      content.push(key);
      if (block && key.footComment !== '' && content.length > 2) {
        // go-yaml moves a key's foot comment two nodes back.
        const target = content[content.length - 3];
        if (target !== undefined) {
          target.footComment = key.footComment;
          key.footComment = '';
        }
      }
      const value = this.parseNode();
      content.push(value);
      if (key.footComment === '' && value.footComment !== '') {
        key.footComment = value.footComment;
        value.footComment = '';
      }
    }
    const end = this.expect('mapping-end');
    mapping.lineComment = end.line;
    mapping.footComment = end.foot;
    if (block && mapping.footComment !== '' && content.length > 1) {
      const lastKey = content[content.length - 2];
      if (lastKey !== undefined) {
        lastKey.footComment = mapping.footComment;
        mapping.footComment = '';
      }
    }
    return mapping;
  }
}
