export * from './tree.js';
export * from './errors.js';
export * from './keys.js';
export * from './metadata.js';
export * from './data-key.js';
