/** A write the device would not store (IndexedDB refused it), in words the person can act on. */
export class StorageRefused extends Error {
	override name = 'StorageRefused';
}

/**
 * Whether a PouchDB error is the device's storage refusing: `full` (`QuotaExceededError`), or
 * `failed` (another abort of its IndexedDB transaction, or a call on the connection such an abort
 * closed: `InvalidStateError`, until the database is opened again). PouchDB's own message for
 * these is "unknown", with the browser's reason beside it. Anything else: null.
 */
export function storageFailure(err: unknown): 'full' | 'failed' | null {
	if (typeof err !== 'object' || err === null) return null;
	const e = err as { name?: unknown; reason?: unknown; message?: unknown };
	const said = [e.name, e.reason, e.message].filter((x) => typeof x === 'string').join(' ');
	if (/quota/i.test(said)) return 'full';
	if (e.name === 'indexed_db_went_bad' || e.name === 'InvalidStateError') return 'failed';
	return null;
}

/** What to tell the person when the device's storage refused a save, or a sync pass. */
export function storageMessage(kind: 'full' | 'failed', doing: 'save' | 'sync'): string {
	const room = 'Free some space on it (Settings shows how much this app uses)';
	if (doing === 'save') {
		return kind === 'full'
			? `Not saved: this device’s storage is full. ${room}, then save again.`
			: 'Not saved: this device could not store it. Save again; if it goes on, reload the app.';
	}
	return kind === 'full'
		? `this device’s storage is full. ${room}; sync tries again by itself.`
		: 'this device could not store what it received. Sync tries again by itself; if it goes on, reload the app.';
}

/** The error of a write the device refused to store, as a `StorageRefused`; anything else as it is. */
export function storageRefusal(err: unknown): unknown {
	const kind = storageFailure(err);
	return kind ? new StorageRefused(storageMessage(kind, 'save'), { cause: err }) : err;
}
