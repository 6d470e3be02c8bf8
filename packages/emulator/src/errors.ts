/**
 * An error the vault returns as Key Vault does:
 * `{"error": {"code", "message", "innererror"?: {"code"}}}` with `status`.
 */
export class VaultError extends Error {
  readonly status: number;
  readonly code: string;
  readonly innerCode: string | undefined;

  constructor(status: number, code: string, message: string, innerCode?: string) {
    super(message);
    this.name = 'VaultError';
    this.status = status;
    this.code = code;
    this.innerCode = innerCode;
  }

  toJSON(): { error: { code: string; message: string; innererror?: { code: string } } } {
    const error: { code: string; message: string; innererror?: { code: string } } = {
      code: this.code,
      message: this.message,
    };
    if (this.innerCode !== undefined) {
      error.innererror = { code: this.innerCode };
    }
    return { error };
  }
}

export function badParameter(message: string): VaultError {
  return new VaultError(400, 'BadParameter', message);
}
