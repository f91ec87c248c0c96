import Dexie, { type ObservabilitySet } from 'dexie';

/** What a query with a `keep` name last read, and whether its tables changed since. */
interface Kept {
	prefixes: string[];
	value: unknown;
	/** Changes to the tables seen so far, and how many had been seen when `value` was read. */
	changes: number;
	readAt: number;
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
	let entry: Kept | undefined;
	if (keep !== undefined) {
		if (!keeping) {
			keeping = true;
			Dexie.on.storagemutated.subscribe((parts: ObservabilitySet) => {
				for (const k of kept.values()) if (touches(parts, k.prefixes)) k.changes++;
			});
		}
		entry = kept.get(keyOf(db.name, keep));
		if (!entry) {
			entry = { prefixes, value: undefined, changes: 0, readAt: -1 };
			kept.set(keyOf(db.name, keep), entry);
		}
	}
	let closed = false;
	let running = false;
	let again = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const run = async () => {
		timer = undefined;
		running = true;
		again = false;
		const seen = entry?.changes ?? 0;
		try {
			const value = await query();
			if (entry) {
				entry.value = value;
				entry.readAt = seen;
			}
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
