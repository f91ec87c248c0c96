import type { App } from './context.ts';
import type { Storage } from './storage.ts';

export interface DbProblem {
	name: string;
	reason: string;
}

/** How long one database may take to answer before it counts as unavailable. */
const OPEN_TIMEOUT_MS = 10_000;

/**
 * Every database in the data folder that cannot be opened and read (a corrupted LevelDB store, a
 * missing file), with LevelDB's own reason: one bad database must not hide behind "ok".
 */
export async function unavailableDatabases(storage: Storage): Promise<DbProblem[]> {
	const problems: DbProblem[] = [];
	for (const name of storage.list()) {
		try {
			const db = await storage.get(name);
			if (!db) throw new Error('it has disappeared from the data folder');
			let timer: NodeJS.Timeout | undefined;
			await Promise.race([
				db.info(),
				new Promise((_, reject) => {
					timer = setTimeout(
						() => reject(new Error(`it did not answer in ${OPEN_TIMEOUT_MS / 1000} s`)),
						OPEN_TIMEOUT_MS
					);
				})
			]).finally(() => clearTimeout(timer));
		} catch (err) {
			problems.push({ name, reason: err instanceof Error ? err.message : String(err) });
		}
	}
	return problems;
}

/**
 * The same answer for a few seconds: `/_up` is polled by monitors and is open to anyone, so it
 * must not become a way to make the server open every database on every request.
 */
export class HealthCache {
	private last: { at: number; result: Promise<DbProblem[]> } | null = null;
	private readonly storage: Storage;
	private readonly onProblem: (problems: DbProblem[]) => void;
	private reported = '';
	constructor(storage: Storage, onProblem: (problems: DbProblem[]) => void) {
		this.storage = storage;
		this.onProblem = onProblem;
	}

	check(maxAgeMs = 5000): Promise<DbProblem[]> {
		if (this.last && Date.now() - this.last.at < maxAgeMs) return this.last.result;
		const result = unavailableDatabases(this.storage).then((problems) => {
			const key = problems.map((p) => p.name).join(',');
			if (key && key !== this.reported) this.onProblem(problems);
			this.reported = key;
			return problems;
		});
		this.last = { at: Date.now(), result };
		return result;
	}
}

const caches = new WeakMap<App, HealthCache>();

/** The process's health check, which logs each new set of unavailable databases as an error. */
export function health(app: App): HealthCache {
	let cache = caches.get(app);
	if (!cache) {
		cache = new HealthCache(app.storage, (problems) =>
			app.log.error('databases cannot be opened', { databases: problems })
		);
		caches.set(app, cache);
	}
	return cache;
}
