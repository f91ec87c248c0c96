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
