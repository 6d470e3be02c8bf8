import { ExitCode, ParseError, type TreeValue } from '@azkv/core';
import { decodeJsonInput, JsonTreeParser } from './parse.js';

/**
 * Parses the value argument of `set` (`sops set FILE PATH VALUE`) into a tree
 * value, as sops 3.13.2 does. sops first decodes the JSON with Go's
 * `json.Unmarshal`, so a top-level number becomes a float, even `5`. An
 * object is then read as a JSON file would be, so numbers inside it keep the
 * int/float split of {@link parseJsonTree}.
 *
 * Deliberate differences from sops, which fail or change the value silently:
 * - an array is accepted (sops rejects it with "Invalid --set value format");
 * - a top-level integer that a float cannot hold exactly is rejected instead
 *   of rounded (sops stores 9007199254740993 as 9007199254740992);
 * - repeated keys, invalid UTF-8 and unpaired surrogates are rejected, as in
 *   plaintext files.
 *
 * Throws ParseError with the exit status of sops' invalid `--set` format.
 */
export function parseJsonSetValue(input: string | Uint8Array): TreeValue {
  try {
    const text = typeof input === 'string' ? input : decodeJsonInput(input);
    const parsed = new JsonTreeParser(text, 'all').parseSingleValue();
    if (typeof parsed.value !== 'bigint' && typeof parsed.value !== 'number') {
      return parsed.value;
    }

    const numberText = text.slice(parsed.start, parsed.end);
    const float = Number(numberText);
    if (/^-?[0-9]+$/.test(numberText) && BigInt(float) !== BigInt(numberText)) {
      throw new ParseError(
        `the number ${numberText} cannot be stored exactly, because sops stores a number given to set ` +
          'as a 64-bit float; quote it to store it as a string',
        {},
      );
    }
    return float;
  } catch (error) {
    if (!(error instanceof ParseError)) {
      throw error;
    }
    const position = { line: error.line, column: error.column };
    throw new ParseError(`invalid value for set: ${error.message}`, position, {
      exitCode: ExitCode.ErrorInvalidSetFormat,
      cause: error,
    });
  }
}
