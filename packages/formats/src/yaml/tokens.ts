import type { Mark } from './reader.js';

/** The token kinds of the YAML 1.1 scanner model that go-yaml v3 uses. */
export type TokenKind =
  | 'stream-start'
  | 'stream-end'
  | 'version-directive'
  | 'tag-directive'
  | 'document-start'
  | 'document-end'
  | 'block-sequence-start'
  | 'block-mapping-start'
  | 'block-end'
  | 'flow-sequence-start'
  | 'flow-sequence-end'
  | 'flow-mapping-start'
  | 'flow-mapping-end'
  | 'block-entry'
  | 'flow-entry'
  | 'key'
  | 'value'
  | 'alias'
  | 'anchor'
  | 'tag'
  | 'scalar';

export type ScalarStyle = 'plain' | 'single-quoted' | 'double-quoted' | 'literal' | 'folded';

export interface Token {
  kind: TokenKind;
  start: Mark;
  end: Mark;
  /** Scalar value, anchor or alias name, tag handle, or %TAG handle. */
  value?: string;
  /** Tag suffix or %TAG prefix. */
  suffix?: string;
  style?: ScalarStyle;
  major?: number;
  minor?: number;
}

/**
 * A comment found by the scanner, waiting to be attached to the event of the
 * first token at or after `tokenMark`. Exactly one of head, line and foot is
 * set. The text keeps its `#`; lines are joined with LF.
 */
export interface ScannedComment {
  scanMark: Mark;
  tokenMark: Mark;
  startMark: Mark;
  endMark: Mark;
  head: string;
  line: string;
  foot: string;
}

export const ZERO_MARK: Mark = { index: 0, line: 0, column: 0 };
