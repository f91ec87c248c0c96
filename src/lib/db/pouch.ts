import PouchDB from 'pouchdb-browser';
import { couchUrl } from '$lib/config';
import { guardStalls, REPLICATION_LIMITS } from '$lib/sync/stall';
import { storageFailure } from './storage-refused';

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

/** An error of a PouchDB whose IndexedDB connection may have failed (see `forgetBroken`). */
const connectionFailure = (err: unknown) => storageFailure(err) !== null;

/**
 * After an error from a local database: if its IndexedDB connection has gone, forget it, so that
 * the next `localDb` opens the database again. PouchDB's IndexedDB adapter closes its connection
 * for good when any of its transactions aborts (the abort reaches the connection's `onabort`): a
 * device that ran out of storage, once, would otherwise fail every later save and sync of that
 * database until the page was reloaded. Its errors then are `indexed_db_went_bad` (the abort) and
 * `InvalidStateError` ("The database connection is closing").
 *
 * The instance is tried first, in a later task (the connection closes as the abort event bubbles,
 * after the failed call has been answered), and forgotten only if it fails too: an instance opened
 * again since, or one whose connection survived, is kept. It is not closed: its connection is
 * closed already, and closing it would drop a new instance's connection from PouchDB's cache.
 */
export function forgetBroken(user: string, db: string, err: unknown): void {
	void reopenIfBroken(user, db, err);
}

/**
 * `forgetBroken`, answering with the database opened again if the instance was forgotten (null if
 * it was not): a save that failed on a broken connection is tried once more on the new one.
 *
 * `failedOn`, the instance a save failed on, answers for that save when someone else got there
 * first: a save, the sync and the lists each find a broken connection at once, and only the first
 * opens the database again; the save is then tried on the instance open by then, not refused.
 */
export async function reopenIfBroken(
	user: string,
	db: string,
	err: unknown,
	failedOn?: PouchDB.Database
): Promise<PouchDB.Database | null> {
	if (!connectionFailure(err)) return null;
	const name = localDbName(user, db);
	const instance = open.get(name);
	if (!instance) return null;
	await new Promise((resolve) => setTimeout(resolve, 0));
	const broken = await instance.info().then(
		() => false,
		(again: unknown) => connectionFailure(again)
	);
	const now = open.get(name);
	// Opened again by another caller meanwhile.
	if (now !== instance) return failedOn ? (now ?? localDb(user, db)) : null;
	// Sound: a save that failed on an instance forgotten before is tried on this one.
	if (!broken) return failedOn && failedOn !== instance ? instance : null;
	open.delete(name);
	for (const listener of forgotten) listener(user, db);
	return localDb(user, db);
}

const forgotten = new Set<(user: string, db: string) => void>();

/**
 * Hear of each local database forgotten by `forgetBroken`: what follows it on the old instance (a
 * live changes feed, which PouchDB lets fall silent rather than fail) must start again on the new
 * one. Returns the way to stop hearing.
 */
export function onForgotten(listener: (user: string, db: string) => void): () => void {
	forgotten.add(listener);
	return () => forgotten.delete(listener);
}

/**
 * Requests to the trust, with the session cookie, given up when the server stops answering
 * (`guardStalls`): a pass waiting on a dead connection would otherwise never finish.
 */
const toTrust = guardStalls(
	(url, opts) => PouchDB.fetch(url, { ...opts, credentials: 'include' }),
	REPLICATION_LIMITS
);

/** The trust's copy of a database. The session cookie goes with every request. */
export function remoteDb(db: string): PouchDB.Database {
	return new PouchDB(`${couchUrl()}/${db}`, { skip_setup: true, fetch: toTrust });
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

/**
 * The databases a user has on this device as IndexedDB lists them (PouchDB names its own
 * `_pouch_<name>`), the session's or not: a school taken away and kept for what was not sent is
 * no longer the session's. Empty where the browser cannot list its databases.
 */
export async function storedLocalDbs(user: string): Promise<string[]> {
	const prefix = `_pouch_${localDbName(user, '')}`;
	const all = (await indexedDB.databases?.().catch(() => [])) ?? [];
	return all.flatMap(({ name }) => (name?.startsWith(prefix) ? [name.slice(prefix.length)] : []));
}

export async function closeLocalDbs(): Promise<void> {
	const all = [...open.values()];
	open.clear();
	await Promise.all(all.map((db) => db.close()));
}
