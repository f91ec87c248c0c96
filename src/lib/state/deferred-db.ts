import { storageRefusal } from '$lib/db/storage-refused';

/**
 * A local database that is not open yet: each method called on it waits for the database, then runs.
 * Only for the calls a repository makes (each returns a promise), in the moment before the engine
 * has loaded; `then` is absent so that the stand-in is never taken for a promise itself.
 */
export function deferredDb(open: () => Promise<PouchDB.Database>): PouchDB.Database {
	return new Proxy({} as PouchDB.Database, {
		get: (_, prop) =>
			prop === 'then'
				? undefined
				: (...args: unknown[]) =>
						open().then((db) => {
							const method = db[prop as keyof PouchDB.Database] as unknown;
							if (typeof method !== 'function') return method;
							return (method as (...a: unknown[]) => unknown).apply(db, args);
						})
	});
}

/** The calls that write to a database. */
const WRITES = new Set(['put', 'post', 'bulkDocs', 'remove', 'putAttachment', 'removeAttachment']);

/**
 * The database, telling `before` as each write starts and `after` once it has ended (stored or
 * not), `stored` once it is stored and `failed` of each error; every other call passes straight
 * through. A write that failed on a broken connection is tried once more on the database `reopen`
 * opens again (PouchDB closes its IndexedDB connection for good after an aborted transaction, see
 * `reopenIfBroken`): nothing of the failed one was stored. A write the device refused to store
 * fails with a `StorageRefused` the person can act on (PouchDB's own message for it is "unknown").
 */
export function watchWrites(
	db: PouchDB.Database,
	hooks: {
		before: () => void;
		after: () => void;
		stored?: () => void;
		failed?: (err: unknown) => void;
		/** Given the error and the database the write failed on. */
		reopen?: (err: unknown, failedOn: PouchDB.Database) => Promise<PouchDB.Database | null>;
	}
): PouchDB.Database {
	return new Proxy(db, {
		get: (target, prop) => {
			const value = Reflect.get(target, prop, target) as unknown;
			if (typeof value !== 'function') return value;
			const method = value as (...a: unknown[]) => unknown;
			if (typeof prop !== 'string' || !WRITES.has(prop)) return method.bind(target);
			const write = async (on: PouchDB.Database, args: unknown[], again: boolean) => {
				try {
					const result = await (on[prop as keyof PouchDB.Database] as typeof method).apply(
						on,
						args
					);
					hooks.stored?.();
					return result;
				} catch (err) {
					hooks.failed?.(err);
					const fresh = again ? await hooks.reopen?.(err, on) : null;
					if (fresh) return write(fresh, args, false);
					throw storageRefusal(err);
				}
			};
			return (...args: unknown[]) => {
				hooks.before();
				return write(target, args, true).finally(hooks.after);
			};
		}
	});
}
