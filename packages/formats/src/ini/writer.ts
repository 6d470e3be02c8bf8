/**
 * Writes INI text byte for byte as go-ini v1.67.3 does with its default
 * settings (`PrettyFormat`, `PrettySection`), which is how sops 3.13.2 writes
 * INI files.
 */
import { DEFAULT_SECTION } from './parser.js';
import { goTrimSpace, utf8Length } from './text.js';

/** A key to write; `comment` is written on the lines before it. */
export interface IniKeyOutput {
  name: string;
  value: string;
  comment: string;
}

/** A section to write; `comment` is written on the lines before its header. */
export interface IniSectionOutput {
  name: string;
  comment: string;
  keys: IniKeyOutput[];
}

const KEY_DELIMITERS = /[=:]/;

/**
 * Writes comment lines. A line that does not start with `#` or `;` gets `; `
 * in front, and in a line that does, one space follows the comment character.
 * go-ini trims key comment lines but not section comment lines that lack a
 * comment character.
 */
function writeComment(comment: string, lineBreak: string, trimPlainLines: boolean): string {
  let out = '';
  for (const line of comment.split(lineBreak)) {
    if (line.startsWith('#') || line.startsWith(';')) {
      out += `${line.charAt(0)} ${goTrimSpace(line.slice(1))}${lineBreak}`;
    } else {
      // NOTE: go-ini v1.67.3 panics on an empty comment line (a comment
      // containing `\n\n` or ending in `\n`). This writes `; ` for it instead.
      out += `; ${trimPlainLines ? goTrimSpace(line) : line}${lineBreak}`;
    }
  }
  return out;
}

/** Quotes a key name that contains a quote or a delimiter, as go-ini does. */
function quoteKeyName(name: string): string {
  if (name.includes('"') || KEY_DELIMITERS.test(name)) {
    return `\`${name}\``;
  }
  if (name.includes('`')) {
    return `"""${name}"""`;
  }
  return name;
}

/**
 * Quotes a value so that go-ini reads it back: `"""` for line breaks and
 * backquotes, backquotes for comment characters, `"` for leading or trailing
 * white space.
 */
function quoteValue(value: string): string {
  if (value.includes('\n') || value.includes('`')) {
    return `"""${value}"""`;
  }
  if (value.includes('#') || value.includes(';')) {
    return `\`${value}\``;
  }
  if (goTrimSpace(value).length !== value.length) {
    return `"${value}"`;
  }
  return value;
}

/**
 * Writes the sections as go-ini's `File.WriteTo` does:
 * - The header of a first section named `DEFAULT` (in any case) is left out,
 *   and the section is skipped when it has no keys.
 * - The `=` signs of a section are aligned on its longest key name, counted in
 *   UTF-8 bytes with the quotes the name will get.
 * - A blank line follows every section but the last.
 *
 * `lineBreak` is `\n`, or `\r\n` to match sops built for Windows.
 */
export function writeIni(sections: readonly IniSectionOutput[], lineBreak = '\n'): string {
  let out = '';
  sections.forEach((section, index) => {
    if (section.comment !== '') {
      out += writeComment(section.comment, lineBreak, false);
    }

    if (index > 0 || section.name.toUpperCase() !== DEFAULT_SECTION) {
      out += `[${section.name}]${lineBreak}`;
    } else if (section.keys.length === 0) {
      return;
    }

    let alignLength = 0;
    for (const key of section.keys) {
      alignLength = Math.max(alignLength, utf8Length(quoteKeyName(key.name)));
    }

    for (const key of section.keys) {
      if (key.comment !== '') {
        out += writeComment(key.comment, lineBreak, true);
      }
      const name = quoteKeyName(key.name);
      out += `${name}${' '.repeat(alignLength - utf8Length(name))} = ${quoteValue(key.value)}${lineBreak}`;
    }

    if (index < sections.length - 1) {
      out += lineBreak;
    }
  });
  return out;
}
