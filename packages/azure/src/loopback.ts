import net from 'node:net';

/**
 * Returns true when the vault URL's host is a loopback name or address:
 * `localhost`, a `*.localhost` name, an IPv4 address in 127.0.0.0/8 or `::1`.
 * The host is read through the WHATWG URL parser, so shorthand forms such as
 * `127.1` count as the address they stand for. Unparsable URLs return false.
 */
export function isLoopbackVaultUrl(vaultUrl: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(vaultUrl).hostname;
  } catch {
    return false;
  }

  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return true;
  }
  if (net.isIPv4(host)) {
    return host.startsWith('127.');
  }
  // The URL parser writes IPv6 addresses in their shortest form.
  return host === '::1';
}

/**
 * Returns the value for the SDK's `disableChallengeResourceVerification`
 * option. The check compares the vault host with the resource named in the
 * vault's authentication challenge (for example `vault.azure.net`). A local
 * emulator cannot satisfy it without hosts-file changes, so it is turned off
 * for loopback vaults only and stays on for every other host.
 */
export function shouldDisableChallengeResourceVerification(vaultUrl: string): boolean {
  return isLoopbackVaultUrl(vaultUrl);
}
