/**
 * Conversion between INI sections and the document tree, as sops 3.13.2's INI
 * store (`stores/ini/store.go`) does it. The tree has one item per section,
 * whose value maps key names to string values.
 */
import {
  AzkvError,
  branch,
  Comment,
  ExitCode,
  isBranch,
  isComment,
  isList,
  type TreeBranch,
  type TreeBranches,
  type TreeItem,
} from '@azkv/core';
import type { IniSection } from './parser.js';
import { formatScalar } from './scalar-text.js';
import type { IniKeyOutput, IniSectionOutput } from './writer.js';

/**
 * Removes the leading comment character and the spaces after it. As in sops,
 * only the first line of a multi-line comment loses its character, and a run
 * like `;; ` goes entirely.
 */
function stripCommentCharacter(comment: string): string {
  const character = comment.charAt(0);
  if (character !== ';' && character !== '#') {
    return comment;
  }
  let start = 0;
  while (start < comment.length && (comment.charAt(start) === character || comment.charAt(start) === ' ')) {
    start += 1;
  }
  return comment.slice(start);
}

/**
 * Builds the tree of a parsed INI file. A section's comment becomes its first
 * item, and a key's comment, which stood before the key in the file, becomes
 * the item after the key, as sops orders them.
 */
export function sectionsToTree(sections: readonly IniSection[]): TreeBranch {
  const root = branch();
  for (const section of sections) {
    const items: TreeItem[] = [];
    if (section.comment !== '') {
      items.push({ key: new Comment(stripCommentCharacter(section.comment)), value: null });
    }
    for (const key of section.keys) {
      items.push({ key: key.name, value: key.value });
      if (key.comment !== '') {
        items.push({ key: new Comment(stripCommentCharacter(key.comment)), value: null });
      }
    }
    root.items.push({ key: section.name, value: branch(items) });
  }
  return root;
}

function unsupported(message: string, hint: string): AzkvError {
  return new AzkvError('ERR_UNSUPPORTED_VALUE', message, { exitCode: ExitCode.ErrorDumpingTree, hint });
}

function describe(value: unknown): string {
  if (isBranch(value)) {
    return 'a mapping';
  }
  if (isList(value)) {
    return 'a list';
  }
  return 'a single value';
}

/**
 * Turns documents into the sections to write, as sops' `encodeTree` does:
 * - The top-level items of every document are sections. Top-level comments
 *   are dropped.
 * - A comment that opens a section is written before its header. Any later
 *   comment is written before the key it follows in the tree, and replaces an
 *   earlier comment of that key.
 * - Values that are not strings are formatted as sops formats them.
 *
 * Throws AzkvError ERR_UNSUPPORTED_VALUE for a top-level value that is not a
 * mapping, a nested mapping or list inside a section (sops would write Go's
 * debug form of it), and an empty section or key name. Throws
 * ERR_DUPLICATE_KEY for a key that appears twice in a section, whose first
 * value go-ini would drop.
 */
export function treeToSections(branches: TreeBranches): IniSectionOutput[] {
  const sections: IniSectionOutput[] = [];
  for (const document of branches) {
    for (const item of document.items) {
      if (isComment(item.key)) {
        continue;
      }
      const sectionName = item.key;
      if (!isBranch(item.value)) {
        throw unsupported(
          `cannot write '${sectionName}' as an INI section: the top level of an INI file contains sections, but the value is ${describe(item.value)}`,
          'put top-level values under a section',
        );
      }
      if (sectionName === '') {
        throw unsupported('cannot write a section with an empty name to an INI file', 'give the section a name');
      }
      sections.push(sectionFromBranch(sectionName, item.value));
    }
  }
  return sections;
}

function sectionFromBranch(sectionName: string, tree: TreeBranch): IniSectionOutput {
  const section: IniSectionOutput = { name: sectionName, comment: '', keys: [] };
  const items = tree.items;
  let first = 0;
  const opening = items[0];
  if (opening !== undefined && isComment(opening.key)) {
    section.comment = opening.key.value;
    first = 1;
  }

  const names = new Set<string>();
  let lastKey: IniKeyOutput | undefined;
  for (const item of items.slice(first)) {
    if (isComment(item.key)) {
      if (lastKey !== undefined) {
        lastKey.comment = item.key.value;
      }
      continue;
    }
    const name = item.key;
    const value = item.value;
    if (name === '') {
      throw unsupported(`cannot write a key with an empty name to section [${sectionName}] of an INI file`, 'give the key a name');
    }
    if (isBranch(value) || isList(value)) {
      throw unsupported(
        `cannot write '${name}' in section [${sectionName}] to an INI file: INI values are single values, but this one is ${describe(value)}`,
        'choose --output-type yaml or json, or move the nested values into sections of their own',
      );
    }
    if (names.has(name)) {
      throw new AzkvError('ERR_DUPLICATE_KEY', `cannot write section [${sectionName}] to an INI file: the key '${name}' appears twice`, {
        exitCode: ExitCode.ErrorDumpingTree,
        hint: 'rename one of the keys: an INI section keeps only one value per key',
      });
    }
    lastKey = { name, value: formatScalar(value), comment: '' };
    section.keys.push(lastKey);
    names.add(name);
  }
  return section;
}
