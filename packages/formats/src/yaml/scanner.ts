import type { ParseError } from '@azkv/core';
import { isBlank, isBlankOrEnd, isBreak, END, type Mark, type YamlReader } from './reader.js';
import { findBlockEndMark, scanCommentBlock, scanLineComment } from './scan-comments.js';
import { scanAnchor, scanDirective, scanTag } from './scan-props.js';
import { scanBlockScalar, scanPlainScalar, scanQuotedScalar } from './scan-scalars.js';
import type { ScannedComment, Token, TokenKind } from './tokens.js';

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

/** go-yaml's limits on nesting, kept so that the same files are rejected. */
const MAX_FLOW_LEVEL = 10000;
const MAX_INDENTS = 10000;

/**
 * Turns YAML text into tokens and comments with the rules of go-yaml v3's
 * scanner. The comment rules depend on the scanner state (indentation
 * stack, last token, line breaks seen), so the state follows go-yaml's
 * exactly. Tokens are never removed from `tokens`; `head` is the next one
 * the parser reads, so a token's array index is its go-yaml token number.
 */
export class Scanner {
  readonly tokens: Token[] = [];
  head = 0;
  readonly comments: ScannedComment[] = [];
  commentsHead = 0;

  indent = -1;
  readonly indents: number[] = [];
  flowLevel = 0;
  simpleKeyAllowed = false;
  readonly simpleKeys: SimpleKey[] = [];
  readonly simpleKeysByToken = new Map<number, number>();
  streamStarted = false;
  streamEnded = false;

  constructor(readonly reader: YamlReader) {}

  error(mark: Mark, problem: string, context?: string): ParseError {
    return this.reader.error(mark, problem, context);
  }

  /** Returns the next token, scanning ahead as far as go-yaml does. */
  peekToken(): Token {
    this.fetchMoreTokens();
    const token = this.tokens[this.head];
    if (token === undefined) {
      throw new Error('the YAML scanner ran past the end of the stream');
    }
    return token;
  }

  skipToken(): void {
    this.head++;
  }

  private fetchMoreTokens(): void {
    for (;;) {
      // go-yaml keeps two tokens of lookahead so that foot and line comments
      // are scanned before the parser reaches the token they follow.
      if (this.head < this.tokens.length - 2) {
        const keyIndex = this.simpleKeysByToken.get(this.head);
        if (keyIndex === undefined) {
          break;
        }
        const key = this.simpleKeys[keyIndex];
        if (key === undefined || !this.isSimpleKeyValid(key)) {
          break;
        }
      }
      if (this.streamEnded) {
        break;
      }
      this.fetchNextToken();
    }
  }

  lastToken(): Token | undefined {
    return this.tokens[this.tokens.length - 1];
  }

  addToken(token: Token, position = -1): void {
    if (position < 0) {
      this.tokens.push(token);
    } else {
      this.tokens.splice(position, 0, token);
    }
  }

  private simpleToken(kind: TokenKind): Token {
    const start = this.reader.mark();
    this.reader.skip();
    return { kind, start, end: this.reader.mark() };
  }

  private fetchNextToken(): void {
    const r = this.reader;
    if (!this.streamStarted) {
      this.fetchStreamStart();
      return;
    }
    const scanMark = r.mark();
    this.scanToNextToken(scanMark);
    this.unrollIndent(r.column, scanMark);

    const c = r.peek();
    if (c === END) {
      this.fetchStreamEnd();
      return;
    }
    if (r.column === 0 && c === '%') {
      this.resetForDocumentLevel();
      this.addToken(scanDirective(this));
      return;
    }
    const indicator = r.peek() + r.peek(1) + r.peek(2);
    if (r.column === 0 && (indicator === '---' || indicator === '...') && isBlankOrEnd(r.peek(3))) {
      this.resetForDocumentLevel();
      const start = r.mark();
      r.skip();
      r.skip();
      r.skip();
      this.addToken({ kind: indicator === '---' ? 'document-start' : 'document-end', start, end: r.mark() });
      return;
    }

    // A comment after ':' (or ',' in flow context) belongs to the token before it.
    let commentMark = r.mark();
    const last = this.lastToken();
    if (last !== undefined && ((this.flowLevel === 0 && c === ':') || (this.flowLevel > 0 && c === ','))) {
      commentMark = last.start;
    }
    this.fetchToken(c);
    // A line comment after a lone '-' becomes a head comment of what follows.
    if (this.lastToken()?.kind !== 'block-entry') {
      scanLineComment(this, commentMark);
    }
  }

  private fetchToken(c: string): void {
    const r = this.reader;
    const next = r.peek(1);
    switch (c) {
      case '[':
      case '{':
        this.saveSimpleKey();
        this.increaseFlowLevel();
        this.simpleKeyAllowed = true;
        this.addToken(this.simpleToken(c === '[' ? 'flow-sequence-start' : 'flow-mapping-start'));
        return;
      case ']':
      case '}':
        this.removeSimpleKey();
        this.decreaseFlowLevel();
        this.simpleKeyAllowed = false;
        this.addToken(this.simpleToken(c === ']' ? 'flow-sequence-end' : 'flow-mapping-end'));
        return;
      case ',':
        this.removeSimpleKey();
        this.simpleKeyAllowed = true;
        this.addToken(this.simpleToken('flow-entry'));
        return;
      case '*':
      case '&':
        this.saveSimpleKey();
        this.simpleKeyAllowed = false;
        this.addToken(scanAnchor(this, c === '*' ? 'alias' : 'anchor'));
        return;
      case '!':
        this.saveSimpleKey();
        this.simpleKeyAllowed = false;
        this.addToken(scanTag(this));
        return;
      case "'":
      case '"':
        this.saveSimpleKey();
        this.simpleKeyAllowed = false;
        this.addToken(scanQuotedScalar(this, c === "'"));
        return;
      default:
        break;
    }
    if (c === '-' && isBlankOrEnd(next)) {
      this.fetchBlockEntry();
    } else if (c === '?' && (this.flowLevel > 0 || isBlankOrEnd(next))) {
      this.fetchKey();
    } else if (c === ':' && (this.flowLevel > 0 || isBlankOrEnd(next))) {
      this.fetchValue();
    } else if ((c === '|' || c === '>') && this.flowLevel === 0) {
      this.removeSimpleKey();
      this.simpleKeyAllowed = true;
      this.addToken(scanBlockScalar(this, c === '|'));
    } else if (this.canStartPlainScalar(c, next)) {
      this.saveSimpleKey();
      this.simpleKeyAllowed = false;
      const { token, endedOnNewLine } = scanPlainScalar(this);
      if (endedOnNewLine) {
        this.simpleKeyAllowed = true;
      }
      this.addToken(token);
    } else {
      throw this.error(r.mark(), 'found character that cannot start any token', 'while scanning for the next token');
    }
  }

  private canStartPlainScalar(c: string, next: string): boolean {
    if (!isBlankOrEnd(c) && !'-?:,[]{}#&*!|>\'"%@`'.includes(c)) {
      return true;
    }
    if (c === '-' && !isBlank(next)) {
      return true;
    }
    return this.flowLevel === 0 && (c === '?' || c === ':') && !isBlankOrEnd(next);
  }

  private fetchStreamStart(): void {
    this.indent = -1;
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: this.reader.mark() });
    this.simpleKeyAllowed = true;
    this.streamStarted = true;
    const mark = this.reader.mark();
    this.addToken({ kind: 'stream-start', start: mark, end: mark });
  }

  private fetchStreamEnd(): void {
    const r = this.reader;
    if (r.column !== 0) {
      r.column = 0;
      r.line++;
    }
    this.unrollIndent(-1, r.mark());
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.streamEnded = true;
    const mark = r.mark();
    this.addToken({ kind: 'stream-end', start: mark, end: mark });
  }

  private resetForDocumentLevel(): void {
    this.unrollIndent(-1, this.reader.mark());
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
  }

  private fetchBlockEntry(): void {
    const r = this.reader;
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) {
        throw this.error(r.mark(), 'block sequence entries are not allowed in this context');
      }
      this.rollIndent(r.column, -1, 'block-sequence-start', r.mark());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.addToken(this.simpleToken('block-entry'));
  }

  private fetchKey(): void {
    const r = this.reader;
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) {
        throw this.error(r.mark(), 'mapping keys are not allowed in this context');
      }
      this.rollIndent(r.column, -1, 'block-mapping-start', r.mark());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = this.flowLevel === 0;
    this.addToken(this.simpleToken('key'));
  }

  private fetchValue(): void {
    const r = this.reader;
    const key = this.simpleKeys[this.simpleKeys.length - 1];
    if (key !== undefined && this.isSimpleKeyValid(key)) {
      // The scalar (or node) scanned earlier turns out to be a key: insert
      // the KEY token, and the mapping start if this opens a mapping.
      this.addToken({ kind: 'key', start: key.mark, end: key.mark }, key.tokenNumber);
      this.rollIndent(key.mark.column, key.tokenNumber, 'block-mapping-start', key.mark);
      key.possible = false;
      this.simpleKeysByToken.delete(key.tokenNumber);
      this.simpleKeyAllowed = false;
    } else {
      if (this.flowLevel === 0) {
        if (!this.simpleKeyAllowed) {
          throw this.error(r.mark(), 'mapping values are not allowed in this context');
        }
        this.rollIndent(r.column, -1, 'block-mapping-start', r.mark());
      }
      this.simpleKeyAllowed = this.flowLevel === 0;
    }
    this.addToken(this.simpleToken('value'));
  }

  private isSimpleKeyValid(key: SimpleKey): boolean {
    if (!key.possible) {
      return false;
    }
    // A simple key must fit on one line and within 1024 characters.
    if (key.mark.line < this.reader.line || key.mark.index + 1024 < this.reader.index) {
      if (key.required) {
        throw this.error(key.mark, "could not find expected ':'", 'while scanning a simple key');
      }
      key.possible = false;
      return false;
    }
    return true;
  }

  private saveSimpleKey(): void {
    if (!this.simpleKeyAllowed) {
      return;
    }
    const r = this.reader;
    const key: SimpleKey = {
      possible: true,
      required: this.flowLevel === 0 && this.indent === r.column,
      tokenNumber: this.tokens.length,
      mark: r.mark(),
    };
    this.removeSimpleKey();
    this.simpleKeys[this.simpleKeys.length - 1] = key;
    this.simpleKeysByToken.set(key.tokenNumber, this.simpleKeys.length - 1);
  }

  removeSimpleKey(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1];
    if (key?.possible === true) {
      if (key.required) {
        throw this.error(key.mark, "could not find expected ':'", 'while scanning a simple key');
      }
      key.possible = false;
      this.simpleKeysByToken.delete(key.tokenNumber);
    }
  }

  private increaseFlowLevel(): void {
    const mark = this.reader.mark();
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: this.tokens.length, mark });
    this.flowLevel++;
    if (this.flowLevel > MAX_FLOW_LEVEL) {
      throw this.error(mark, `exceeded max depth of ${MAX_FLOW_LEVEL}`, 'while increasing flow level');
    }
  }

  private decreaseFlowLevel(): void {
    if (this.flowLevel > 0) {
      this.flowLevel--;
      const key = this.simpleKeys.pop();
      if (key !== undefined) {
        this.simpleKeysByToken.delete(key.tokenNumber);
      }
    }
  }

  private rollIndent(column: number, tokenNumber: number, kind: TokenKind, mark: Mark): void {
    if (this.flowLevel > 0 || this.indent >= column) {
      return;
    }
    this.indents.push(this.indent);
    this.indent = column;
    if (this.indents.length > MAX_INDENTS) {
      throw this.error(mark, `exceeded max depth of ${MAX_INDENTS}`, 'while increasing indent level');
    }
    this.addToken({ kind, start: mark, end: mark }, tokenNumber);
  }

  /** Closes the block collections indented deeper than `column`. */
  unrollIndent(column: number, scanMark: Mark): void {
    if (this.flowLevel > 0) {
      return;
    }
    let blockMark: Mark = { ...scanMark, index: scanMark.index - 1 };
    while (this.indent > column) {
      blockMark = findBlockEndMark(this, blockMark);
      this.addToken({ kind: 'block-end', start: blockMark, end: blockMark });
      this.indent = this.indents.pop() ?? -1;
    }
  }

  /** Skips spaces, line breaks and comments up to the next token. */
  private scanToNextToken(scanMark: Mark): void {
    const r = this.reader;
    for (;;) {
      // go-yaml means to skip a BOM at the start of a line here, but its
      // check looks at the start of the buffer, so a BOM after the first one
      // stays in the content. Matching that keeps the same keys as sops.
      while (r.peek() === ' ' || ((this.flowLevel > 0 || !this.simpleKeyAllowed) && r.peek() === '\t')) {
        r.skip();
      }
      this.moveSequenceEntryComment();
      if (r.peek() === '#') {
        scanCommentBlock(this, scanMark);
      }
      if (!isBreak(r.peek())) {
        break;
      }
      r.skipLine();
      if (this.flowLevel === 0) {
        this.simpleKeyAllowed = true;
      }
    }
  }

  /**
   * After `- # text` at the start of a block sequence, go-yaml turns the line
   * comment into a head comment of the entry's content.
   */
  private moveSequenceEntryComment(): void {
    const count = this.tokens.length;
    const comment = this.comments[this.comments.length - 1];
    if (comment === undefined || count < 2) {
      return;
    }
    const before = this.tokens[count - 2];
    const last = this.tokens[count - 1];
    const r = this.reader;
    if (
      before?.kind === 'block-sequence-start' &&
      last?.kind === 'block-entry' &&
      comment.line !== '' &&
      !isBreak(r.peek())
    ) {
      comment.head = comment.line;
      comment.line = '';
      if (comment.startMark.line === r.line - 1) {
        comment.tokenMark = r.mark();
      }
    }
  }
}
