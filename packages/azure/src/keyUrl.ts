import { AzkvError } from '@azkv/core';

/** An Azure Key Vault key as named by a key URL. */
export interface AzureKeyId {
  /** `https://host[:port]` exactly as written in the URL, without a trailing slash. */
  vaultUrl: string;
  /** The key name. */
  name: string;
  /** The key version, or undefined when the URL names no version (the latest one). */
  version?: string;
}

/**
 * The key URL rule of sops 3.13.2 (`azkv.NewMasterKeyFromURL`): an https origin
 * with no path, then `/keys/NAME`, then optionally `/` or `/VERSION`. No part may
 * contain a slash. The scheme is case-sensitive and the host is not checked
 * further, so sovereign clouds, Managed HSM and private DNS names all pass.
 */
const KEY_URL_PATTERN = /^(https:\/\/[^/]+)\/keys\/([^/]+)(\/[^/]*)?$/;

const EXPECTED_FORM = 'https://VAULT_HOST/keys/KEY_NAME[/KEY_VERSION]';

/**
 * White space as defined for Go's `strings.TrimSpace` (`unicode.IsSpace`). It
 * differs from `String.prototype.trim`, which also removes U+FEFF but keeps U+0085.
 */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const GO_TRIM_PATTERN = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

/** Removes leading and trailing white space the way Go's `strings.TrimSpace` does. */
export function trimGoSpace(value: string): string {
  return value.replace(GO_TRIM_PATTERN, '');
}

/**
 * Parses one Azure Key Vault key URL with the rules of sops 3.13.2: surrounding
 * white space is ignored, `/keys/NAME` and `/keys/NAME/` name no version, and
 * `/keys/NAME/VERSION` names one.
 *
 * @throws AzkvError `ERR_KEY_URL` when the URL does not have that form.
 */
export function parseKeyUrl(url: string): AzureKeyId {
  const trimmed = trimGoSpace(url);
  const match = KEY_URL_PATTERN.exec(trimmed);
  if (match === null) {
    throw new AzkvError(
      'ERR_KEY_URL',
      `invalid Azure Key Vault key URL ${JSON.stringify(url)}: expected ${EXPECTED_FORM}`,
      { hint: 'Copy the key identifier (kid) from the vault, for example with the Azure portal.' },
    );
  }

  const [, vaultUrl = '', name = '', versionPart = ''] = match;
  // The optional group includes its leading slash, so "/" alone means no version.
  const version = versionPart.length > 1 ? versionPart.slice(1) : undefined;
  return version === undefined ? { vaultUrl, name } : { vaultUrl, name, version };
}

/**
 * Parses a comma-separated list of key URLs as sops 3.13.2 does
 * (`azkv.MasterKeysFromURLs`): the empty string is an empty list, and every
 * element, including an empty one after a trailing comma, must be a valid URL.
 *
 * @throws AzkvError `ERR_KEY_URL` naming the first invalid element.
 */
export function parseKeyUrls(list: string): AzureKeyId[] {
  if (list === '') {
    return [];
  }
  return list.split(',').map((url) => parseKeyUrl(url));
}

/**
 * Formats a key as sops prints it in messages (`MasterKey.ToString`):
 * `VAULT/keys/NAME/VERSION`, which ends in a slash when the version is unknown.
 */
export function formatKeyUrl(key: AzureKeyId): string {
  return `${key.vaultUrl}/keys/${key.name}/${key.version ?? ''}`;
}

/** The environment variable sops reads when `--azure-kv` is not given. */
export const KEY_URLS_ENV_VAR = 'SOPS_AZURE_KEYVAULT_URLS';

/**
 * Returns the default for `--azure-kv`: the keys listed in
 * `SOPS_AZURE_KEYVAULT_URLS`, or an empty list when it is unset or empty.
 *
 * @throws AzkvError `ERR_KEY_URL` when the variable contains an invalid URL.
 */
export function keyUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): AzureKeyId[] {
  return parseKeyUrls(env[KEY_URLS_ENV_VAR] ?? '');
}
