import { TRUST_DB } from '../../src/lib/domain/index.ts';
import type { Doc, Storage } from './storage.ts';

/**
 * Trust documents the write rules consult on every write to a school database (the school's
 * registry entry, the trust settings, the list of people), kept in memory so that the hot path
 * reads nothing. Every committed write to the trust database empties it: the storage announces a
 * write (`notify`) before the write is answered, so whatever is written after that answer sees
 * the new state. A read that was under way while the trust changed is not kept.
 */
export class TrustCache {
	/** Reads by document id; a trust write empties it, so a read under way then is not kept. */
	private readonly docs = new Map<string, Promise<Doc | null>>();

	private readonly storage: Storage;

	constructor(storage: Storage) {
		this.storage = storage;
		const clear = (name: string) => {
			if (name === TRUST_DB) this.docs.clear();
		};
		storage.events.on('change', clear);
		storage.events.on('deleted', clear);
	}

	/** The trust document's winning revision, or null if there is none (or no trust database). */
	get(id: string): Promise<Doc | null> {
		const cached = this.docs.get(id);
		if (cached) return cached;
		const read = (async () => {
			const trust = await this.storage.get(TRUST_DB);
			if (!trust) return null;
			try {
				return await trust.get(id);
			} catch (err) {
				if ((err as { status?: number }).status === 404) return null;
				throw err;
			}
		})();
		this.docs.set(id, read);
		// A failed read fails its write, and the next write reads again.
		read.catch(() => {
			if (this.docs.get(id) === read) this.docs.delete(id);
		});
		return read;
	}
}

const caches = new WeakMap<Storage, TrustCache>();

/** The storage's one cache, made on first use. */
export function trustCache(storage: Storage): TrustCache {
	let cache = caches.get(storage);
	if (!cache) caches.set(storage, (cache = new TrustCache(storage)));
	return cache;
}
