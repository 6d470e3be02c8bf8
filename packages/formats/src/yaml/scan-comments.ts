/*
 * Comment scanning with go-yaml v3's placement rules. sops keeps comments in
 * its tree where go-yaml attaches them (head, line or foot comment of a
 * node), so these rules decide where every comment lands in a sops file.
 * Positions and counters below follow go-yaml's scanner state exactly,
 * including its quirks, because the placement depends on them.
 */
import { isBlank, isBreak, isBreakOrEnd, END, type Mark } from './reader.js';
import type { Scanner } from './scanner.js';
import { ZERO_MARK, type ScannedComment } from './tokens.js';

/** go-yaml looks at most this many characters ahead for a comment. */
const MAX_PEEK = 512;

function addComment(scanner: Scanner, comment: Partial<ScannedComment> & { tokenMark: Mark }): void {
  scanner.comments.push({
    scanMark: ZERO_MARK,
    startMark: ZERO_MARK,
    endMark: ZERO_MARK,
    head: '',
    line: '',
    foot: '',
    ...comment,
  });
}

/**
 * Reads a comment on the rest of the current line as a line comment of the
 * token at `tokenMark`, unless a line break was already passed.
 */
export function scanLineComment(scanner: Scanner, tokenMark: Mark): void {
  const r = scanner.reader;
  if (r.newlines > 0) {
    return;
  }
  let peek = 0;
  while (peek < MAX_PEEK && isBlank(r.peek(peek))) {
    peek++;
  }
  if (peek >= MAX_PEEK || r.peek(peek) !== '#') {
    return;
  }
  for (let i = 0; i < peek; i++) {
    r.skip();
  }
  const startMark = r.mark();
  let text = '';
  while (!isBreakOrEnd(r.peek())) {
    text += r.read();
  }
  addComment(scanner, { tokenMark, startMark, line: text });
}

/**
 * Reads the comment lines that start at the current `#`, splitting them into
 * foot comments of the content before and a head comment of the content
 * after, by blank lines and indentation as go-yaml does. In the marks made
 * here while looking ahead, `column` is 1-based and `line` lags by one after
 * a consumed comment line, as in go-yaml.
 */
export function scanCommentBlock(scanner: Scanner, scanMarkAtStart: Mark): void {
  const r = scanner.reader;
  let scanMark = scanMarkAtStart;
  let last = scanner.lastToken();
  if (last?.kind === 'flow-entry' && scanner.tokens.length > 1) {
    last = scanner.tokens[scanner.tokens.length - 2];
  }
  let tokenMark = last?.start ?? ZERO_MARK;
  const lastKind = last?.kind;
  let startMark: Mark = ZERO_MARK;
  let nextIndent = Math.max(scanner.indent, 0);
  let recentEmpty = false;
  let firstEmpty = r.newlines <= 1;
  let line = r.line;
  let column = r.column;
  let text = '';

  // A comment on this line (or on the line right after content) can still be
  // a foot comment of that content.
  let footLine = -1;
  if (scanMark.line > 0) {
    footLine = r.line - r.newlines + 1;
    if (r.newlines === 0 && r.column > 1) {
      footLine++;
    }
  }

  const pushFoot = (peek: number): void => {
    const endMark = { index: r.index + peek, line, column };
    addComment(scanner, { scanMark, tokenMark, startMark, endMark, foot: text });
    scanMark = endMark;
    tokenMark = endMark;
    text = '';
  };

  let peek = 0;
  for (; peek < MAX_PEEK; peek++) {
    column++;
    const c = r.peek(peek);
    if (isBlank(c)) {
      continue;
    }
    const closesFlow = scanner.flowLevel > 0 && (c === ']' || c === '}');
    if (closesFlow || isBreakOrEnd(c)) {
      if (closesFlow || !recentEmpty) {
        const footOfPrior =
          firstEmpty &&
          ((startMark.line === footLine && lastKind !== 'value') || startMark.column - 1 < nextIndent);
        if (closesFlow || footOfPrior) {
          // The block so far ends at the first empty line: it is a foot of the
          // prior token, or of nothing when it is dedented.
          if (text !== '') {
            if (startMark.column - 1 < nextIndent) {
              tokenMark = startMark;
            }
            pushFoot(peek);
          }
        } else if (text !== '' && c !== END) {
          text += '\n';
        }
      }
      if (!isBreak(c)) {
        break;
      }
      firstEmpty = false;
      recentEmpty = true;
      column = 0;
      line++;
      continue;
    }

    if (text !== '' && (closesFlow || (column - 1 < nextIndent && column !== startMark.column))) {
      // A comment at another indentation ends the foot of the preceding data.
      pushFoot(peek);
    }
    if (c !== '#') {
      break;
    }
    if (text === '') {
      startMark = { index: r.index + peek, line, column };
    } else {
      text += '\n';
    }
    recentEmpty = false;

    // Consume up to and including the comment text, but not its line break.
    const seen = r.index + peek;
    for (;;) {
      const here = r.peek();
      if (isBreakOrEnd(here)) {
        if (r.index >= seen) {
          break;
        }
        r.skipLine();
      } else if (r.index >= seen) {
        text += r.read();
      } else {
        r.skip();
      }
    }
    peek = 0;
    column = 0;
    line = r.line;
    nextIndent = Math.max(scanner.indent, 0);
  }

  if (text !== '') {
    addComment(scanner, {
      scanMark,
      tokenMark: startMark,
      startMark,
      endMark: { index: r.index + peek - 1, line, column },
      head: text,
    });
  }
}

/**
 * Returns the position of the BLOCK-END token that closes the current
 * indentation level: before the trailing comments that start at this
 * level's column, so that they become foot comments of the closed block's
 * parent rather than head comments of what follows.
 */
export function findBlockEndMark(scanner: Scanner, blockMark: Mark): Mark {
  let mark = blockMark;
  let stopIndex = mark.index;
  for (let i = scanner.comments.length - 1; i >= 0; i--) {
    const comment = scanner.comments[i];
    if (comment === undefined || comment.endMark.index < stopIndex) {
      break;
    }
    if (comment.startMark.column === scanner.indent + 1) {
      mark = comment.startMark;
    }
    stopIndex = comment.scanMark.index;
  }
  return mark;
}
