import type { ParseError } from '@azkv/core';
import type { Mark } from './reader.js';
import type { Scanner } from './scanner.js';
import { ZERO_MARK, type ScalarStyle, type Token, type TokenKind } from './tokens.js';

export type EventKind =
  | 'stream-start'
  | 'stream-end'
  | 'document-start'
  | 'document-end'
  | 'alias'
  | 'scalar'
  | 'sequence-start'
  | 'sequence-end'
  | 'mapping-start'
  | 'mapping-end';

export interface YamlEvent {
  kind: EventKind;
  start: Mark;
  end: Mark;
  anchor: string;
  /** The full tag after %TAG expansion, '' when none was written. */
  tag: string;
  value: string;
  style: ScalarStyle | 'block' | 'flow';
  head: string;
  line: string;
  foot: string;
}

type State =
  | 'stream-start'
  | 'implicit-document-start'
  | 'document-start'
  | 'document-content'
  | 'document-end'
  | 'block-node'
  | 'block-node-or-indentless-sequence'
  | 'flow-node'
  | 'block-sequence-first-entry'
  | 'block-sequence-entry'
  | 'indentless-sequence-entry'
  | 'block-mapping-first-key'
  | 'block-mapping-key'
  | 'block-mapping-value'
  | 'flow-sequence-first-entry'
  | 'flow-sequence-entry'
  | 'flow-sequence-entry-mapping-key'
  | 'flow-sequence-entry-mapping-value'
  | 'flow-sequence-entry-mapping-end'
  | 'flow-mapping-first-key'
  | 'flow-mapping-key'
  | 'flow-mapping-value'
  | 'flow-mapping-empty-value'
  | 'end';

const DEFAULT_TAG_HANDLES: ReadonlyArray<[string, string]> = [
  ['!', '!'],
  ['!!', 'tag:yaml.org,2002:'],
];

/**
 * Turns tokens into events, with go-yaml v3's rules for handing the scanned
 * comments to events: comments are collected when a token is peeked, and
 * most events take all comments collected so far.
 */
export class EventParser {
  private state: State = 'stream-start';
  private readonly states: State[] = [];
  private readonly marks: Mark[] = [];
  private tagHandles: Array<[string, string]> = [];
  private headComment = '';
  private lineComment = '';
  private footComment = '';
  private stemComment = '';

  constructor(private readonly scanner: Scanner) {}

  private error(mark: Mark, problem: string, context?: string): ParseError {
    return this.scanner.error(mark, problem, context);
  }

  /** Returns the next event, or undefined after the stream end. */
  next(): YamlEvent | undefined {
    return this.state === 'end' ? undefined : this.dispatch();
  }

  private peek(): Token {
    const token = this.scanner.peekToken();
    this.collectComments(token);
    return token;
  }

  private skip(): void {
    this.scanner.skipToken();
  }

  /** Moves the comments that precede `token` into the pending comment texts. */
  private collectComments(token: Token): void {
    const s = this.scanner;
    for (; s.commentsHead < s.comments.length; s.commentsHead++) {
      const comment = s.comments[s.commentsHead];
      if (comment === undefined || token.start.index < comment.tokenMark.index) {
        break;
      }
      if (comment.head !== '') {
        if (token.kind === 'block-end') {
          // A head comment waits for the token after the block end.
          break;
        }
        this.headComment = join(this.headComment, comment.head);
      }
      if (comment.foot !== '') {
        this.footComment = join(this.footComment, comment.foot);
      }
      if (comment.line !== '') {
        this.lineComment = join(this.lineComment, comment.line);
      }
      Object.assign(comment, { scanMark: ZERO_MARK, tokenMark: ZERO_MARK, startMark: ZERO_MARK, endMark: ZERO_MARK });
      Object.assign(comment, { head: '', line: '', foot: '' });
    }
  }

  private event(kind: EventKind, start: Mark, end: Mark, fields: Partial<YamlEvent> = {}): YamlEvent {
    return { kind, start, end, anchor: '', tag: '', value: '', style: 'plain', head: '', line: '', foot: '', ...fields };
  }

  /** Hands all pending comments to `event`. */
  private takeComments(event: YamlEvent): YamlEvent {
    event.head = this.headComment;
    event.line = this.lineComment;
    event.foot = this.footComment;
    this.headComment = '';
    this.lineComment = '';
    this.footComment = '';
    this.stemComment = '';
    return event;
  }

  private popState(): void {
    this.state = this.states.pop() ?? 'end';
  }

  private emptyScalar(mark: Mark): YamlEvent {
    return this.event('scalar', mark, mark);
  }

  private dispatch(): YamlEvent {
    switch (this.state) {
      case 'stream-start': {
        const token = this.peek();
        if (token.kind !== 'stream-start') {
          throw this.error(token.start, 'did not find expected <stream-start>');
        }
        this.state = 'implicit-document-start';
        this.skip();
        return this.event('stream-start', token.start, token.end);
      }
      case 'implicit-document-start':
        return this.documentStart(true);
      case 'document-start':
        return this.documentStart(false);
      case 'document-content': {
        const token = this.peek();
        const ends: TokenKind[] = ['version-directive', 'tag-directive', 'document-start', 'document-end', 'stream-end'];
        if (ends.includes(token.kind)) {
          this.popState();
          return this.emptyScalar(token.start);
        }
        return this.node(true, false);
      }
      case 'document-end':
        return this.documentEnd();
      case 'block-node':
        return this.node(true, false);
      case 'block-node-or-indentless-sequence':
        return this.node(true, true);
      case 'flow-node':
        return this.node(false, false);
      case 'block-sequence-first-entry':
        return this.blockSequenceEntry(true);
      case 'block-sequence-entry':
        return this.blockSequenceEntry(false);
      case 'indentless-sequence-entry':
        return this.indentlessSequenceEntry();
      case 'block-mapping-first-key':
        return this.blockMappingKey(true);
      case 'block-mapping-key':
        return this.blockMappingKey(false);
      case 'block-mapping-value':
        return this.blockMappingValue();
      case 'flow-sequence-first-entry':
        return this.flowSequenceEntry(true);
      case 'flow-sequence-entry':
        return this.flowSequenceEntry(false);
      case 'flow-sequence-entry-mapping-key':
        return this.flowSequenceEntryMappingKey();
      case 'flow-sequence-entry-mapping-value':
        return this.flowSequenceEntryMappingValue();
      case 'flow-sequence-entry-mapping-end': {
        const token = this.peek();
        this.state = 'flow-sequence-entry';
        return this.event('mapping-end', token.start, token.start);
      }
      case 'flow-mapping-first-key':
        return this.flowMappingKey(true);
      case 'flow-mapping-key':
        return this.flowMappingKey(false);
      case 'flow-mapping-value':
        return this.flowMappingValue(false);
      case 'flow-mapping-empty-value':
        return this.flowMappingValue(true);
      case 'end':
        throw new Error('the YAML parser was asked for an event after the stream end');
    }
  }

  private documentStart(implicit: boolean): YamlEvent {
    let token = this.peek();
    if (!implicit) {
      while (token.kind === 'document-end') {
        this.skip();
        token = this.peek();
      }
    }
    const explicitKinds: TokenKind[] = ['version-directive', 'tag-directive', 'document-start', 'stream-end'];
    if (implicit && !explicitKinds.includes(token.kind)) {
      this.processDirectives();
      this.states.push('document-end');
      this.state = 'block-node';
      return this.event('document-start', token.start, token.end, { head: this.splitDocumentHeadComment() });
    }
    if (token.kind === 'stream-end') {
      this.state = 'end';
      this.skip();
      return this.event('stream-end', token.start, token.end);
    }
    const start = token.start;
    this.processDirectives();
    token = this.peek();
    if (token.kind !== 'document-start') {
      throw this.error(token.start, 'did not find expected <document start>');
    }
    this.states.push('document-end');
    this.state = 'document-content';
    this.skip();
    return this.event('document-start', start, token.end);
  }

  /**
   * Splits the comments before an implicit document at its last empty line:
   * the part above belongs to the document, the rest stays pending.
   */
  private splitDocumentHeadComment(): string {
    const text = this.headComment;
    for (let i = text.length - 1; i > 0; i--) {
      if (text[i] !== '\n') {
        continue;
      }
      if (i === text.length - 1) {
        this.headComment = text.slice(i + 1);
        return text.slice(0, i);
      }
      if (text[i - 1] === '\n') {
        this.headComment = text.slice(i + 1);
        return text.slice(0, i - 1);
      }
    }
    return '';
  }

  private documentEnd(): YamlEvent {
    const token = this.peek();
    let end = token.start;
    if (token.kind === 'document-end') {
      end = token.end;
      this.skip();
    }
    this.tagHandles = [];
    this.state = 'document-start';
    const event = this.takeComments(this.event('document-end', token.start, end));
    if (event.head !== '' && event.foot === '') {
      event.foot = event.head;
      event.head = '';
    }
    return event;
  }

  private processDirectives(): void {
    let seenVersion = false;
    let token = this.peek();
    while (token.kind === 'version-directive' || token.kind === 'tag-directive') {
      if (token.kind === 'version-directive') {
        if (seenVersion) {
          throw this.error(token.start, 'found duplicate %YAML directive');
        }
        if (token.major !== 1 || token.minor !== 1) {
          throw this.error(token.start, 'found incompatible YAML document');
        }
        seenVersion = true;
      } else {
        const handle = token.value ?? '';
        if (this.tagHandles.some(([known]) => known === handle)) {
          throw this.error(token.start, 'found duplicate %TAG directive');
        }
        this.tagHandles.push([handle, token.suffix ?? '']);
      }
      this.skip();
      token = this.peek();
    }
    for (const [handle, prefix] of DEFAULT_TAG_HANDLES) {
      if (!this.tagHandles.some(([known]) => known === handle)) {
        this.tagHandles.push([handle, prefix]);
      }
    }
  }

  private node(block: boolean, indentlessSequence: boolean): YamlEvent {
    let token = this.peek();
    if (token.kind === 'alias') {
      this.popState();
      const event = this.takeComments(this.event('alias', token.start, token.end, { anchor: token.value ?? '' }));
      this.skip();
      return event;
    }

    const start = token.start;
    let end = token.start;
    let anchor = '';
    let tagToken: Token | undefined;
    for (let round = 0; round < 2; round++) {
      if (token.kind === 'anchor' && anchor === '') {
        anchor = token.value ?? '';
      } else if (token.kind === 'tag' && tagToken === undefined) {
        tagToken = token;
      } else {
        break;
      }
      end = token.end;
      this.skip();
      token = this.peek();
    }

    let tag = '';
    if (tagToken !== undefined) {
      const handle = tagToken.value ?? '';
      if (handle === '') {
        tag = tagToken.suffix ?? '';
      } else {
        const prefix = this.tagHandles.find(([known]) => known === handle)?.[1];
        if (prefix === undefined) {
          throw this.error(tagToken.start, 'found undefined tag handle', 'while parsing a node');
        }
        tag = prefix + (tagToken.suffix ?? '');
      }
    }

    if (indentlessSequence && token.kind === 'block-entry') {
      this.state = 'indentless-sequence-entry';
      return this.event('sequence-start', start, token.end, { anchor, tag, style: 'block' });
    }
    if (token.kind === 'scalar') {
      this.popState();
      const fields = { anchor, tag, value: token.value ?? '', style: token.style ?? 'plain' };
      const event = this.takeComments(this.event('scalar', start, token.end, fields));
      this.skip();
      return event;
    }
    if (token.kind === 'flow-sequence-start' || token.kind === 'flow-mapping-start') {
      const sequence = token.kind === 'flow-sequence-start';
      this.state = sequence ? 'flow-sequence-first-entry' : 'flow-mapping-first-key';
      const kind = sequence ? 'sequence-start' : 'mapping-start';
      return this.takeComments(this.event(kind, start, token.end, { anchor, tag, style: 'flow' }));
    }
    if (block && (token.kind === 'block-sequence-start' || token.kind === 'block-mapping-start')) {
      const sequence = token.kind === 'block-sequence-start';
      this.state = sequence ? 'block-sequence-first-entry' : 'block-mapping-first-key';
      const event = this.event(sequence ? 'sequence-start' : 'mapping-start', start, token.end, {
        anchor,
        tag,
        style: 'block',
      });
      if (this.stemComment !== '') {
        event.head = this.stemComment;
        this.stemComment = '';
      }
      return event;
    }
    if (anchor !== '' || tag !== '') {
      this.popState();
      return this.event('scalar', start, end, { anchor, tag });
    }
    const context = block ? 'while parsing a block node' : 'while parsing a flow node';
    throw this.error(token.start, 'did not find expected node content', context);
  }

  /**
   * When a block collection starts right after `-`, the comments before the
   * `-` belong to that collection as a whole (its "stem"), not to its first entry.
   */
  private splitStemComment(stemLength: number): void {
    if (stemLength === 0) {
      return;
    }
    const token = this.peek();
    if (token.kind !== 'block-sequence-start' && token.kind !== 'block-mapping-start') {
      return;
    }
    this.stemComment = this.headComment.slice(0, stemLength);
    this.headComment = this.headComment.length === stemLength ? '' : this.headComment.slice(stemLength + 1);
  }

  private blockSequenceEntry(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    let token = this.peek();
    if (token.kind === 'block-entry') {
      const mark = token.end;
      const priorHeadLength = this.headComment.length;
      this.skip();
      this.splitStemComment(priorHeadLength);
      token = this.peek();
      this.state = 'block-sequence-entry';
      if (token.kind !== 'block-entry' && token.kind !== 'block-end') {
        this.states.push('block-sequence-entry');
        return this.node(true, false);
      }
      return this.emptyScalar(mark);
    }
    if (token.kind === 'block-end') {
      this.popState();
      this.marks.pop();
      this.skip();
      return this.event('sequence-end', token.start, token.end);
    }
    throw this.error(token.start, "did not find expected '-' indicator", 'while parsing a block collection');
  }

  private indentlessSequenceEntry(): YamlEvent {
    let token = this.peek();
    if (token.kind !== 'block-entry') {
      this.popState();
      return this.event('sequence-end', token.start, token.start);
    }
    const mark = token.end;
    const priorHeadLength = this.headComment.length;
    this.skip();
    this.splitStemComment(priorHeadLength);
    token = this.peek();
    this.state = 'indentless-sequence-entry';
    if (!['block-entry', 'key', 'value', 'block-end'].includes(token.kind)) {
      this.states.push('indentless-sequence-entry');
      return this.node(true, false);
    }
    return this.emptyScalar(mark);
  }

  private blockMappingKey(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    let token = this.peek();
    if (token.kind === 'key') {
      const mark = token.end;
      this.skip();
      token = this.peek();
      this.state = 'block-mapping-value';
      if (!['key', 'value', 'block-end'].includes(token.kind)) {
        this.states.push('block-mapping-value');
        return this.node(true, true);
      }
      return this.emptyScalar(mark);
    }
    if (token.kind === 'block-end') {
      this.popState();
      this.marks.pop();
      const event = this.takeComments(this.event('mapping-end', token.start, token.end));
      this.skip();
      return event;
    }
    throw this.error(token.start, 'did not find expected key', 'while parsing a block mapping');
  }

  private blockMappingValue(): YamlEvent {
    let token = this.peek();
    this.state = 'block-mapping-key';
    if (token.kind !== 'value') {
      return this.emptyScalar(token.start);
    }
    const mark = token.end;
    this.skip();
    token = this.peek();
    if (!['key', 'value', 'block-end'].includes(token.kind)) {
      this.states.push('block-mapping-key');
      return this.node(true, true);
    }
    return this.emptyScalar(mark);
  }

  private flowSequenceEntry(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    let token = this.peek();
    if (token.kind !== 'flow-sequence-end') {
      if (!first) {
        if (token.kind !== 'flow-entry') {
          throw this.error(token.start, "did not find expected ',' or ']'", 'while parsing a flow sequence');
        }
        this.skip();
        token = this.peek();
      }
      if (token.kind === 'key') {
        this.state = 'flow-sequence-entry-mapping-key';
        this.skip();
        return this.event('mapping-start', token.start, token.end, { style: 'flow' });
      }
      if (token.kind !== 'flow-sequence-end') {
        this.states.push('flow-sequence-entry');
        return this.node(false, false);
      }
    }
    this.popState();
    this.marks.pop();
    const event = this.takeComments(this.event('sequence-end', token.start, token.end));
    this.skip();
    return event;
  }

  private flowSequenceEntryMappingKey(): YamlEvent {
    const token = this.peek();
    if (!['value', 'flow-entry', 'flow-sequence-end'].includes(token.kind)) {
      this.states.push('flow-sequence-entry-mapping-value');
      return this.node(false, false);
    }
    // go-yaml consumes this token here too.
    this.skip();
    this.state = 'flow-sequence-entry-mapping-value';
    return this.emptyScalar(token.end);
  }

  private flowSequenceEntryMappingValue(): YamlEvent {
    let token = this.peek();
    if (token.kind === 'value') {
      this.skip();
      token = this.peek();
      if (token.kind !== 'flow-entry' && token.kind !== 'flow-sequence-end') {
        this.states.push('flow-sequence-entry-mapping-end');
        return this.node(false, false);
      }
    }
    this.state = 'flow-sequence-entry-mapping-end';
    return this.emptyScalar(token.start);
  }

  private flowMappingKey(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    let token = this.peek();
    if (token.kind !== 'flow-mapping-end') {
      if (!first) {
        if (token.kind !== 'flow-entry') {
          throw this.error(token.start, "did not find expected ',' or '}'", 'while parsing a flow mapping');
        }
        this.skip();
        token = this.peek();
      }
      if (token.kind === 'key') {
        this.skip();
        token = this.peek();
        if (!['value', 'flow-entry', 'flow-mapping-end'].includes(token.kind)) {
          this.states.push('flow-mapping-value');
          return this.node(false, false);
        }
        this.state = 'flow-mapping-value';
        return this.emptyScalar(token.start);
      }
      if (token.kind !== 'flow-mapping-end') {
        this.states.push('flow-mapping-empty-value');
        return this.node(false, false);
      }
    }
    this.popState();
    this.marks.pop();
    const event = this.takeComments(this.event('mapping-end', token.start, token.end));
    this.skip();
    return event;
  }

  private flowMappingValue(empty: boolean): YamlEvent {
    let token = this.peek();
    this.state = 'flow-mapping-key';
    if (empty) {
      return this.emptyScalar(token.start);
    }
    if (token.kind === 'value') {
      this.skip();
      token = this.peek();
      if (token.kind !== 'flow-entry' && token.kind !== 'flow-mapping-end') {
        this.states.push('flow-mapping-key');
        return this.node(false, false);
      }
    }
    return this.emptyScalar(token.start);
  }
}

function join(text: string, more: string): string {
  return text === '' ? more : `${text}\n${more}`;
}
