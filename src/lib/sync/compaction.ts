/**
 * When a device compacts its copy of a database (issue 17). Compaction only gives back disk space:
 * revisions pile up slowly, and a compaction reads the revision tree of every document changed
 * since the last one, in long tasks on the main thread (about 0.7 s of a throttled phone for a
 * school of 850 documents). It used to be remembered in memory only, so every start of the app
 * compacted every database again as soon as it had settled with the trust, just as the head began
 * to use the list. The time of the last compaction is now kept on the device, per person and
 * database, and a database is compacted at most once a day.
 */
export const COMPACT_EVERY_MS = 24 * 3_600_000;

/**
 * Nor in the app's first minute: a person who has just opened it is reading and typing, and a
 * compaction the app is closed in the middle of starts again next time. It waits until the app has
 * been open this long (a pass with the trust that settles before then asks again at that moment).
 */
export const COMPACT_AFTER_START_MS = 60_000;

type Store = Pick<Storage, 'getItem' | 'setItem'>;

export class CompactionClock {
	readonly #memory = new Map<string, number>();
	readonly #store: Store | null;
	readonly user: string;

	constructor(store: Store | null, user: string) {
		this.#store = store;
		this.user = user;
	}

	#key(db: string): string {
		return `si:compacted:${this.user}:${db}`;
	}

	/** Whether `db` was last compacted (as far as this device knows) a day or more ago. */
	due(db: string, now = Date.now()): boolean {
		let last = this.#memory.get(db) ?? 0;
		try {
			last = Math.max(last, Number(this.#store?.getItem(this.#key(db))) || 0);
		} catch {
			// Storage refused (a private window): what this session remembers is all there is.
		}
		// A clock set back makes `last` lie in the future: compact rather than wait for it.
		return now - last >= COMPACT_EVERY_MS || last > now;
	}

	/** Remember that `db` was compacted at `now`. */
	done(db: string, now = Date.now()): void {
		this.#memory.set(db, now);
		try {
			this.#store?.setItem(this.#key(db), String(now));
		} catch {
			// Kept in memory for this session.
		}
	}
}
