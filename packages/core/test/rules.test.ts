import { describe, expect, it } from 'vitest';

import { AzkvError } from '../src/errors.js';
import { CompiledRules, compileEncryptionRules, type CommentsStack } from '../src/rules.js';

function decide(rules: ConstructorParameters<typeof CompiledRules>[0], path: string[], comments: CommentsStack = [[]], isComment = false): boolean {
  return compileEncryptionRules(rules).shouldEncrypt(path, comments, isComment);
}

describe('shouldEncrypt key rules', () => {
  it('encrypts everything without rules', () => {
    expect(decide({}, ['a', 'b'])).toBe(true);
    expect(decide({}, [], [[' comment']], true)).toBe(true);
  });

  it('skips keys with the unencrypted suffix at any depth', () => {
    const rules = { unencryptedSuffix: '_unencrypted' };
    expect(decide(rules, ['password'])).toBe(true);
    expect(decide(rules, ['password_unencrypted'])).toBe(false);
    expect(decide(rules, ['block_unencrypted', 'inner'])).toBe(false);
    expect(decide(rules, ['outer', 'inner_unencrypted'])).toBe(false);
    expect(decide(rules, ['_unencrypted_not_suffix'])).toBe(true);
  });

  it('encrypts only keys with the encrypted suffix', () => {
    const rules = { encryptedSuffix: '_enc' };
    expect(decide(rules, ['foo_enc'])).toBe(true);
    expect(decide(rules, ['group_enc', 'child'])).toBe(true);
    expect(decide(rules, ['foo'])).toBe(false);
    expect(decide(rules, [], [[' comment']], true)).toBe(false);
  });

  it('skips keys matching the unencrypted regex', () => {
    const rules = { unencryptedRegex: '^pub' };
    expect(decide(rules, ['public'])).toBe(false);
    expect(decide(rules, ['key', 'pubkey'])).toBe(false);
    expect(decide(rules, ['repub'])).toBe(true);
  });

  it('encrypts only keys matching the encrypted regex', () => {
    const rules = { encryptedRegex: '^(data|stringData)$' };
    expect(decide(rules, ['data', 'password'])).toBe(true);
    expect(decide(rules, ['metadata', 'name'])).toBe(false);
    expect(decide(rules, ['kind'])).toBe(false);
  });

  it('matches regexes anywhere in the key', () => {
    expect(decide({ encryptedRegex: 'pass' }, ['db_password'])).toBe(true);
    expect(decide({ unencryptedRegex: 'name' }, ['username'])).toBe(false);
  });

  it('applies several rules in sops order', () => {
    // The encrypted regex comes after the unencrypted suffix and overrides it.
    const rules = { unencryptedSuffix: '_unencrypted', encryptedRegex: '^enc' };
    expect(decide(rules, ['enc_unencrypted'])).toBe(true);
    expect(decide(rules, ['other'])).toBe(false);
    // The unencrypted regex comes after the encrypted suffix.
    const second = { encryptedSuffix: '_enc', unencryptedRegex: '^skip' };
    expect(decide(second, ['skip_enc'])).toBe(false);
    expect(decide(second, ['keep_enc'])).toBe(true);
  });

  it('treats empty strings as unset rules', () => {
    expect(decide({ unencryptedSuffix: '', encryptedSuffix: '', encryptedRegex: '' }, ['a'])).toBe(true);
  });
});

describe('shouldEncrypt comment rules', () => {
  it('skips values after a matching unencrypted comment', () => {
    const rules = { unencryptedCommentRegex: 'sops:noenc' };
    expect(decide(rules, ['a'], [['sops:noenc']])).toBe(false);
    expect(decide(rules, ['a'], [['other']])).toBe(true);
    // The matching comment itself stays in plaintext.
    expect(decide(rules, [], [['sops:noenc']], true)).toBe(false);
    // A comment in an outer level still applies to nested values.
    expect(decide(rules, ['a', 'b'], [['sops:noenc'], []])).toBe(false);
  });

  it('encrypts only values after a matching encrypted comment', () => {
    const rules = { encryptedCommentRegex: 'sops:enc' };
    expect(decide(rules, ['a'], [['sops:enc']])).toBe(true);
    expect(decide(rules, ['a'], [[]])).toBe(false);
    expect(decide(rules, ['a', 'b'], [['sops:enc'], []])).toBe(true);
  });

  it('never encrypts a comment because of its own text', () => {
    const rules = { encryptedCommentRegex: 'sops:enc' };
    expect(decide(rules, [], [['sops:enc']], true)).toBe(false);
    expect(decide(rules, [], [['sops:enc', 'after']], true)).toBe(true);
    expect(decide(rules, [], [['sops:enc', 'sops:enc']], true)).toBe(true);
    // Only the last comment of the innermost level is the comment's own line.
    expect(decide(rules, ['a'], [['sops:enc'], ['x']], true)).toBe(true);
  });

  it('reports matches of the unencrypted comment regex', () => {
    const rules = compileEncryptionRules({ unencryptedCommentRegex: 'ENC' });
    expect(rules.matchesUnencryptedComment('ENC[AES256_GCM,...]')).toBe(true);
    expect(rules.matchesUnencryptedComment('plain')).toBe(false);
    expect(rules.unencryptedCommentRegex).toBe('ENC');
    expect(compileEncryptionRules({}).matchesUnencryptedComment('ENC')).toBe(false);
  });
});

describe('compileEncryptionRules', () => {
  it('keeps the mac_only_encrypted setting', () => {
    expect(compileEncryptionRules({ macOnlyEncrypted: true }).macOnlyEncrypted).toBe(true);
    expect(compileEncryptionRules({}).macOnlyEncrypted).toBe(false);
  });

  const invalid: Array<[keyof ConstructorParameters<typeof CompiledRules>[0], string, string]> = [
    ['unencryptedRegex', '(', 'unencrypted_regex'],
    ['encryptedRegex', '[a-', 'encrypted_regex'],
    ['unencryptedCommentRegex', '(?=x)', 'unencrypted_comment_regex'],
    ['encryptedCommentRegex', '(a)\\1', 'encrypted_comment_regex'],
  ];
  for (const [field, pattern, name] of invalid) {
    it(`rejects an invalid ${name}`, () => {
      let caught: unknown;
      try {
        compileEncryptionRules({ [field]: pattern });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AzkvError);
      const error = caught as AzkvError;
      expect(error.code).toBe('ERR_INVALID_REGEX');
      expect(error.message).toContain(name);
      expect(error.message).toContain(JSON.stringify(pattern));
    });
  }
});

describe('regex semantics', () => {
  // Results of Go 1.26 regexp.Match(pattern, []byte(input)): true, false or
  // "error" when the pattern does not compile.
  const table: Array<[string, string, boolean | 'error']> = [
    ["\\d", "a1", true],
    ["(?i)abc", "xABC", true],
    ["\\pL", "\u00e9", true],
    ["\\p{Greek}", "\u03b1", true],
    ["(?P<n>a)", "a", true],
    ["(?<n>a)", "a", true],
    ["a{1001}", "a", "error"],
    ["a{1000}", "a", false],
    ["\\C", "a", "error"],
    ["[[:alpha:]]", "b", true],
    ["\\Qa.b\\E", "a.b", true],
    ["(?=a)", "a", "error"],
    ["(a)\\1", "aa", "error"],
    ["a$", "a\n", false],
    ["^b", "a\nb", false],
    ["(?m)^b", "a\nb", true],
    ["a.b", "a\nb", false],
    ["(?s)a.b", "a\nb", true],
    ["(", "", "error"],
    ["[", "", "error"],
    ["*", "", "error"],
    ["a**", "a", "error"],
    ["\\z", "a", true],
    ["a\\z", "a", true],
    ["\\Z", "a", "error"],
    ["\\b", "a b", true],
    ["\\x{263a}", "\u263a", true],
    ["\\u263a", "\u263a", "error"],
    ["x*", "", true],
    ["^$", "", true],
    ["\u00e9", "\u00e9", true],
    ["(?U)a+", "aa", true],
    ["[^a]", "\u00e9", true],
    ["\\w", "\u00e9", false],
    ["(?i)k", "\u212a", true],
    ["enc", "my_enc_key", true],
    ["^enc", "my_enc_key", false],
    ["key$", "my_enc_key", true],
    ["\\pN", "\u0663", true],
    ["[\\d]", "\u0663", false],
    ["\\s", "\u00a0", false],
    ["\\s", "\u000b", false],
    ["(?i)\u00df", "\u1e9e", true],
    [".", "\r", true],
    [".", "\u2028", true],
    ["\\v", "\u000b", true],
    ["\\e", "", "error"],
    ["\\a", "\u0007", true],
    ["\\0", "", false],
    ["\\07", "\u0007", true],
    ["(?#c)", "", "error"],
    ["a{,5}", "a{,5}", true],
    ["a{2,1}", "", "error"],
    ["\\8", "", "error"],
    ["(?i)\u03a3", "\u03c2", true],
  ];

  for (const [pattern, input, expected] of table) {
    it(`matches ${JSON.stringify(pattern)} like Go`, () => {
      if (expected === 'error') {
        expect(() => compileEncryptionRules({ encryptedRegex: pattern })).toThrow(AzkvError);
        return;
      }
      expect(decide({ encryptedRegex: pattern }, [input])).toBe(expected);
    });
  }
});
