// What pouchdb-browser and Dexie expect of a browser, for unit tests in Node: an IndexedDB
// (fake-indexeddb, in memory) and `self`.
import 'fake-indexeddb/auto';

(globalThis as { self?: unknown }).self ??= globalThis;
