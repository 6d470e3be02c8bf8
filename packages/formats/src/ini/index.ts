export { createIniStore, hasIniMetadata, iniStore, type IniStoreOptions } from './store.js';
