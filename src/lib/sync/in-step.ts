/**
 * Which databases need a sync pass when the app starts (issue 17). A device that was in step with
 * the trust when it was last used asks the server which databases changed since then (one
 * `_db_updates` request) instead of syncing every database again: a CEO's device holds fifty
 * schools, and fifty passes of eight requests each made every start slow and busy.
 *
 * What is kept (in localStorage, per user): the `_db_updates` sequence at which every database
 * listed was last in step, and for each, how far this device's own changes had been pushed (the
 * push replication's `last_seq`). A database is left alone at start only when all of this holds:
 * it is listed, nothing has been written on the device since that push (its `update_seq` is the
 * same), and the server names no change to it since that sequence. Anything else, or any doubt
 * (nothing kept, a server that cannot say, an unreadable record), syncs it as before.
 */
export interface InStep {
	/** The `_db_updates` sequence at which the databases below were in step. */
	since: string;
	/** Per database, the device's `update_seq` that its last complete push reached. */
	pushed: Record<string, string>;
}

/** What was kept, or null when there is nothing usable. */
export function readInStep(raw: string | null): InStep | null {
	if (!raw) return null;
	try {
		const value: unknown = JSON.parse(raw);
		if (typeof value !== 'object' || value === null) return null;
		const { since, pushed } = value as Record<string, unknown>;
		if (typeof since !== 'string' || since === '' || since === 'now') return null;
		if (typeof pushed !== 'object' || pushed === null || Array.isArray(pushed)) return null;
		const seqs = Object.entries(pushed).filter(
			(e): e is [string, string] => typeof e[1] === 'string'
		);
		return { since, pushed: Object.fromEntries(seqs) };
	} catch {
		return null;
	}
}

/**
 * Whether a database needs a pass at start. `localSeq` is the device's `update_seq` for it now
 * (null when it could not be read); `changed` the databases the server named as changed since
 * `saved.since` (null when the server could not say).
 */
export function needsPass(
	saved: InStep | null,
	db: string,
	localSeq: string | number | null,
	changed: ReadonlySet<string> | null
): boolean {
	if (!saved || changed === null || localSeq === null) return true;
	const pushed = saved.pushed[db];
	return pushed === undefined || pushed !== String(localSeq) || changed.has(db);
}
