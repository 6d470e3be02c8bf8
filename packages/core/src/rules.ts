/**
 * The rules that decide which values of a file sops encrypts: the key
 * suffixes and regexes and the comment regexes of the `sops` metadata.
 */
import { RE2JS } from 're2js';

import { AzkvError } from './errors.js';
import type { EncryptionRules } from './metadata.js';

/** Metadata names of the key rules, for error messages. */
const RULE_NAMES: Readonly<Record<RuleName, string>> = {
  unencryptedSuffix: 'unencrypted_suffix',
  encryptedSuffix: 'encrypted_suffix',
  unencryptedRegex: 'unencrypted_regex',
  encryptedRegex: 'encrypted_regex',
  unencryptedCommentRegex: 'unencrypted_comment_regex',
  encryptedCommentRegex: 'encrypted_comment_regex',
};

type RuleName = Exclude<keyof EncryptionRules, 'macOnlyEncrypted'>;

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

function compileRegex(pattern: string | undefined, rule: RuleName): RE2JS | undefined {
  if (!isSet(pattern)) {
    return undefined;
  }
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AzkvError(
      'ERR_INVALID_REGEX',
      `The ${RULE_NAMES[rule]} ${JSON.stringify(pattern)} is not a valid regular expression: ${reason}.`,
      { cause: error, hint: 'Rules use Go RE2 regex syntax, which has no lookarounds and no backreferences.' },
    );
  }
}

/**
 * The comments that apply to a value, one list per enclosing mapping or
 * sequence, outermost first. Each list contains the comments seen since the last
 * non-comment item of that container, the value's own comment included.
 */
export type CommentsStack = ReadonlyArray<readonly string[]>;

/** Encryption rules with their regexes compiled, ready to test paths. */
export class CompiledRules {
  readonly macOnlyEncrypted: boolean;
  readonly #unencryptedSuffix: string;
  readonly #encryptedSuffix: string;
  readonly #unencryptedRegex: RE2JS | undefined;
  readonly #encryptedRegex: RE2JS | undefined;
  readonly #unencryptedCommentRegex: RE2JS | undefined;
  readonly #encryptedCommentRegex: RE2JS | undefined;

  /** @throws AzkvError `ERR_INVALID_REGEX` naming the rule and the regex. */
  constructor(rules: Partial<EncryptionRules>) {
    this.macOnlyEncrypted = rules.macOnlyEncrypted === true;
    this.#unencryptedSuffix = rules.unencryptedSuffix ?? '';
    this.#encryptedSuffix = rules.encryptedSuffix ?? '';
    this.#unencryptedRegex = compileRegex(rules.unencryptedRegex, 'unencryptedRegex');
    this.#encryptedRegex = compileRegex(rules.encryptedRegex, 'encryptedRegex');
    this.#unencryptedCommentRegex = compileRegex(rules.unencryptedCommentRegex, 'unencryptedCommentRegex');
    this.#encryptedCommentRegex = compileRegex(rules.encryptedCommentRegex, 'encryptedCommentRegex');
  }

  /**
   * Decides whether a value is encrypted, exactly as sops' `shouldBeEncrypted`.
   * Every set rule is applied in this order and a later one overrides an
   * earlier one: unencrypted suffix, encrypted suffix, unencrypted regex,
   * encrypted regex, unencrypted comment regex, encrypted comment regex. A
   * comment that matches `encrypted_comment_regex` is itself left in
   * plaintext, unless an earlier active comment matches too.
   *
   * @param path - the mapping keys leading to the value (no list indices).
   * @param comments - the active comments, see {@link CommentsStack}.
   * @param isComment - true when the value is itself a comment.
   */
  shouldEncrypt(path: readonly string[], comments: CommentsStack, isComment: boolean): boolean {
    let encrypted = true;
    if (this.#unencryptedSuffix !== '' && path.some((key) => key.endsWith(this.#unencryptedSuffix))) {
      encrypted = false;
    }
    if (this.#encryptedSuffix !== '') {
      encrypted = path.some((key) => key.endsWith(this.#encryptedSuffix));
    }
    if (this.#unencryptedRegex !== undefined) {
      const regex = this.#unencryptedRegex;
      if (path.some((key) => regex.test(key))) {
        encrypted = false;
      }
    }
    if (this.#encryptedRegex !== undefined) {
      const regex = this.#encryptedRegex;
      encrypted = path.some((key) => regex.test(key));
    }
    if (this.#unencryptedCommentRegex !== undefined) {
      const regex = this.#unencryptedCommentRegex;
      if (comments.some((level) => level.some((comment) => regex.test(comment)))) {
        encrypted = false;
      }
    }
    if (this.#encryptedCommentRegex !== undefined) {
      encrypted = this.#matchesEncryptedComment(comments, isComment);
    }
    return encrypted;
  }

  #matchesEncryptedComment(comments: CommentsStack, isComment: boolean): boolean {
    const regex = this.#encryptedCommentRegex as RE2JS;
    const lastLevel = comments.length - 1;
    return comments.some((level, levelIndex) =>
      level.some((comment, index) => {
        // A comment is never encrypted because of its own text, only because
        // of a matching comment before it.
        const isOwnLine = isComment && levelIndex === lastLevel && index === level.length - 1;
        return !isOwnLine && regex.test(comment);
      }),
    );
  }

  /** Reports whether `text` matches `unencrypted_comment_regex`, if that rule is set. */
  matchesUnencryptedComment(text: string): boolean {
    return this.#unencryptedCommentRegex?.test(text) ?? false;
  }

  /** Returns the `unencrypted_comment_regex` source, or `undefined` if the rule is not set. */
  get unencryptedCommentRegex(): string | undefined {
    return this.#unencryptedCommentRegex?.pattern();
  }
}

/**
 * Compiles the rules as given, without the one-rule check or the default
 * suffix (`normalizeRules` applies those). sops applies every set rule when
 * it walks a tree, so this accepts several. Empty strings are unset rules.
 *
 * @throws AzkvError `ERR_INVALID_REGEX` naming the rule and the regex.
 */
export function compileEncryptionRules(rules: Partial<EncryptionRules>): CompiledRules {
  return new CompiledRules(rules);
}
