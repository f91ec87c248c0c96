import Dexie, { liveQuery, type ObservabilitySet } from 'dexie';
import { untrack } from 'svelte';

/**
 * A read-model query that stays current: it re-runs whenever the tables it read change (Dexie's
 * liveQuery) and whenever the reactive values it uses change. Create it during component init.
 *
 * Dexie runs the query at once only when no other IndexedDB work is in flight; otherwise it runs
 * it a tick later, outside this effect, and the reactive values it reads (a search box, a route
 * parameter) would not be tracked. `inputs` names them so they are always read here.
 */
export class Live<T> {
	value = $state<T | undefined>(undefined);
	error = $state<unknown>(undefined);
	loading = $derived(this.value === undefined && this.error === undefined);

	constructor(query: () => Promise<T>, inputs?: () => unknown) {
		$effect(() => {
			inputs?.();
			const subscription = liveQuery(query).subscribe({
				next: (value) => {
					this.value = value;
					this.error = undefined;
				},
				error: (err: unknown) => {
					this.error = err;
				}
			});
			return () => subscription.unsubscribe();
		});
	}
}

/** What a `Watched` query with a `keep` name last read, and whether its tables changed since. */
interface Kept {
	prefixes: string[];
	value: unknown;
	/** Changes to the tables seen so far, and how many had been seen when `value` was read. */
	changes: number;
	readAt: number;
}
// Not reactive on purpose: a cache beside the screens, read when a screen opens.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const kept = new Map<string, Kept>();
let keeping = false;
const touches = (parts: ObservabilitySet, prefixes: readonly string[]) =>
	Object.keys(parts).some((k) => prefixes.some((p) => k.startsWith(p)));

/**
 * A read-model query over whole tables (the CEO's dashboard), kept current without Dexie's
 * liveQuery. While sync catches up, the projector commits a batch every few milliseconds; a
 * liveQuery throws away any result read while a table it watches changed and starts again, so a
 * query that takes longer than the gap between batches never shows anything (the dashboard said
 * "Loading" for 26-42 s while fifty schools arrived) and each restart read every table once more.
 * This one shows what each run read, runs one query at a time, and after a change runs once more,
 * `pause` ms after the last run ended: a busy catch-up redraws the screen a few times a second at
 * most, and a quiet device sees a change at once.
 *
 * With `keep`, the last result stays in memory while none of its tables has changed (in this tab
 * or another), so coming back to the screen draws it at once instead of reading fifty schools
 * again; `keep` must name everything the result depends on besides the tables (the day).
 */
export class Watched<T> {
	// Raw: each run's result replaces the last whole and is never changed in place, and a deep
	// proxy made every read of fifty schools' records (cells of every booklet) go through a trap.
	value = $state.raw<T | undefined>(undefined);
	error = $state<unknown>(undefined);
	loading = $derived(this.value === undefined && this.error === undefined);

	constructor(
		db: () => Dexie,
		tables: readonly string[],
		query: () => Promise<T>,
		{ pause = 250, keep }: { pause?: number; keep?: string } = {}
	) {
		const prefixesOf = (name: string) => tables.map((t) => `idb://${name}/${t}/`);
		const keyOf = (name: string) => `${name}\u0000${keep}`;
		const fresh = (name: string) => {
			const k = keep ? kept.get(keyOf(name)) : undefined;
			return k && k.readAt === k.changes ? k : undefined;
		};
		// Drawn with the first render, when it is still true.
		const first = untrack(() => {
			try {
				return fresh(db().name);
			} catch {
				return undefined;
			}
		});
		if (first) this.value = first.value as T;

		$effect(() => {
			const name = db().name;
			const prefixes = prefixesOf(name);
			let entry: Kept | undefined;
			if (keep) {
				if (!keeping) {
					keeping = true;
					Dexie.on.storagemutated.subscribe((parts: ObservabilitySet) => {
						for (const k of kept.values()) if (touches(parts, k.prefixes)) k.changes++;
					});
				}
				entry = kept.get(keyOf(name));
				if (!entry) {
					entry = { prefixes, value: undefined, changes: 0, readAt: -1 };
					kept.set(keyOf(name), entry);
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
					const value = await untrack(query);
					if (entry) {
						entry.value = value;
						entry.readAt = seen;
					}
					if (!closed) {
						this.value = value;
						this.error = undefined;
					}
				} catch (err) {
					if (!closed) this.error = err;
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
			const still = fresh(name);
			if (still) {
				// Nothing changed since it was read: no need to read it again.
				if (this.value !== still.value) this.value = still.value as T;
			} else timer = setTimeout(() => void run(), 0);
			return () => {
				closed = true;
				clearTimeout(timer);
				Dexie.on.storagemutated.unsubscribe(changed);
			};
		});
	}
}
