// Property test of the whole encrypt and decrypt pipeline, in process. Random
// documents are written in the layout sops writes and encrypted by
// encryptDocument with a real Azure Key Vault key of the emulator. Then
// decryptDocument, which verifies the MAC, must return them byte for byte,
// with the same leaves in the same walk order.
import { azureKeySource, type AzureKeyVaultOptions } from '@azkv/azure';
import { branch, Comment, list, type TreeBranch, type TreeValue } from '@azkv/core';
import { startEmulator, type Emulator } from '@azkv/emulator';
import { getStore, type Store } from '@azkv/formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptDocument } from '../../src/operations/decrypt.js';
import { encryptDocument } from '../../src/operations/encrypt.js';
import { leavesInWalkOrder } from '../helpers/tree-leaves.js';

const RUNS = 100;

let emulator: Emulator;
let keySource: ReturnType<typeof azureKeySource>;
let keyUrl: string;

beforeAll(async () => {
  emulator = await startEmulator();
  keyUrl = (await emulator.createKey('property-key')).kid;
  // A token of the emulator's system identity replaces the managed identity
  // credential, which caches its endpoint for the life of the process.
  const credential: AzureKeyVaultOptions['credential'] = {
    getToken: async () => ({ token: emulator.issueToken(), expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  keySource = azureKeySource({ credential, clientOptions: { tlsOptions: { ca: emulator.caCertPem }, retryOptions: { maxRetries: 0 } } });
});

afterAll(async () => {
  await emulator?.close();
});

// Keys: any Unicode text on one line, except the metadata key `sops`.
const key = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
  .filter((text) => !/[\r\n\u0085\u2028\u2029]/.test(text) && text !== 'sops');

// Values that every store reads back as the same text: the empty string,
// Unicode, text that looks like other types or like sops' own syntax.
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 16 }),
  fc.constantFrom('', ' ', 'true', 'null', '0x10', '1e3', 'a: b', '# not a comment', 'ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]', 'line\nbreak'),
);

// Floats that are not integral keep their type when written and read back.
const float = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value));

const leaf: fc.Arbitrary<TreeValue> = fc.oneof(
  text,
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  float,
  fc.boolean(),
  fc.constant(null),
);

const commentText = fc.constantFrom(' note', ' ключ: значение', '', ' ENC[AES256_GCM,data:x,type:comment]');

function documentArbitrary(withComments: boolean): fc.Arbitrary<TreeBranch> {
  const { mapping } = fc.letrec<{ mapping: TreeBranch; value: TreeValue; sequence: TreeValue }>((recurse) => ({
    mapping: fc
      .uniqueArray(fc.tuple(key, recurse('value'), withComments ? fc.option(commentText) : fc.constant(null)), {
        selector: ([name]) => name,
        maxLength: 5,
      })
      .map((entries) =>
        branch(
          entries.flatMap(([name, value, comment]) => [
            ...(comment === null ? [] : [{ key: new Comment(comment), value: null }]),
            { key: name, value },
          ]),
        ),
      ),
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, recurse('mapping'), recurse('sequence')),
    sequence: fc.array(recurse('value'), { maxLength: 4 }).map((items) => list(items)),
  }));
  return mapping;
}

/** Encrypts `input` and decrypts the result with the pipeline the CLI runs. */
async function roundTrip(store: Store, input: Uint8Array): Promise<{ encrypted: string; output: Uint8Array; leaves: ReturnType<typeof leavesInWalkOrder> }> {
  const encrypted = await encryptDocument({
    input,
    fileName: `property.${store.name}`,
    inputStore: store,
    outputStore: store,
    keyGroups: [keySource.fromUrls(keyUrl)],
  });
  const decrypted = await decryptDocument({
    input: encrypted.output,
    fileName: `property.enc.${store.name}`,
    inputStore: store,
    outputStore: store,
    keySources: [keySource],
  });
  return { encrypted: Buffer.from(encrypted.output).toString('utf8'), output: decrypted.output, leaves: leavesInWalkOrder(decrypted.branches) };
}

describe('encrypt and decrypt round trip', () => {
  it.each([
    ['yaml', true],
    ['json', false],
  ] as const)('%s documents come back unchanged', async (storeName, withComments) => {
    const store = getStore(storeName);
    let roundTrips = 0;
    await fc.assert(
      fc.asyncProperty(documentArbitrary(withComments), async (document) => {
        // The input must already be in the layout sops writes, so the output
        // can equal it. A comment at some places of nested lists reads back
        // at another place, so the emitted text is read and written once more.
        const input = store.emitPlainFile(store.loadPlainFile(store.emitPlainFile([document])));
        fc.pre(Buffer.compare(Buffer.from(store.emitPlainFile(store.loadPlainFile(input))), Buffer.from(input)) === 0);
        const { encrypted, output, leaves } = await roundTrip(store, input);
        roundTrips++;
        expect(encrypted).toContain(keyUrl.slice(keyUrl.lastIndexOf('/') + 1));

        expect(Buffer.from(output).toString('utf8')).toBe(Buffer.from(input).toString('utf8'));
        expect(leaves).toEqual(leavesInWalkOrder(store.loadPlainFile(input)));
        // Every non-empty string is encrypted, so none appears in clear text.
        for (const leaf of leaves) {
          if (leaf.type === 'str' && leaf.plaintext.length >= 6 && !leaf.plaintext.startsWith('ENC[')) {
            expect(encrypted).not.toContain(leaf.plaintext);
          }
        }
      }),
      { numRuns: RUNS },
    );
    // Runs skipped by fc.pre do not count, so every one of the runs reached the vault.
    expect(roundTrips).toBe(RUNS);
  });
});
