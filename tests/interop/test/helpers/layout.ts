/** An encrypted file with its random and time-dependent parts replaced by placeholders. */
export interface MaskedLayout {
  /** The file text with every payload masked. */
  text: string;
  /** The wrapped data keys (`enc` of each `azure_kv` entry), in file order. */
  wrappedKeys: string[];
}

const ENCRYPTED_VALUE = /ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]*),tag:([A-Za-z0-9+/=]*),type:([a-z]+)\]/g;
// `enc` of an azure_kv entry: `enc: X` (YAML), `"enc": "X"` (JSON and
// binary), `azure_kv__list_0__map_enc = X` (INI) and
// `sops_azure_kv__list_0__map_enc=X` (dotenv). The value is unpadded base64url.
const WRAPPED_KEY = /((?:^|[\s"_])enc"?[ \t]*[:=][ \t]*"?)([A-Za-z0-9_-]+)/gm;
// sops writes both time stamps as RFC 3339 in UTC with whole seconds, so any
// other form stays unmasked and shows up in the comparison.
const TIMESTAMP = /((?:created_at|lastmodified)"?[ \t]*[:=][ \t]*"?)(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)/g;

function decodedLength(base64: string): number {
  return Buffer.from(base64, 'base64').length;
}

/**
 * Masks the parts of an encrypted sops file that differ between two
 * encryptions of the same plaintext: the AES-GCM payloads (the MAC included),
 * the wrapped data keys and the `created_at` and `lastmodified` stamps.
 * Lengths stay visible, so two files whose values were encoded differently
 * before encryption (for example `0.5` against `0.50`) still differ.
 */
export function maskLayout(file: Buffer | string): MaskedLayout {
  const wrappedKeys: string[] = [];
  let text = typeof file === 'string' ? file : file.toString('utf8');

  text = text.replace(
    ENCRYPTED_VALUE,
    (_match, data: string, iv: string, tag: string, type: string) =>
      `ENC[AES256_GCM,data:<${decodedLength(data)} bytes>,iv:<${decodedLength(iv)} bytes>,tag:<${decodedLength(tag)} bytes>,type:${type}]`,
  );
  text = text.replace(WRAPPED_KEY, (_match, prefix: string, value: string) => {
    wrappedKeys.push(value);
    return `${prefix}<wrapped key, ${value.length} characters>`;
  });
  text = text.replace(TIMESTAMP, (_match, prefix: string) => `${prefix}<timestamp>`);
  return { text, wrappedKeys };
}
