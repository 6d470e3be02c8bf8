export { createJsonStore, jsonIndentString, jsonStore, JsonStore, type JsonStoreOptions } from './store.js';
export { formatJsonValue, quoteGoJsonBytes, quoteGoJsonString } from './emit.js';
export { parseJsonTree, type DuplicateKeyPolicy } from './parse.js';
export { parseJsonSetValue } from './set-value.js';
export { formatGoJsonFloat } from './number.js';
