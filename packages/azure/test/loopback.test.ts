import { describe, expect, it } from 'vitest';
import { isLoopbackVaultUrl, shouldDisableChallengeResourceVerification } from '../src/index.js';

const LOOPBACK = [
  'https://localhost',
  'https://LOCALHOST:8443',
  'https://vault.localhost:8443',
  'https://127.0.0.1:8443',
  'https://127.255.0.9',
  'https://127.1:8443',
  'https://[::1]:8443',
  'https://[0:0:0:0:0:0:0:1]',
];

const NOT_LOOPBACK = [
  'https://myvault.vault.azure.net',
  'https://contoso.managedhsm.azure.net',
  'https://vault.vault.azure.cn',
  'https://localhost.example.com',
  'https://mylocalhost',
  'https://128.0.0.1',
  'https://10.0.0.1',
  'https://169.254.169.254',
  'https://[::2]',
  'https://[::ffff:7f00:1]',
  'https://127.0.0.1.nip.io',
  'not a url',
];

describe('challenge resource verification', () => {
  it.each(LOOPBACK)('is disabled for %s', (vaultUrl) => {
    expect(isLoopbackVaultUrl(vaultUrl)).toBe(true);
    expect(shouldDisableChallengeResourceVerification(vaultUrl)).toBe(true);
  });

  it.each(NOT_LOOPBACK)('stays on for %s', (vaultUrl) => {
    expect(isLoopbackVaultUrl(vaultUrl)).toBe(false);
    expect(shouldDisableChallengeResourceVerification(vaultUrl)).toBe(false);
  });
});
