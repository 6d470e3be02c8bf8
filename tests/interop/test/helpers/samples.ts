/** A plaintext file that both tools encrypt. */
export interface Sample {
  /** Label of the sample in test names and in docs/interop.md. */
  label: string;
  /** The store that both tools pick from the file name's extension. */
  store: 'yaml' | 'json' | 'ini' | 'dotenv' | 'binary';
  fileName: string;
  plaintext: Buffer;
  /**
   * True when decryption gives `plaintext` back byte for byte. The other
   * samples contain values that both tools rewrite in the same way, for example
   * YAML dates and anchors, or JSON numbers beyond 2^53.
   */
  canonical: boolean;
  /** Number of YAML documents; sops writes one `sops` metadata block into each. */
  documents: number;
}

/** A value found once in every sample; the scripted editor of `sops edit` replaces it. */
export const EDIT_MARKER = 'edit-me';
/** The replacement, as long as the marker, so that the encrypted layout keeps its lengths. */
export const EDIT_REPLACEMENT = 'edited!';

const YAML = `# head comment
service:
    name: demo
    marker: edit-me
    port: 8080
    ratio: 0.25
    negative: -7
    enabled: true
    disabled: false
    nothing: null
    quoted_number: "42"
    empty: ""
    list:
        - one
        - 2
        - 3.5
        - true
        - nested: map
          other: value
        - - inner
          - list
    multiline: |
        line one
        line two
    unicode: héllo ✓ 日本
    colon: 'a: b'
    plain_unencrypted: visible
# foot comment
---
second: document
`;

const YAML_NORMALIZED = `marker: edit-me
exp: 1.0e+10
date: 2024-01-02
when: 2024-01-02T03:04:05Z
octal: 0o17
hex: 0x1F
tilde: ~
anchor: &a shared
alias: *a
folded: >
    folded text
    continues
double: "s3cret: yes"
flow: {a: 1, b: [x, y]}
`;

const JSON_TEXT = `{
\t"name": "demo",
\t"marker": "edit-me",
\t"int": 8080,
\t"neg": -3,
\t"float": 0.25,
\t"exp": 1e+21,
\t"smallexp": 1.5e-7,
\t"true": true,
\t"false": false,
\t"null": null,
\t"empty": "",
\t"escapes": "quote \\" backslash \\\\ tab \\t newline \\n ctrl \\u0001 unicode é ✓ 😀 \\u003chtml\\u003e \\u0026amp;",
\t"list": [
\t\t1,
\t\t"two",
\t\t[],
\t\t{},
\t\t{
\t\t\t"deep": [
\t\t\t\tnull
\t\t\t]
\t\t}
\t],
\t"emptyobj": {},
\t"plain_unencrypted": "visible"
}
`;

const JSON_NORMALIZED = `{"marker":"edit-me","big":12345678901234567890,"html":"<b> & </b>","float":1.50,"exp":1E3,
  "nested": {"list": [1, 2.0, "three"]}}`;

const INI = `top = level

; comment one
# comment two
[database]
user     = admin
marker   = edit-me
password = quoted value
port     = 5432
empty    = 
spaces   = value with spaces

[server]
host              = example.org
plain_unencrypted = visible
`;

const DOTENV = `# comment
NAME=demo
MARKER=edit-me
PASSWORD=s3cr=et
EMPTY=
SPACES=value with spaces
MULTI="line1\\nline2"
SINGLE='single quoted'
UNICODE=héllo ✓
PLAIN_unencrypted=visible
export EXPORTED=value
`;

/** Builds the binary sample: every byte value, the edit marker, then every byte value in reverse order. */
function binaryPlaintext(): Buffer {
  const ascending = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
  const descending = Buffer.from(ascending).reverse();
  return Buffer.concat([ascending, Buffer.from(`\n${EDIT_MARKER}\n`), descending]);
}

/** One sample per store, each with the edit marker; every one is canonical. */
export const STORE_SAMPLES: readonly Sample[] = [
  { label: 'yaml', store: 'yaml', fileName: 'secrets.yaml', plaintext: Buffer.from(YAML), canonical: true, documents: 2 },
  { label: 'json', store: 'json', fileName: 'secrets.json', plaintext: Buffer.from(JSON_TEXT), canonical: true, documents: 1 },
  { label: 'ini', store: 'ini', fileName: 'secrets.ini', plaintext: Buffer.from(INI), canonical: true, documents: 1 },
  { label: 'dotenv', store: 'dotenv', fileName: 'secrets.env', plaintext: Buffer.from(DOTENV), canonical: true, documents: 1 },
  { label: 'binary', store: 'binary', fileName: 'secrets.bin', plaintext: binaryPlaintext(), canonical: true, documents: 1 },
];

/** Samples whose values both tools normalize on the way through sops' data model. */
export const NORMALIZED_SAMPLES: readonly Sample[] = [
  { label: 'yaml-normalized', store: 'yaml', fileName: 'normalized.yaml', plaintext: Buffer.from(YAML_NORMALIZED), canonical: false, documents: 1 },
  { label: 'json-normalized', store: 'json', fileName: 'normalized.json', plaintext: Buffer.from(JSON_NORMALIZED), canonical: false, documents: 1 },
];
