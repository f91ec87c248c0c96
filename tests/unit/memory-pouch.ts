import { createRequire } from 'node:module';
import PouchDB from 'pouchdb-node';

/**
 * PouchDB databases in memory for node tests, opened as the app opens its local databases (long
 * revision history, no auto-compaction). Each name keeps its store for the whole test file, so
 * closing and opening a database again behaves like a device reloading the app.
 */
const memdown = createRequire(import.meta.url)('memdown') as () => unknown;
const stores = new Map<string, unknown>();
let counter = 0;

export const uniqueName = (prefix: string) => `${prefix}-${++counter}-${process.pid}`;

export function openMemoryDb(name: string): PouchDB.Database {
	return new PouchDB(name, {
		db: ((location: string) => {
			let store = stores.get(location);
			if (!store) stores.set(location, (store = memdown()));
			return store;
		}) as never,
		revs_limit: 1000,
		auto_compaction: false
	} as PouchDB.Configuration.DatabaseConfiguration);
}

/** Forget every store whose name starts with this prefix (end of a generated case). */
export function dropStores(prefix: string): void {
	for (const k of stores.keys()) if (k.startsWith(prefix)) stores.delete(k);
}
