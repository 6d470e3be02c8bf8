// Characters that never need quoting in a POSIX shell word.
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes `value` for a POSIX shell: unchanged when safe, otherwise in single quotes. */
export function shellQuote(value: string): string {
  if (SAFE_WORD.test(value)) {
    return value;
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Formats `export NAME=value` lines, one per variable, in the order of `env`. */
export function exportLines(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
}
