/**
 * Exit statuses of the sops command line (`cmd/sops/codes` in sops v3.13.2).
 * Scripts that call sops test these numbers, so azkv exits with the same ones.
 */
export const ExitCode = {
  ErrorGeneric: 1,
  CouldNotReadInputFile: 2,
  CouldNotWriteOutputFile: 3,
  ErrorDumpingTree: 4,
  ErrorReadingConfig: 5,
  ErrorInvalidKMSEncryptionContextFormat: 6,
  ErrorInvalidSetFormat: 7,
  ErrorConflictingParameters: 8,
  ErrorEncryptingMac: 21,
  ErrorEncryptingTree: 23,
  ErrorDecryptingMac: 24,
  ErrorDecryptingTree: 25,
  CannotChangeKeysFromNonExistentFile: 49,
  MacMismatch: 51,
  MacNotFound: 52,
  ConfigFileNotFound: 61,
  KeyboardInterrupt: 85,
  InvalidTreePathFormat: 91,
  NeedAtLeastOneDocument: 92,
  NoFileSpecified: 100,
  NoEncryptionKeyFound: 111,
  DuplicateDecryptionKeyType: 112,
  CouldNotRetrieveKey: 128,
  FileHasNotBeenModified: 200,
  NoEditorFound: 201,
  FailedToCompareVersions: 202,
  FileAlreadyEncrypted: 203,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable error codes; callers switch on these, never on message text. */
export type AzkvErrorCode =
  | 'ERR_INVALID_INPUT'
  | 'ERR_PARSE'
  | 'ERR_DUPLICATE_KEY'
  | 'ERR_RESERVED_KEY'
  | 'ERR_UNSUPPORTED_VALUE'
  | 'ERR_INVALID_REGEX'
  | 'ERR_CONFLICTING_RULES'
  | 'ERR_DECRYPT_VALUE'
  | 'ERR_ENCRYPT_VALUE'
  | 'ERR_MAC_MISMATCH'
  | 'ERR_MAC_NOT_FOUND'
  | 'ERR_METADATA'
  | 'ERR_METADATA_NOT_FOUND'
  | 'ERR_ALREADY_ENCRYPTED'
  | 'ERR_NO_KEYS'
  | 'ERR_KEY_URL'
  | 'ERR_KEY_ACCESS'
  | 'ERR_CREDENTIAL'
  | 'ERR_IO'
  | 'ERR_USAGE'
  | 'ERR_UNKNOWN_FORMAT';

export interface AzkvErrorOptions {
  /** Exit status of the CLI for this error; defaults to the generic status 1. */
  exitCode?: number;
  cause?: unknown;
  /** A short hint on what to do next, printed by the CLI after the message. */
  hint?: string;
}

/** Base class of every error azkv raises on purpose. */
export class AzkvError extends Error {
  readonly code: AzkvErrorCode;
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(code: AzkvErrorCode, message: string, options: AzkvErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AzkvError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.ErrorGeneric;
    this.hint = options.hint;
  }
}

/**
 * A value could not be decrypted: wrong key, tampered data, IV or tag, or a
 * changed path. The message names the path but never the data, so that it
 * cannot serve as an oracle.
 */
export class DecryptionError extends AzkvError {
  constructor(message: string, options: AzkvErrorOptions = {}) {
    super('ERR_DECRYPT_VALUE', message, { exitCode: ExitCode.ErrorDecryptingTree, ...options });
    this.name = 'DecryptionError';
  }
}

/** The stored MAC is missing or does not match the decrypted values. */
export class MacError extends AzkvError {
  constructor(code: 'ERR_MAC_MISMATCH' | 'ERR_MAC_NOT_FOUND', message: string, options: AzkvErrorOptions = {}) {
    super(code, message, {
      exitCode: code === 'ERR_MAC_MISMATCH' ? ExitCode.MacMismatch : ExitCode.MacNotFound,
      ...options,
    });
    this.name = 'MacError';
  }
}

/**
 * A store could not parse its input. `line` and `column` are 1-based; the
 * message already contains the file position and the offending line.
 */
export class ParseError extends AzkvError {
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    message: string,
    position: { line?: number; column?: number } = {},
    options: AzkvErrorOptions & { code?: AzkvErrorCode } = {},
  ) {
    super(options.code ?? 'ERR_PARSE', message, { exitCode: ExitCode.CouldNotReadInputFile, ...options });
    this.name = 'ParseError';
    this.line = position.line;
    this.column = position.column;
  }
}
