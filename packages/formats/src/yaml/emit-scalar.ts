/*
 * Scalar styles and texts as go-yaml v3 writes them for Go values. sops
 * builds each scalar node with `yaml.Node.Encode`, which writes the value
 * once and parses it back, so a node's style is the style of that write.
 */
import { implicitTag, STR } from './resolve.js';

export type WriteStyle = 'plain' | 'single-quoted' | 'double-quoted' | 'literal';

/** The properties of a scalar text that limit its styles (go-yaml's analyze_scalar). */
export interface ScalarAnalysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

export function isYamlBreak(c: string): boolean {
  return c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
}

/** go-yaml's printable set: LF, ASCII 0x20-0x7E, U+00A0-U+D7FF and U+E000-U+FFFD except the BOM. */
export function isYamlPrintable(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return (
    code === 0x0a ||
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff)
  );
}

export function analyzeScalar(value: string): ScalarAnalysis {
  const chars = Array.from(value);
  if (chars.length === 0) {
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let tabCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;

  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  chars.forEach((c, i) => {
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t' || isYamlBreak(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (c === '?' || c === ':') {
        flowIndicators = true;
        blockIndicators ||= followedByWhitespace;
      } else if (c === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(c)) {
      flowIndicators = true;
    } else if (c === ':') {
      flowIndicators = true;
      blockIndicators ||= followedByWhitespace;
    } else if (c === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }

    if (c === '\t') {
      tabCharacters = true;
    } else if (!isYamlPrintable(c)) {
      specialCharacters = true;
    }
    if (c === ' ') {
      leadingSpace ||= i === 0;
      trailingSpace ||= i === chars.length - 1;
      breakSpace ||= previousBreak;
      previousSpace = true;
      previousBreak = false;
    } else if (isYamlBreak(c)) {
      lineBreaks = true;
      leadingBreak ||= i === 0;
      trailingBreak ||= i === chars.length - 1;
      spaceBreak ||= previousSpace;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = c === ' ' || c === '\t' || isYamlBreak(c);
  });

  const result: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks) {
    result.flowPlainAllowed = false;
    result.blockPlainAllowed = false;
  }
  if (trailingSpace) {
    result.blockAllowed = false;
  }
  if (breakSpace || spaceBreak || tabCharacters || specialCharacters) {
    result.flowPlainAllowed = false;
    result.blockPlainAllowed = false;
    result.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    result.blockAllowed = false;
  }
  if (flowIndicators) {
    result.flowPlainAllowed = false;
  }
  if (blockIndicators) {
    result.blockPlainAllowed = false;
  }
  return result;
}

/** Returns the style the emitter writes for a requested style in block context (go-yaml's select_scalar_style). */
export function selectStyle(requested: WriteStyle, analysis: ScalarAnalysis, value: string, simpleKey: boolean): WriteStyle {
  let style = requested;
  if (simpleKey && analysis.multiline) {
    style = 'double-quoted';
  }
  if (style === 'plain' && (!analysis.blockPlainAllowed || (value === '' && simpleKey))) {
    style = 'single-quoted';
  }
  if (style === 'single-quoted' && !analysis.singleQuotedAllowed) {
    style = 'double-quoted';
  }
  if (style === 'literal' && (!analysis.blockAllowed || simpleKey)) {
    style = 'double-quoted';
  }
  return style;
}

const OLD_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const BASE_60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/**
 * Returns the style of the node that `yaml.Node.Encode(text)` builds.
 * go-yaml requests literal style for multi-line text, plain style when the
 * text reads back as the same string and is no YAML 1.1 boolean or
 * sexagesimal number, and double quotes otherwise. The emitter may then
 * lower the request.
 */
export function stringNodeStyle(text: string): WriteStyle {
  let requested: WriteStyle;
  if (text.includes('\n')) {
    requested = 'literal';
  } else if (implicitTag(text) === STR && !OLD_BOOLS.has(text) && !BASE_60_FLOAT.test(text)) {
    requested = 'plain';
  } else {
    requested = 'double-quoted';
  }
  return selectStyle(requested, analyzeScalar(text), text, false);
}

/** Formats a float as Go's `strconv.FormatFloat(value, 'g', -1, 64)` with go-yaml's names for infinities and NaN. */
export function formatYamlFloat(value: number): string {
  if (Number.isNaN(value)) {
    return '.nan';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '.inf' : '-.inf';
  }
  if (value === 0) {
    return Object.is(value, -0) ? '-0' : '0';
  }
  // toExponential() without an argument gives the shortest round-trip digits.
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  // Go's shortest 'g' format switches to an exponent below 1e-4 and from 1e6 up.
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0] ?? ''}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) {
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  if (digits.length <= exponent + 1) {
    return sign + digits + '0'.repeat(exponent + 1 - digits.length);
  }
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}
