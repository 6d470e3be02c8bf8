/** An `ENC[...]` value with its base64 fields as groups: data, iv, tag, type. */
const ENCRYPTED_VALUE = /ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]*),tag:([A-Za-z0-9+/=]*),type:([a-z]+)\]/g;

/** A field of an `ENC[...]` value. */
export type EncryptedField = 'data' | 'iv' | 'tag';

interface Located {
  text: string;
  start: number;
  fields: Record<EncryptedField | 'type', string>;
}

function locate(text: string): Located[] {
  return [...text.matchAll(ENCRYPTED_VALUE)].map((match) => ({
    text: match[0],
    start: match.index,
    fields: { data: match[1] ?? '', iv: match[2] ?? '', tag: match[3] ?? '', type: match[4] ?? '' },
  }));
}

/** Flips the lowest bit of the first decoded byte of a base64 field. */
function flipFirstBit(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) {
    throw new Error('cannot change an empty field');
  }
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return bytes.toString('base64');
}

function rebuild(fields: Located['fields']): string {
  return `ENC[AES256_GCM,data:${fields.data},iv:${fields.iv},tag:${fields.tag},type:${fields.type}]`;
}

function replaceAt(text: string, located: Located, replacement: string): string {
  return text.slice(0, located.start) + replacement + text.slice(located.start + located.text.length);
}

/**
 * Returns the position (in file order, among all `ENC[...]` values) of the
 * first value written right after `prefix`, such as `password: ` or
 * `sops_mac=`. A regular expression is matched against the text from the
 * start of the value's line to the value.
 */
export function encryptedValueIndex(text: string, prefix: string | RegExp): number {
  const index = locate(text).findIndex((located) => {
    if (typeof prefix === 'string') {
      return text.slice(located.start - prefix.length, located.start) === prefix;
    }
    const lineStart = text.lastIndexOf('\n', located.start - 1) + 1;
    return prefix.test(text.slice(lineStart, located.start));
  });
  if (index < 0) {
    throw new Error(`no ENC[...] value follows ${String(prefix)}`);
  }
  return index;
}

function nth(text: string, index: number): Located {
  const located = locate(text)[index];
  if (located === undefined) {
    throw new Error(`the text has no ENC[...] value number ${index}`);
  }
  return located;
}

/** Changes one bit of a field of the `index`-th `ENC[...]` value. */
export function flipEncryptedField(text: string, index: number, field: EncryptedField): string {
  const located = nth(text, index);
  return replaceAt(text, located, rebuild({ ...located.fields, [field]: flipFirstBit(located.fields[field]) }));
}

/** Replaces the type of the `index`-th `ENC[...]` value. */
export function changeEncryptedType(text: string, index: number, type: string): string {
  const located = nth(text, index);
  return replaceAt(text, located, rebuild({ ...located.fields, type }));
}

/** Exchanges two `ENC[...]` values, given by position with `first` before `second`. */
export function swapEncryptedValues(text: string, first: number, second: number): string {
  const earlier = nth(text, first);
  const later = nth(text, second);
  if (earlier.start >= later.start) {
    throw new Error('the first value must come before the second');
  }
  return (
    text.slice(0, earlier.start) +
    later.text +
    text.slice(earlier.start + earlier.text.length, later.start) +
    earlier.text +
    text.slice(later.start + later.text.length)
  );
}
