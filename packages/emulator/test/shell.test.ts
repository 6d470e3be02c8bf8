import { describe, expect, it } from 'vitest';
import { exportLines, shellQuote } from '../src/index.js';

describe('shellQuote', () => {
  it('leaves safe words unquoted', () => {
    expect(shellQuote('/tmp/azkv-emulator-1/tls/ca.pem')).toBe('/tmp/azkv-emulator-1/tls/ca.pem');
    expect(shellQuote('https://127.0.0.1:8443')).toBe('https://127.0.0.1:8443');
    expect(shellQuote('abc_DEF-123')).toBe('abc_DEF-123');
  });

  it('quotes spaces and shell syntax', () => {
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
    expect(shellQuote('a;b')).toBe("'a;b'");
    expect(shellQuote('')).toBe("''");
  });

  it('escapes single quotes', () => {
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

describe('exportLines', () => {
  it('keeps variable order', () => {
    expect(exportLines({ B: '1', A: 'x y' })).toEqual(['export B=1', "export A='x y'"]);
  });
});
