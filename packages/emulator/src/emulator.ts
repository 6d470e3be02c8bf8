import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sendJson } from './http.js';
import { IdentityRegistry, type IdentityDefinition, type KeyPermission } from './identities.js';
import { loadOrCreateInstance } from './instance.js';
import { parseImportKeyRequest } from './key-requests.js';
import { KeyStore } from './key-store.js';
import { listenDualProtocol } from './listener.js';
import { generateRsaKey, parseImportedRsaKey, RSA_KEY_SIZES } from './rsa.js';
import { loadOrCreateTls } from './tls.js';
import { handleTokenRequest, issueAccessToken, TOKEN_LIFETIME_SECONDS, TOKEN_PATH } from './token-endpoint.js';
import { handleVaultRequest } from './vault.js';
import { PUBLIC_VAULT_RESOURCE } from './vault-auth.js';

/** Options of {@link startEmulator}. */
export interface StartEmulatorOptions {
  /** TCP port for both the vault (HTTPS) and the token endpoint (HTTP); 0, the default, picks a free one. */
  port?: number;
  /** Folder for certificates, secrets, identities and keys; default: a fresh temporary folder that `close()` removes. */
  dataDir?: string;
  /** Loopback address to listen on: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /** Receives one line per started server, request and caught error; default: discard. Lines never contain tokens or key material. */
  log?: (message: string) => void;
}

/** A key version the emulator stored. */
export interface KeyReference {
  name: string;
  /** 32 lowercase hex digits. */
  version: string;
  /** `<vaultUrl>/keys/<name>/<version>`. */
  kid: string;
}

/** A running emulator. */
export interface Emulator {
  /** `https://127.0.0.1:<port>` (or the configured host). */
  readonly vaultUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** PEM file of the emulator's CA; trust it through NODE_EXTRA_CA_CERTS (Node) or SSL_CERT_FILE (Go). */
  readonly caCertPath: string;
  readonly caCertPem: string;
  /** `http://127.0.0.1:<port>/msi/token`, the App Service style managed identity endpoint. */
  readonly identityEndpoint: string;
  /**
   * `http://127.0.0.1:<port>`, for `HTTPS_PROXY` of Go clients: the emulator
   * tunnels CONNECT requests for `*.vault.localhost:<port>` to itself.
   */
  readonly proxyUrl: string;
  /** Secret the token endpoint expects in `X-IDENTITY-HEADER`. */
  readonly identityHeader: string;
  /** Tenant id announced in challenges and put in tokens. */
  readonly tenantId: string;
  /** The system-assigned identity, which has every key permission. */
  readonly systemIdentity: { clientId: string; objectId: string };
  /**
   * The variables that point Azure SDKs at this emulator, in the order the
   * `azkv-emulator` binary prints them: NODE_EXTRA_CA_CERTS,
   * AZURE_TOKEN_CREDENTIALS, IDENTITY_ENDPOINT, IDENTITY_HEADER, AZKV_VAULT_URL.
   */
  readonly env: Record<string, string>;
  /** Returns `https://<vaultName>.vault.localhost:<port>`, a vault URL whose challenge resource matches its host. */
  vaultUrlFor(vaultName: string): string;
  /**
   * Imports a key as `PUT /keys/{name}` does. `body` is either an import
   * request (`{key, hsm?, attributes?, tags?}`) or a bare private RSA JWK.
   * `options.version` pins the version id (32 lowercase hex digits); this is
   * emulator-only, since Key Vault always picks versions itself.
   */
  importKey(name: string, body: Record<string, unknown>, options?: { version?: string }): Promise<KeyReference>;
  /** Creates a new RSA key version; `size` is 2048 (default), 3072 or 4096 bits. */
  createKey(name: string, options?: { size?: number }): Promise<KeyReference>;
  /** Adds a user-assigned identity or replaces its permissions, and saves `identities.json`. */
  addIdentity(definition: {
    clientId: string;
    objectId?: string;
    permissions: readonly KeyPermission[];
  }): Promise<{ clientId: string; objectId: string; permissions: KeyPermission[] }>;
  /**
   * Signs an access token the way the token endpoint does, for tests that
   * inject a credential or need an expired token. Defaults: the system
   * identity, resource https://vault.azure.net, valid from now for 24 hours.
   */
  issueToken(options?: { clientId?: string; resource?: string; notBefore?: Date; expiresOn?: Date }): string;
  /** Stops listening, drops open connections and, for a default temporary data folder, deletes it. */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
/** Host names an HTTP CONNECT request may name, besides `*.vault.localhost`; all of them mean this emulator. */
const TUNNEL_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost', 'vault.localhost']);

/**
 * Starts a local Azure Key Vault (keys data plane, HTTPS) and an App Service
 * style managed identity token endpoint (HTTP) on one loopback port. State in
 * `dataDir` (CA, secrets, identities, keys) is created on first start and reused.
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host) && !(net.isIPv4(host) && host.startsWith('127.'))) {
    throw new Error(
      `The emulator listens only on loopback addresses (127.0.0.1, ::1, localhost), not '${host}': it keeps private keys in clear text.`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Invalid port ${String(port)}: use a whole number from 0 to 65535.`);
  }
  const log = options.log ?? (() => undefined);
  if (options.dataDir !== undefined) {
    const dataDir = path.resolve(options.dataDir);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    return launch({ host, port, log, dataDir, ownsDataDir: false });
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'azkv-emulator-'));
  try {
    return await launch({ host, port, log, dataDir, ownsDataDir: true });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(settings: {
  host: string;
  port: number;
  log: (message: string) => void;
  dataDir: string;
  /** True for a temporary folder that `close()` deletes. */
  ownsDataDir: boolean;
}): Promise<Emulator> {
  const { host, port, log, dataDir, ownsDataDir } = settings;
  const instance = await loadOrCreateInstance(dataDir);
  const identities = await IdentityRegistry.load(dataDir, instance.systemIdentity);
  const store = await KeyStore.load(dataDir);
  const tls = await loadOrCreateTls(dataDir, log);
  const signingKey = Buffer.from(instance.tokenSigningKey, 'base64');
  let boundPort = 0;
  const audiences = () => [PUBLIC_VAULT_RESOURCE, `https://vault.localhost:${boundPort}`];

  const tokenContext = { identities, tenantId: instance.tenantId, identityHeader: instance.identityHeader, signingKey };
  const vaultContext = { store, identities, tenantId: instance.tenantId, signingKey, audiences };

  const serveToken = (request: IncomingMessage, response: ServerResponse) => {
    const outcome = handleTokenRequest(tokenContext, request, response);
    log(
      outcome.status === 200
        ? `token issued for client ${outcome.clientId ?? '?'} and resource ${outcome.resource ?? '?'}`
        : `token request rejected with ${outcome.status}: ${outcome.error ?? ''}`,
    );
  };
  const guard = (handler: (request: IncomingMessage, response: ServerResponse) => Promise<void> | void) =>
    (request: IncomingMessage, response: ServerResponse) => {
      Promise.resolve()
        .then(() => handler(request, response))
        .catch((error: unknown) => {
          log(`${request.method ?? '?'} ${requestPath(request)} failed: ${(error as Error).stack ?? String(error)}`);
          if (!response.headersSent) {
            sendJson(response, 500, { error: { code: 'InternalServerError', message: 'The emulator failed; see its log.' } });
          } else {
            response.destroy();
          }
        });
    };

  const listener = await listenDualProtocol({
    host,
    port,
    log,
    tls: { cert: tls.serverCertChainPem, key: tls.serverKeyPem },
    onHttp: guard((request, response) => {
      if (requestPath(request) === TOKEN_PATH) {
        serveToken(request, response);
        return;
      }
      sendJson(response, 400, {
        error: { code: 'BadParameter', message: `Key Vault requests need HTTPS; use ${vaultUrl}.` },
      });
    }),
    acceptsTunnel: (authority) => {
      const target = /^(.+):(\d+)$/.exec(authority);
      if (target === null || Number(target[2]) !== boundPort) {
        return false;
      }
      const hostname = target[1]!.toLowerCase();
      return TUNNEL_HOSTS.has(hostname) || hostname.endsWith('.vault.localhost');
    },
    onHttps: guard(async (request, response) => {
      if (requestPath(request) === TOKEN_PATH) {
        serveToken(request, response);
        return;
      }
      const outcome = await handleVaultRequest(vaultContext, request, response);
      const client = outcome.clientId === undefined ? '' : ` client ${outcome.clientId}`;
      const error = outcome.error === undefined ? '' : ` (${outcome.error})`;
      log(`${request.method ?? '?'} ${requestPath(request)} ${outcome.status}${client}${error}`);
    }),
  });
  boundPort = listener.port;

  const urlHost = net.isIPv6(host) ? `[${host}]` : host;
  const vaultUrl = `https://${urlHost}:${boundPort}`;
  const identityEndpoint = `http://${urlHost}:${boundPort}${TOKEN_PATH}`;
  log(`vault listening on ${vaultUrl}, token endpoint ${identityEndpoint}, data in ${dataDir}`);

  let closed: Promise<void> | undefined;
  return {
    vaultUrl,
    port: boundPort,
    dataDir,
    caCertPath: tls.caCertPath,
    caCertPem: tls.caCertPem,
    identityEndpoint,
    proxyUrl: `http://${urlHost}:${boundPort}`,
    identityHeader: instance.identityHeader,
    tenantId: instance.tenantId,
    systemIdentity: { ...instance.systemIdentity },
    env: {
      NODE_EXTRA_CA_CERTS: tls.caCertPath,
      AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential',
      IDENTITY_ENDPOINT: identityEndpoint,
      IDENTITY_HEADER: instance.identityHeader,
      AZKV_VAULT_URL: vaultUrl,
    },
    vaultUrlFor: (vaultName) => `https://${vaultName}.vault.localhost:${boundPort}`,
    importKey: async (name, body, importOptions = {}) => {
      const request = isImportRequest(body) ? body : { key: body };
      const parsed = parseImportKeyRequest(request);
      const { key, version } = await store.addVersion(name, {
        kty: parsed.kty,
        keyOps: parsed.keyOps,
        jwk: parseImportedRsaKey(parsed.jwk),
        attributes: parsed.attributes,
        ...(parsed.tags === undefined ? {} : { tags: parsed.tags }),
        ...(importOptions.version === undefined ? {} : { version: importOptions.version }),
      });
      return { name: key.name, version: version.version, kid: `${vaultUrl}/keys/${key.name}/${version.version}` };
    },
    createKey: async (name, createOptions = {}) => {
      const size = createOptions.size ?? 2048;
      if (!(RSA_KEY_SIZES as readonly number[]).includes(size)) {
        throw new Error(`Invalid RSA key size ${size}: use ${RSA_KEY_SIZES.join(', ')}.`);
      }
      const { key, version } = await store.addVersion(name, {
        kty: 'RSA',
        keyOps: ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'],
        jwk: await generateRsaKey(size),
        attributes: { enabled: true, exportable: false },
      });
      return { name: key.name, version: version.version, kid: `${vaultUrl}/keys/${key.name}/${version.version}` };
    },
    addIdentity: async (definition: IdentityDefinition) => {
      const { clientId, objectId, permissions } = await identities.add(definition);
      return { clientId, objectId, permissions };
    },
    issueToken: (tokenOptions = {}) => {
      const identity =
        tokenOptions.clientId === undefined ? identities.system : identities.find({ clientId: tokenOptions.clientId });
      if (identity === undefined) {
        throw new Error(`No identity with client id '${tokenOptions.clientId}'; add it with addIdentity first.`);
      }
      const notBefore = Math.floor((tokenOptions.notBefore?.getTime() ?? Date.now()) / 1000);
      const expiresOn = Math.floor(
        (tokenOptions.expiresOn?.getTime() ?? (notBefore + TOKEN_LIFETIME_SECONDS) * 1000) / 1000,
      );
      return issueAccessToken(tokenContext, {
        identity,
        resource: tokenOptions.resource ?? PUBLIC_VAULT_RESOURCE,
        notBefore,
        expiresOn,
      });
    },
    close: () => {
      closed ??= (async () => {
        await listener.close();
        if (ownsDataDir) {
          await rm(dataDir, { recursive: true, force: true });
        }
        log('emulator stopped');
      })();
      return closed;
    },
  };
}

function requestPath(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function isImportRequest(body: Record<string, unknown>): boolean {
  const key = body['key'];
  return typeof key === 'object' && key !== null && !Array.isArray(key);
}
