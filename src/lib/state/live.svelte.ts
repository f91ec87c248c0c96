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

/**
 * A read-model query over whole tables (the CEO's dashboard), kept current without Dexie's
 * liveQuery. While sync catches up, the projector commits a batch every few milliseconds; a
 * liveQuery throws away any result read while a table it watches changed and starts again, so a
 * query that takes longer than the gap between batches never shows anything (the dashboard said
 * "Loading" for 26-35 s while fifty schools arrived) and each restart read every table once more.
 * This one shows what each run read, runs one query at a time, and after a change runs once more,
 * `pause` ms after the last run ended: a busy catch-up redraws the screen a few times a second at
 * most, and a quiet device sees a change at once.
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
		{ pause = 250 }: { pause?: number } = {}
	) {
		$effect(() => {
			const name = db().name;
			const prefixes = tables.map((t) => `idb://${name}/${t}/`);
			let closed = false;
			let running = false;
			let again = false;
			let timer: ReturnType<typeof setTimeout> | undefined;
			const run = async () => {
				timer = undefined;
				running = true;
				again = false;
				try {
					const value = await untrack(query);
					if (!closed) {
						this.value = value;
						this.error = undefined;
					}
				} catch (err) {
					if (!closed) this.error = err;
				}
				running = false;
				if (again && !closed) timer = setTimeout(run, pause);
			};
			const changed = (parts: ObservabilitySet) => {
				if (closed || !Object.keys(parts).some((k) => prefixes.some((p) => k.startsWith(p)))) {
					return;
				}
				if (running || timer !== undefined) again = true;
				else timer = setTimeout(run, 0);
			};
			Dexie.on.storagemutated.subscribe(changed);
			timer = setTimeout(run, 0);
			return () => {
				closed = true;
				clearTimeout(timer);
				Dexie.on.storagemutated.unsubscribe(changed);
			};
		});
	}
}
