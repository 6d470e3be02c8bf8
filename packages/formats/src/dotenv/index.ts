export { createDotenvStore, dotenvStore, hasDotenvMetadata, type DotenvStoreOptions } from './store.js';
