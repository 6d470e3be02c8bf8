export {
  BINARY_DATA_KEY,
  binaryStore,
  BinaryStore,
  createBinaryStore,
  isSingleValueStore,
  type BinaryStoreOptions,
} from './store.js';
