import { readFileSync } from 'node:fs';
import { AzkvError } from '@azkv/core';
import { describe, expect, it } from 'vitest';
import { createYamlStore, yamlStore } from '../src/yaml/index.js';
import { branchFromJson, canonical, fromJson, toJson, type JsonValue } from './yaml-tree-json.js';

// The case files hold inputs and the results that sops 3.13.2's YAML store
// produced for them: hand-written layouts plus generated ones (random
// comment placement, nesting, blank lines, and random edits of them).
interface LoadCase {
  input: string;
  documents?: JsonValue[];
  error?: string;
}
interface EmitCase {
  indent?: number;
  documents?: JsonValue[];
  value?: JsonValue;
  output: string;
}

function readCases<T>(name: string): T[] {
  const url = new URL(`./fixtures/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: T[] }).cases;
}

const loadCases = readCases<LoadCase>('yaml-load-cases.json');
const emitCases = readCases<EmitCase>('yaml-emit-cases.json');
const encoder = new TextEncoder();

describe('YAML load matches sops', () => {
  it('has case files with both outcomes', () => {
    expect(loadCases.filter((c) => c.error === undefined).length).toBeGreaterThan(80);
    expect(loadCases.filter((c) => c.error !== undefined).length).toBeGreaterThan(20);
  });

  it.each(loadCases.map((c, index) => [index, c] as const))('load case %i', (_index, testCase) => {
    const input = encoder.encode(testCase.input);
    if (testCase.error !== undefined) {
      expect(() => yamlStore.loadPlainFile(input)).toThrow(AzkvError);
      return;
    }
    const documents = yamlStore.loadPlainFile(input).map((document) => toJson(document));
    expect(canonical(documents)).toBe(canonical(testCase.documents));
  });
});

describe('YAML emit matches sops', () => {
  it.each(emitCases.map((c, index) => [index, c] as const))('emit case %i', (_index, testCase) => {
    let output: Uint8Array;
    if (testCase.value !== undefined) {
      output = yamlStore.emitValue(fromJson(testCase.value) as never);
    } else {
      const store = createYamlStore({ indent: testCase.indent ?? 0 });
      output = store.emitPlainFile((testCase.documents ?? []).map((document) => branchFromJson(document)));
    }
    expect(new TextDecoder().decode(output)).toBe(testCase.output);
  });
});
