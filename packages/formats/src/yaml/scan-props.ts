/* Anchors, aliases, tags and directives, scanned as go-yaml v3 scans them. */
import { isBlank, isBlankOrEnd, isBreak, isBreakOrEnd, isWordChar, type Mark } from './reader.js';
import type { Scanner } from './scanner.js';
import type { Token } from './tokens.js';

export function scanAnchor(scanner: Scanner, kind: 'alias' | 'anchor'): Token {
  const r = scanner.reader;
  const start = r.mark();
  r.skip();
  let name = '';
  while (isWordChar(r.peek())) {
    name += r.read();
  }
  const end = r.mark();
  const next = r.peek();
  if (name === '' || !(isBlankOrEnd(next) || '?:,]}%@`'.includes(next))) {
    const context = kind === 'alias' ? 'while scanning an alias' : 'while scanning an anchor';
    throw scanner.error(start, 'did not find expected alphabetic or numeric character', context);
  }
  return { kind, start, end, value: name };
}

const URI_CHARS = ";/?:@&=+$,.!~*'()[]%";

/** Reads `!<uri>`, `!handle!suffix`, `!suffix` or `!`. */
export function scanTag(scanner: Scanner): Token {
  const r = scanner.reader;
  const start = r.mark();
  let handle: string;
  let suffix: string;
  if (r.peek(1) === '<') {
    r.skip();
    r.skip();
    handle = '';
    suffix = scanTagUri(scanner, false, '', start);
    if (r.peek() !== '>') {
      throw scanner.error(start, "did not find the expected '>'", 'while scanning a tag');
    }
    r.skip();
  } else {
    handle = scanTagHandle(scanner, false, start);
    if (handle.length > 1 && handle.endsWith('!')) {
      suffix = scanTagUri(scanner, false, '', start);
    } else {
      suffix = scanTagUri(scanner, false, handle, start);
      handle = '!';
      if (suffix === '') {
        // The non-specific tag `!` alone.
        suffix = '!';
        handle = '';
      }
    }
  }
  if (!isBlankOrEnd(r.peek())) {
    throw scanner.error(start, 'did not find expected whitespace or line break', 'while scanning a tag');
  }
  return { kind: 'tag', start, end: r.mark(), value: handle, suffix };
}

function tagContext(directive: boolean): string {
  return directive ? 'while parsing a %TAG directive' : 'while parsing a tag';
}

function scanTagHandle(scanner: Scanner, directive: boolean, start: Mark): string {
  const r = scanner.reader;
  if (r.peek() !== '!') {
    throw scanner.error(start, "did not find expected '!'", tagContext(directive));
  }
  let handle = r.read();
  while (isWordChar(r.peek())) {
    handle += r.read();
  }
  if (r.peek() === '!') {
    handle += r.read();
  } else if (directive && handle !== '!') {
    throw scanner.error(start, "did not find expected '!'", tagContext(directive));
  }
  return handle;
}

/** Reads a tag URI; `head` is a handle that turned out to start the URI. */
function scanTagUri(scanner: Scanner, directive: boolean, head: string, start: Mark): string {
  const r = scanner.reader;
  let uri = head.length > 1 ? head.slice(1) : '';
  let found = head.length > 0;
  for (;;) {
    const c = r.peek();
    if (!isWordChar(c) && !URI_CHARS.includes(c)) {
      break;
    }
    if (c === '%') {
      uri += scanUriEscapes(scanner, directive, start);
    } else {
      uri += r.read();
    }
    found = true;
  }
  if (!found) {
    throw scanner.error(start, 'did not find expected tag URI', tagContext(directive));
  }
  return uri;
}

/** Decodes `%XX` escapes that together form one UTF-8 character. */
function scanUriEscapes(scanner: Scanner, directive: boolean, start: Mark): string {
  const r = scanner.reader;
  const bytes: number[] = [];
  let width = 0;
  do {
    const digits = r.peek(1) + r.peek(2);
    if (r.peek() !== '%' || !/^[0-9A-Fa-f]{2}$/.test(digits)) {
      throw scanner.error(start, 'did not find URI escaped octet', tagContext(directive));
    }
    const octet = Number.parseInt(digits, 16);
    if (bytes.length === 0) {
      width = octet < 0x80 ? 1 : (octet & 0xe0) === 0xc0 ? 2 : (octet & 0xf0) === 0xe0 ? 3 : (octet & 0xf8) === 0xf0 ? 4 : 0;
      if (width === 0) {
        throw scanner.error(start, 'found an incorrect leading UTF-8 octet', tagContext(directive));
      }
    } else if ((octet & 0xc0) !== 0x80) {
      throw scanner.error(start, 'found an incorrect trailing UTF-8 octet', tagContext(directive));
    }
    bytes.push(octet);
    r.skip();
    r.skip();
    r.skip();
  } while (bytes.length < width);
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Reads a `%YAML` or `%TAG` directive line; a comment on it is dropped, as in go-yaml. */
export function scanDirective(scanner: Scanner): Token {
  const r = scanner.reader;
  const start = r.mark();
  r.skip();
  let name = '';
  while (isWordChar(r.peek())) {
    name += r.read();
  }
  if (name === '') {
    throw scanner.error(start, 'could not find expected directive name', 'while scanning a directive');
  }
  if (!isBlankOrEnd(r.peek())) {
    throw scanner.error(start, 'found unexpected non-alphabetical character', 'while scanning a directive');
  }

  let token: Token;
  if (name === 'YAML') {
    skipBlanks(scanner);
    const major = scanVersionNumber(scanner, start);
    if (r.peek() !== '.') {
      throw scanner.error(start, "did not find expected digit or '.' character", 'while scanning a %YAML directive');
    }
    r.skip();
    const minor = scanVersionNumber(scanner, start);
    token = { kind: 'version-directive', start, end: r.mark(), major, minor };
  } else if (name === 'TAG') {
    skipBlanks(scanner);
    const handle = scanTagHandle(scanner, true, start);
    if (!isBlank(r.peek())) {
      throw scanner.error(start, 'did not find expected whitespace', 'while scanning a %TAG directive');
    }
    skipBlanks(scanner);
    const prefix = scanTagUri(scanner, true, '', start);
    if (!isBlankOrEnd(r.peek())) {
      throw scanner.error(start, 'did not find expected whitespace or line break', 'while scanning a %TAG directive');
    }
    token = { kind: 'tag-directive', start, end: r.mark(), value: handle, suffix: prefix };
  } else {
    throw scanner.error(start, 'found unknown directive name', 'while scanning a directive');
  }

  skipBlanks(scanner);
  if (r.peek() === '#') {
    while (!isBreakOrEnd(r.peek())) {
      r.skip();
    }
  }
  if (!isBreakOrEnd(r.peek())) {
    throw scanner.error(start, 'did not find expected comment or line break', 'while scanning a directive');
  }
  if (isBreak(r.peek())) {
    r.skipLine();
  }
  return token;
}

function skipBlanks(scanner: Scanner): void {
  while (isBlank(scanner.reader.peek())) {
    scanner.reader.skip();
  }
}

function scanVersionNumber(scanner: Scanner, start: Mark): number {
  const r = scanner.reader;
  let digits = '';
  while (/^[0-9]$/.test(r.peek())) {
    if (digits.length === 2) {
      throw scanner.error(start, 'found extremely long version number', 'while scanning a %YAML directive');
    }
    digits += r.read();
  }
  if (digits === '') {
    throw scanner.error(start, 'did not find expected version number', 'while scanning a %YAML directive');
  }
  return Number(digits);
}
