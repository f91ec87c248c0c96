import PouchDB from 'pouchdb-browser';
import { couchUrl } from '$lib/config';

/**
 * PouchDB is the device's source of truth: every edit is written here first, and replicated from
 * here. Local databases are named per user so two people on one device never share records.
 */
const open = new Map<string, PouchDB.Database>();

export const localDbName = (user: string, db: string) => `si:${encodeURIComponent(user)}:${db}`;

export function localDb(user: string, db: string): PouchDB.Database {
	const name = localDbName(user, db);
	let found = open.get(name);
	if (!found) {
		// A long revision history avoids false conflicts after many offline edits (pouchdb#8654).
		// No auto-compaction: it would delete the body of every revision but the leaves, and the
		// merge of a conflict needs the revision both sides started from. `compactIfSettled`
		// (src/lib/sync/resolve.ts) compacts once nothing waits to be sent and nothing conflicts.
		found = new PouchDB(name, {
			revs_limit: 1000,
			auto_compaction: false,
			// The default, said out loud: automatic merges on two devices must write the same revisions.
			deterministic_revs: true
		});
		open.set(name, found);
	}
	return found;
}

/** The trust's copy of a database. The session cookie goes with every request. */
export function remoteDb(db: string): PouchDB.Database {
	return new PouchDB(`${couchUrl()}/${db}`, {
		skip_setup: true,
		fetch: (url, opts) => PouchDB.fetch(url, { ...opts, credentials: 'include' })
	});
}

/** Close and delete every local database of a user (signing out of a shared device). */
export async function destroyLocalDbs(user: string, dbs: string[]): Promise<void> {
	for (const db of dbs) {
		const name = localDbName(user, db);
		const found = open.get(name) ?? new PouchDB(name);
		open.delete(name);
		await found.destroy();
	}
}

export async function closeLocalDbs(): Promise<void> {
	const all = [...open.values()];
	open.clear();
	await Promise.all(all.map((db) => db.close()));
}
