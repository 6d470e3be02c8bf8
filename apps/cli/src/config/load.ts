import { readFile } from 'node:fs/promises';
import { LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import { ConfigError } from './errors.js';
import { decodeConfigDocument, defaultStoresConfig } from './schema.js';
import type { SopsConfig } from './types.js';
import { FatalDecodeError, GoStyleDecoder } from './yaml-decoder.js';

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'the file does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Decodes config bytes as go-yaml accepts them: UTF-8, or UTF-16 with a
 * byte order mark. A UTF-8 byte order mark is dropped.
 */
function decodeText(bytes: Uint8Array, configPath: string): string {
  let encoding = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
  }
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ConfigError('ERR_PARSE', `invalid config file ${configPath}: the file is not valid ${encoding.toUpperCase()} text`, {
      configPath,
      cause: error,
      hint: 'save the file as UTF-8',
    });
  }
}

/** Checks that every alias names an anchor defined before it, which go-yaml requires of the whole document. */
function checkAliases(document: Document.Parsed, lineCounter: LineCounter, configPath: string): void {
  visit(document, {
    Alias(_key, alias) {
      if (alias.resolve(document) === undefined) {
        const line = alias.range === undefined || alias.range === null ? undefined : lineCounter.linePos(alias.range[0]).line;
        throw new ConfigError('ERR_PARSE', `invalid YAML in config file ${configPath} at line ${line}: alias *${alias.source} refers to no anchor`, {
          configPath,
          line,
        });
      }
    },
  });
}

/**
 * Parses the contents of a `.sops.yaml` file. `configPath` is used in error
 * messages and stored in the result. Only the first YAML document is read,
 * as in sops.
 *
 * @throws ConfigError ERR_PARSE for invalid YAML (with the line and column),
 *   ERR_INVALID_INPUT for values of the wrong type (listing each with its line).
 */
export function parseConfig(source: Uint8Array | string, configPath: string): SopsConfig {
  const text = typeof source === 'string' ? source : decodeText(source, configPath);
  const lineCounter = new LineCounter();
  // The failsafe schema keeps every scalar as text; the decoder resolves
  // types itself by go-yaml's rules. It also makes `a` and `"a"` duplicate
  // keys, as they are in go-yaml.
  const documents = parseAllDocuments(text, { lineCounter, schema: 'failsafe', prettyErrors: false, uniqueKeys: true });
  const document = documents[0];
  if (document === undefined) {
    return { path: configPath, creationRules: undefined, stores: defaultStoresConfig() };
  }

  const syntaxError = document.errors[0];
  if (syntaxError !== undefined) {
    const position = lineCounter.linePos(syntaxError.pos[0]);
    const where = ` at line ${position.line}, column ${position.col}`;
    throw new ConfigError('ERR_PARSE', `invalid YAML in config file ${configPath}${where}: ${syntaxError.message}`, {
      configPath,
      line: position.line,
      cause: syntaxError,
    });
  }
  checkAliases(document, lineCounter, configPath);

  const decoder = new GoStyleDecoder(document, lineCounter);
  let decoded;
  try {
    decoded = decodeConfigDocument(decoder, document.contents);
  } catch (error) {
    if (error instanceof FatalDecodeError) {
      const where = error.line === undefined ? '' : ` at line ${error.line}`;
      throw new ConfigError('ERR_PARSE', `invalid YAML in config file ${configPath}${where}: ${error.message}`, {
        configPath,
        line: error.line,
      });
    }
    throw error;
  }

  if (decoder.errors.length > 0) {
    const lines = decoder.errors.map((issue) => `line ${issue.line ?? '?'}: ${issue.message}`);
    throw new ConfigError('ERR_INVALID_INPUT', `invalid config file ${configPath}:\n  ${lines.join('\n  ')}`, {
      configPath,
      line: decoder.errors[0]?.line,
      hint: 'fix the listed values; each names its field and the type sops expects',
    });
  }
  return { path: configPath, ...decoded };
}

/**
 * Reads and parses a `.sops.yaml` file.
 *
 * @throws ConfigError ERR_IO when the file cannot be read, and the errors of {@link parseConfig}.
 */
export async function loadConfigFile(configPath: string): Promise<SopsConfig> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(configPath);
  } catch (error) {
    throw new ConfigError('ERR_IO', `failed to read config file ${configPath}: ${describeReadError(error)}`, {
      configPath,
      cause: error,
    });
  }
  return parseConfig(bytes, configPath);
}
