import Dexie, { type ObservabilitySet } from 'dexie';

/** What a query with a `keep` name last read, and whether its tables changed since. */
interface Kept {
	prefixes: string[];
	value: unknown;
	/** Changes to the tables seen so far, and how many had been seen when `value` was read. */
	changes: number;
	readAt: number;
	/** A read under way, and how many changes had been seen when it started. */
	reading?: { seen: number; result: Promise<unknown> };
}
const kept = new Map<string, Kept>();
let keeping = false;

const prefixesOf = (db: string, tables: readonly string[]) =>
	tables.map((t) => `idb://${db}/${t}/`);
const touches = (parts: ObservabilitySet, prefixes: readonly string[]) =>
	Object.keys(parts).some((k) => prefixes.some((p) => k.startsWith(p)));
const keyOf = (db: string, keep: string) => `${db}\u0000${keep}`;

/** The last result kept under `keep`, if none of its tables has changed since it was read. */
export function keptValue<T>(db: string, keep: string | undefined): { value: T } | undefined {
	const k = keep === undefined ? undefined : kept.get(keyOf(db, keep));
	return k && k.readAt === k.changes ? { value: k.value as T } : undefined;
}

/** Forgets every result kept for database `db` (it is closed, or deleted at sign-out). */
export function forgetKept(db: string): void {
	for (const key of kept.keys()) if (key.startsWith(`${db}\u0000`)) kept.delete(key);
}

function keptEntry(db: Dexie, tables: readonly string[], keep: string): Kept {
	if (!keeping) {
		keeping = true;
		Dexie.on.storagemutated.subscribe((parts: ObservabilitySet) => {
			for (const k of kept.values()) if (touches(parts, k.prefixes)) k.changes++;
		});
	}
	let entry = kept.get(keyOf(db.name, keep));
	if (!entry) {
		entry = { prefixes: prefixesOf(db.name, tables), value: undefined, changes: 0, readAt: -1 };
		kept.set(keyOf(db.name, keep), entry);
	}
	return entry;
}

/**
 * Runs `query` and keeps its result in `entry`, or waits for a read of it already under way that
 * started after the last change to its tables (the dashboard opened while it is read ahead).
 */
async function readKept<T>(entry: Kept, query: () => Promise<T>): Promise<T> {
	const under = entry.reading;
	if (under && under.seen === entry.changes) return under.result as Promise<T>;
	const seen = entry.changes;
	const result = query();
	const reading = { seen, result };
	entry.reading = reading;
	try {
		const value = await result;
		// A later read that finished first holds newer records.
		if (seen >= entry.readAt) {
			entry.value = value;
			entry.readAt = seen;
		}
		return value;
	} finally {
		if (entry.reading === reading) delete entry.reading;
	}
}

/**
 * Run `query` now and again whenever one of `tables` changes (in this tab or another), and `show`
 * each result. Not Dexie's liveQuery: while sync catches up the projector commits a batch every
 * few milliseconds, and a liveQuery throws away any result read while a table it watches changed
 * and starts again, so a query that takes longer than the gap between batches never shows
 * anything (the CEO's dashboard said "Loading" for 26-42 s while fifty schools arrived) and each
 * restart read every table once more. Here every result is shown, one query runs at a time, and a
 * change that arrives meanwhile runs it once more `pause` ms after the last run ended: a busy
 * catch-up redraws a few times a second at most, and a quiet device sees a change at once.
 *
 * With `keep`, the last result stays in memory, and a query opened again while none of its tables
 * has changed shows it without reading anything (`keep` must name whatever else the result
 * depends on, such as the day). Returns the function that stops watching.
 */
export function watchTables<T>(
	db: Dexie,
	tables: readonly string[],
	query: () => Promise<T>,
	show: (result: { value: T } | { error: unknown }) => void,
	{ pause = 250, keep }: { pause?: number; keep?: string } = {}
): () => void {
	const prefixes = prefixesOf(db.name, tables);
	const entry = keep === undefined ? undefined : keptEntry(db, tables, keep);
	let closed = false;
	let running = false;
	let again = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const run = async () => {
		timer = undefined;
		running = true;
		again = false;
		try {
			const value = entry ? await readKept(entry, query) : await query();
			if (!closed) show({ value });
		} catch (error) {
			if (!closed) show({ error });
		}
		running = false;
		if (again && !closed) timer = setTimeout(() => void run(), pause);
	};
	const changed = (parts: ObservabilitySet) => {
		if (closed || !touches(parts, prefixes)) return;
		if (running || timer !== undefined) again = true;
		else timer = setTimeout(() => void run(), 0);
	};
	Dexie.on.storagemutated.subscribe(changed);
	const still = keptValue<T>(db.name, keep);
	if (still) show(still);
	else timer = setTimeout(() => void run(), 0);
	return () => {
		closed = true;
		clearTimeout(timer);
		Dexie.on.storagemutated.unsubscribe(changed);
	};
}

/** `requestIdleCallback` where the browser has it (Safari does not): a moment the page is idle. */
function whenIdle(work: () => void): () => void {
	if (typeof requestIdleCallback === 'function') {
		const id = requestIdleCallback(work, { timeout: 5000 });
		return () => cancelIdleCallback(id);
	}
	const id = setTimeout(work, 0);
	return () => clearTimeout(id);
}

/**
 * Reads `query` ahead, into what is kept under `keep()`, while the page is idle: now, and again
 * once `tables` have been quiet for `quiet` ms after a change (while sync catches up they change
 * many times a second, and each read would be out of date before it was shown). A screen that
 * watches the same query with the same `keep` then opens on its result without reading; one opened
 * while the read is under way waits for it. Nothing is read while the kept result still holds.
 * Returns the function that stops it.
 */
export function readAhead<T>(
	db: Dexie,
	tables: readonly string[],
	query: () => Promise<T>,
	keep: () => string,
	{ quiet = 2000 }: { quiet?: number } = {}
): () => void {
	const prefixes = prefixesOf(db.name, tables);
	let closed = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let cancelIdle: (() => void) | undefined;
	const read = () => {
		timer = undefined;
		cancelIdle?.();
		cancelIdle = whenIdle(() => {
			cancelIdle = undefined;
			const name = keep();
			if (closed || keptValue(db.name, name)) return;
			// A failed read is the screen's to show, when it reads for itself.
			readKept(keptEntry(db, tables, name), query).catch(() => undefined);
		});
	};
	const changed = (parts: ObservabilitySet) => {
		if (closed || !touches(parts, prefixes)) return;
		clearTimeout(timer);
		timer = setTimeout(read, quiet);
	};
	Dexie.on.storagemutated.subscribe(changed);
	read();
	return () => {
		closed = true;
		clearTimeout(timer);
		cancelIdle?.();
		Dexie.on.storagemutated.unsubscribe(changed);
	};
}
