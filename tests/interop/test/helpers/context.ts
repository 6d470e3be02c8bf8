import { inject } from 'vitest';

/** An RSA key stored in the shared emulator, as both tools address it. */
export interface InteropKey {
  name: string;
  /** The version the emulator created, which both tools must record in the file. */
  version: string;
  /** The key URL given to `--azure-kv`, with or without the version. */
  url: string;
}

/** What the global setup passes to every test file. */
export interface InteropContext {
  /** Path of the sops 3.13.2 binary. */
  sopsBin: string;
  /** Path of the azkv command (`apps/cli/bin/run.js`). */
  azkvBin: string;
  /** `https://interop.vault.localhost:PORT`, the vault URL both tools write to the files. */
  vaultUrl: string;
  /** `https://vault.localhost:PORT`, the resource the emulator names in its challenge and tokens. */
  vaultResource: string;
  /** The emulator's CA certificate (PEM file). */
  caCertPath: string;
  /** The App Service managed-identity endpoint, `http://127.0.0.1:PORT/msi/token`. */
  identityEndpoint: string;
  /** The secret the token endpoint expects in `X-IDENTITY-HEADER`. */
  identityHeader: string;
  /** Two keys: the first addressed without a version, the second with one. */
  keys: [InteropKey, InteropKey];
  /** File that receives one emulator log line per request, token and error. */
  emulatorLog: string;
  /** Folder for the files of every test; the global teardown deletes it. */
  workRoot: string;
  /** An empty folder for `SSL_CERT_DIR`, so that Go trusts only the emulator's CA. */
  emptyCertDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    interop: InteropContext;
  }
}

/** Returns the context that the global setup provided. */
export function interopContext(): InteropContext {
  return inject('interop');
}
