/**
 * Counts, per database, the local changes that have not reached the trust.
 *
 * A change is known to be on the server when the push replication wrote it, when the pull
 * replication brought it, or when the server said so (`_revs_diff`) after a quiet sync. Only then
 * does the stored mark move, so the count never drops on an event that proves nothing (going
 * offline, a paused feed), and a document the server refused stays counted.
 */
export interface PendingStore {
	get(db: string): string | null;
	set(db: string, seq: string): void;
}

type Change = { id: string; seq: string | number; changes: { rev: string }[] };

export class PendingTracker {
	/** Revisions seen going to or coming from the server since the mark (memory only). */
	#known = new Set<string>();
	readonly #store: PendingStore;
	readonly #local: (db: string) => PouchDB.Database;

	constructor(store: PendingStore, local: (db: string) => PouchDB.Database) {
		this.#store = store;
		this.#local = local;
	}

	/** Revisions the replicator wrote to the server, or brought from it. */
	synced(docs: { _id: string; _rev?: string }[]): void {
		for (const d of docs) if (d._rev) this.#known.add(`${d._id}@${d._rev}`);
	}

	async #since(db: string): Promise<{ changes: Change[]; lastSeq: string | number }> {
		const raw = this.#store.get(db);
		// IndexedDB sequences are numbers: a string "42" would sort after every one of them.
		const since = raw === null ? 0 : /^\d+$/.test(raw) ? Number(raw) : raw;
		const res = await this.#local(db).changes({ since, style: 'all_docs', return_docs: true });
		const changes = (res.results as unknown as Change[]).filter(
			(c) => !c.id.startsWith('_design/')
		);
		return { changes, lastSeq: res.last_seq };
	}

	/** Documents changed on this device that the trust may not have yet. */
	async count(db: string): Promise<number> {
		const { changes } = await this.#since(db);
		return changes.filter((c) => !c.changes.every((r) => this.#known.has(`${c.id}@${r.rev}`)))
			.length;
	}

	/**
	 * After a quiet sync, ask the server which of the candidates it lacks; if none, move the mark.
	 * Returns how many it lacks (documents it refused stay here until resolved).
	 */
	async verify(db: string, remote: PouchDB.Database): Promise<number> {
		const { changes, lastSeq } = await this.#since(db);
		if (changes.length === 0) return 0;
		const query: Record<string, string[]> = {};
		for (const c of changes) query[c.id] = c.changes.map((r) => r.rev);
		const missing = await remote.revsDiff(query);
		const lacking = Object.keys(missing).length;
		if (lacking === 0) {
			this.#store.set(db, String(lastSeq));
			for (const c of changes) for (const r of c.changes) this.#known.delete(`${c.id}@${r.rev}`);
		}
		return lacking;
	}
}
