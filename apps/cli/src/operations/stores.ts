import type { Store, StoreRegistry } from '@azkv/formats';

/** The input and output stores of one command, chosen as sops chooses them. */
export interface StorePair {
  input: Store;
  output: Store;
}

/**
 * Picks the stores for a file: an explicit `--input-type` / `--output-type`
 * wins, otherwise the ending of the file name (or of `--filename-override`)
 * decides, and unknown endings mean binary. The output store follows the
 * input file name, never the `--output` path, as in sops. Unlike sops, an
 * unknown type name is an error instead of a silent fallback to the path.
 */
export function selectStores(registry: StoreRegistry, fileName: string, inputType?: string, outputType?: string): StorePair {
  const input = inputType === undefined ? registry.forPath(fileName) : registry.get(inputType);
  if (outputType !== undefined) {
    return { input, output: registry.get(outputType) };
  }
  // Standard input without --filename-override has no name to go by, so the
  // output keeps the input format instead of falling back to binary.
  return { input, output: fileName === '' ? input : registry.forPath(fileName) };
}
