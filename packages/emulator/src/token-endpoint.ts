import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity, IdentityRegistry } from './identities.js';
import { sendJson } from './http.js';
import { normalizeResource, signToken } from './tokens.js';

/** Path of the token endpoint; `IDENTITY_ENDPOINT` points here. */
export const TOKEN_PATH = '/msi/token';

/** The only api-version the App Service managed identity protocol defines for IDENTITY_ENDPOINT. */
const APP_SERVICE_API_VERSION = '2019-08-01';

/** Token lifetime in seconds; managed identity tokens from Azure last about a day. */
export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/** State of the running emulator that the token endpoint uses. */
export interface TokenEndpointContext {
  identities: IdentityRegistry;
  tenantId: string;
  identityHeader: string;
  signingKey: Buffer;
}

/** Options of {@link issueAccessToken}; times are seconds since the Unix epoch. */
export interface IssueTokenOptions {
  identity: Identity;
  resource: string;
  notBefore: number;
  expiresOn: number;
}

/** Signs an access token for `identity` with audience `resource`. */
export function issueAccessToken(context: Pick<TokenEndpointContext, 'tenantId' | 'signingKey'>, options: IssueTokenOptions): string {
  return signToken(
    {
      aud: normalizeResource(options.resource),
      iss: `https://sts.windows.net/${context.tenantId}/`,
      tid: context.tenantId,
      appid: options.identity.clientId,
      oid: options.identity.objectId,
      sub: options.identity.objectId,
      idtyp: 'app',
      ver: '1.0',
      iat: Math.min(options.notBefore, Math.floor(Date.now() / 1000)),
      nbf: options.notBefore,
      exp: options.expiresOn,
    },
    context.signingKey,
  );
}

class TokenRequestError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Outcome of one token request, for the request log. */
export interface TokenRequestLog {
  status: number;
  clientId?: string;
  resource?: string;
  /** Reason for the failure; it never contains the identity header or a token. */
  error?: string;
}

/**
 * Serves `GET /msi/token` as Azure App Service's managed identity endpoint
 * does: the `X-IDENTITY-HEADER` secret, `api-version=2019-08-01`, `resource`
 * (or `scope`), and optionally one of `client_id`, `object_id` or
 * `principal_id` to select a user-assigned identity. Success returns
 * `{access_token, expires_on, resource, token_type, client_id}` with
 * `expires_on` in epoch seconds as a string; failures return
 * `{statusCode, message, correlationId}`.
 */
export function handleTokenRequest(
  context: TokenEndpointContext,
  request: IncomingMessage,
  response: ServerResponse,
): TokenRequestLog {
  try {
    const result = issueForRequest(context, request);
    sendJson(response, 200, result);
    return { status: 200, clientId: result.client_id, resource: result.resource };
  } catch (error) {
    if (!(error instanceof TokenRequestError)) {
      throw error;
    }
    sendJson(response, error.status, { statusCode: error.status, message: error.message, correlationId: randomUUID() });
    return { status: error.status, error: error.message };
  }
}

function issueForRequest(context: TokenEndpointContext, request: IncomingMessage) {
  if (request.method !== 'GET') {
    throw new TokenRequestError(405, `Method ${request.method ?? ''} is not allowed; request tokens with GET.`);
  }
  const secret = request.headers['x-identity-header'];
  if (typeof secret !== 'string' || !sameSecret(secret, context.identityHeader)) {
    throw new TokenRequestError(
      401,
      'The X-IDENTITY-HEADER header is missing or does not match; send the IDENTITY_HEADER value the emulator printed.',
    );
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const apiVersion = url.searchParams.get('api-version');
  if (apiVersion !== APP_SERVICE_API_VERSION) {
    throw new TokenRequestError(400, `The api-version must be ${APP_SERVICE_API_VERSION}, not '${apiVersion ?? ''}'.`);
  }
  const resource = requestedResource(url);
  const identity = selectIdentity(context.identities, url);
  const now = Math.floor(Date.now() / 1000);
  const expiresOn = now + TOKEN_LIFETIME_SECONDS;
  const token = issueAccessToken(context, { identity, resource, notBefore: now, expiresOn });
  return {
    access_token: token,
    expires_on: String(expiresOn),
    resource,
    token_type: 'Bearer',
    client_id: identity.clientId,
  };
}

function sameSecret(actual: string, expected: string): boolean {
  const a = Buffer.from(actual);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function requestedResource(url: URL): string {
  const scope = url.searchParams.get('scope');
  const resource = url.searchParams.get('resource') ?? (scope === null ? null : scope.replace(/\/\.default$/, ''));
  if (resource === null || resource === '') {
    throw new TokenRequestError(400, "The 'resource' parameter is missing; pass the resource URI, such as https://vault.azure.net.");
  }
  if (!URL.canParse(resource)) {
    throw new TokenRequestError(400, `The resource '${resource}' is not an absolute URI.`);
  }
  return resource;
}

function selectIdentity(identities: IdentityRegistry, url: URL): Identity {
  const clientId = url.searchParams.get('client_id');
  const objectId = url.searchParams.get('object_id') ?? url.searchParams.get('principal_id');
  if (url.searchParams.has('mi_res_id') || url.searchParams.has('msi_res_id')) {
    throw new TokenRequestError(400, 'Selecting an identity by resource id is not supported by the emulator; use client_id.');
  }
  if (clientId !== null && objectId !== null) {
    throw new TokenRequestError(400, 'Pass only one of client_id and object_id (principal_id).');
  }
  if (clientId === null && objectId === null) {
    return identities.system;
  }
  const selector = clientId !== null ? { clientId } : { objectId: objectId! };
  const identity = identities.find(selector);
  if (identity === undefined) {
    const described = clientId !== null ? `client_id '${clientId}'` : `object_id '${objectId}'`;
    throw new TokenRequestError(
      400,
      `No managed identity with ${described} is assigned to this emulator; add it with addIdentity or identities.json.`,
    );
  }
  return identity;
}
