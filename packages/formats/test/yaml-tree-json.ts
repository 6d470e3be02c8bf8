/**
 * Converts sops trees to and from the JSON form used by the YAML case files
 * in test/fixtures: every value carries its sops type, so that `1`, `1.0`
 * and `"1"` stay apart.
 */
import { Comment, FloatValue, Timestamp, branch, list, type TreeBranch, type TreeValue } from '@azkv/core';

export type JsonValue =
  | { t: 'null' }
  | { t: 'str' | 'int' | 'float' | 'time' | 'bytes'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'comment'; v: string; inline: boolean }
  | { t: 'map'; items: Array<JsonValue | { k: JsonValue; v: JsonValue }> }
  | { t: 'list'; items: JsonValue[] };

/** Formats a float as Go's `strconv.FormatFloat(f, 'g', -1, 64)`, the form the case files use. */
function goFloatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const exponent = Number(exponentText);
  const digits = mantissa.replace('.', '');
  const sign = value < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0] ?? ''}${fraction}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

export function toJson(value: TreeValue | Comment): JsonValue {
  if (value === null) return { t: 'null' };
  if (typeof value === 'string') return { t: 'str', v: value };
  if (typeof value === 'bigint') return { t: 'int', v: value.toString() };
  if (typeof value === 'number') return { t: 'float', v: goFloatText(value) };
  if (value instanceof FloatValue) return { t: 'float', v: goFloatText(value.value) };
  if (typeof value === 'boolean') return { t: 'bool', v: value };
  if (value instanceof Timestamp) return { t: 'time', v: value.text };
  if (value instanceof Uint8Array) return { t: 'bytes', v: Buffer.from(value).toString('base64') };
  if (value instanceof Comment) return { t: 'comment', v: value.value, inline: value.inline };
  if (value.kind === 'branch') {
    return {
      t: 'map',
      items: value.items.map((item) =>
        item.key instanceof Comment ? toJson(item.key) : { k: toJson(item.key), v: toJson(item.value) },
      ),
    };
  }
  return { t: 'list', items: value.items.map((item) => toJson(item)) };
}

function parseFloatText(text: string): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export function fromJson(json: JsonValue): TreeValue | Comment {
  switch (json.t) {
    case 'null':
      return null;
    case 'str':
      return json.v;
    case 'int':
      return BigInt(json.v);
    case 'float':
      return parseFloatText(json.v);
    case 'bool':
      return json.v;
    case 'time':
      return new Timestamp(json.v);
    case 'bytes':
      return Uint8Array.from(Buffer.from(json.v, 'base64'));
    case 'comment':
      return new Comment(json.v, json.inline);
    case 'map':
      return branch(
        json.items.map((item) => {
          if ('k' in item) {
            return { key: fromJson(item.k) as string, value: fromJson(item.v) as TreeValue };
          }
          return { key: fromJson(item) as Comment, value: null };
        }),
      );
    case 'list':
      return list(json.items.map((item) => fromJson(item) as TreeValue | Comment));
  }
}

export function branchFromJson(json: JsonValue): TreeBranch {
  return fromJson(json) as TreeBranch;
}

/** Sorts object keys so that two JSON forms compare by content only. */
export function canonical(json: unknown): string {
  return JSON.stringify(json, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}
