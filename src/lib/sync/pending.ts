/**
 * What this device holds that the trust has not acknowledged, per database (issue 12).
 *
 * The answer is computed from the local database itself: its changes feed after a mark, less the
 * revisions known to be on the server. The mark and those revisions are kept in a `_local`
 * document of the same database (never replicated, not in the changes feed), so the count survives
 * a reload, a crash and a sign-out that was refused, and goes with the data if the database is
 * removed. They move only on proof that the server holds a revision: the push replication wrote it
 * (the server accepted the batch), the pull replication brought it, or the server's `_revs_diff`
 * says it has every revision of the document. Going offline, a paused feed or a refused write
 * proves nothing, so a document the server refused stays waiting until it is resolved.
 */

type Seq = string | number;
type Change = { id: string; seq: Seq; deleted?: boolean; changes: { rev: string }[] };

export const MARK_ID = '_local/si-sent';

/** Kept in the local database beside the records it speaks of. */
interface Mark {
	_id: typeof MARK_ID;
	_rev?: string;
	/** Every change up to this sequence of the local database is on the server. */
	seq: Seq;
	/** Later documents whose listed revisions the server is known to hold. */
	acked: Record<string, string[]>;
	/** When a document this device changed was last known to have reached the server. */
	sent: Record<string, string>;
}

/** A record that has not reached the trust. */
export interface Waiting {
	id: string;
	deleted: boolean;
}

/** How many send times are remembered per database (the most recent). */
const SENT_KEPT = 500;

export class PendingTracker {
	readonly #local: (db: string) => PouchDB.Database;
	/** Writes of each database's mark, one after another. */
	readonly #queue = new Map<string, Promise<unknown>>();
	readonly #now: () => Date;

	readonly #legacy: (db: string) => string | null;

	/**
	 * `legacy` gives the mark an earlier version of the app kept in localStorage (everything up to
	 * it was proved on the server), used once when the database has no mark of its own yet.
	 */
	constructor(
		local: (db: string) => PouchDB.Database,
		now = () => new Date(),
		legacy: (db: string) => string | null = () => null
	) {
		this.#local = local;
		this.#now = now;
		this.#legacy = legacy;
	}

	async #read(db: string): Promise<Mark> {
		try {
			const mark = (await this.#local(db).get(MARK_ID)) as unknown as Mark;
			return { ...mark, acked: mark.acked ?? {}, sent: mark.sent ?? {} };
		} catch (err) {
			if ((err as { status?: number }).status !== 404) throw err;
			return { _id: MARK_ID, seq: this.#legacy(db) ?? 0, acked: {}, sent: {} };
		}
	}

	/** Change the mark; calls for one database run one after another, so none is lost. */
	#update(db: string, change: (mark: Mark) => Promise<void> | void): Promise<void> {
		const run = async () => {
			const mark = await this.#read(db);
			await change(mark);
			const times = Object.entries(mark.sent);
			if (times.length > SENT_KEPT) {
				times.sort((a, b) => b[1].localeCompare(a[1]));
				mark.sent = Object.fromEntries(times.slice(0, SENT_KEPT));
			}
			await this.#local(db).put(mark as unknown as PouchDB.Core.PutDocument<object>);
		};
		const next = (this.#queue.get(db) ?? Promise.resolve()).then(run, run);
		this.#queue.set(
			db,
			next.catch(() => undefined)
		);
		return next;
	}

	async #since(db: string, mark: Mark): Promise<{ changes: Change[]; lastSeq: Seq }> {
		// IndexedDB sequences are numbers: a string "42" would sort after every one of them.
		const since =
			typeof mark.seq === 'string' && /^\d+$/.test(mark.seq) ? Number(mark.seq) : mark.seq;
		const res = await this.#local(db).changes({ since, style: 'all_docs', return_docs: true });
		const changes = (res.results as unknown as Change[]).filter(
			(c) => !c.id.startsWith('_design/')
		);
		return { changes, lastSeq: res.last_seq };
	}

	static #held(mark: Mark, c: Change): boolean {
		const known = mark.acked[c.id];
		return !!known && c.changes.every((r) => known.includes(r.rev));
	}

	/** The records changed on this device that the trust is not known to have. */
	async waiting(db: string): Promise<Waiting[]> {
		const mark = await this.#read(db);
		const { changes } = await this.#since(db, mark);
		return changes
			.filter((c) => !PendingTracker.#held(mark, c))
			.map((c) => ({ id: c.id, deleted: !!c.deleted }));
	}

	/** When each record this device sent was last known to be at the trust. */
	async sentTimes(db: string): Promise<Record<string, string>> {
		return (await this.#read(db)).sent;
	}

	/**
	 * Revisions the server now holds: `sent` for those the push replication wrote (they get a send
	 * time), otherwise brought from the server by the pull.
	 */
	acknowledge(
		db: string,
		docs: { _id: string; _rev?: string }[],
		how: 'sent' | 'received'
	): Promise<void> {
		const at = this.#now().toISOString();
		return this.#update(db, (mark) => {
			for (const d of docs) {
				if (!d._rev) continue;
				const known = mark.acked[d._id] ?? [];
				if (!known.includes(d._rev)) mark.acked[d._id] = [...known, d._rev];
				if (how === 'sent') mark.sent[d._id] = at;
			}
		});
	}

	/**
	 * Ask the server which revisions of the records waiting it lacks; those it has every revision
	 * of are acknowledged, and the mark moves up to the first one it lacks. Returns how many records
	 * it lacks (documents it refused stay waiting until resolved).
	 */
	async verify(db: string, remote: PouchDB.Database): Promise<number> {
		let lacking = 0;
		await this.#update(db, async (mark) => {
			const { changes, lastSeq } = await this.#since(db, mark);
			const open = changes.filter((c) => !PendingTracker.#held(mark, c));
			const missing: Record<string, unknown> = {};
			if (open.length > 0) {
				const query: Record<string, string[]> = {};
				for (const c of open) query[c.id] = c.changes.map((r) => r.rev);
				Object.assign(missing, await remote.revsDiff(query));
			}
			lacking = Object.keys(missing).length;
			const at = this.#now().toISOString();
			for (const c of open) {
				if (c.id in missing) continue;
				mark.acked[c.id] = c.changes.map((r) => r.rev);
				mark.sent[c.id] = at;
			}
			// Everything before the first record the server lacks is on the server: fold it into the
			// sequence, so the mark stays small.
			const first = changes.findIndex((c) => c.id in missing);
			const upTo = first === -1 ? changes.length : first;
			if (upTo === 0) return;
			mark.seq = first === -1 ? lastSeq : changes[first - 1]!.seq;
			for (const c of changes.slice(0, upTo)) delete mark.acked[c.id];
		});
		return lacking;
	}
}
