import type { IncomingMessage, ServerResponse } from 'node:http';
import { VaultError } from './errors.js';

/** Largest request body the vault reads, in bytes; Key Vault requests are a few kilobytes at most. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache',
    ...headers,
  });
  response.end(text);
}

/** Reads the whole request body; throws a 413 VaultError past {@link MAX_BODY_BYTES}. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > MAX_BODY_BYTES) {
      throw new VaultError(413, 'RequestTooLarge', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads and parses a JSON object body; throws a 400 BadParameter VaultError for anything else. */
export async function readJsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(request);
  if (body.length === 0) {
    throw new VaultError(400, 'BadParameter', 'The request body is empty; this operation needs a JSON object.');
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new VaultError(400, 'BadParameter', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VaultError(400, 'BadParameter', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}
