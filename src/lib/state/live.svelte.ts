import type Dexie from 'dexie';
import { liveQuery } from 'dexie';
import { untrack } from 'svelte';
import { keptValue, watchTables } from './watch-tables';

/** Queries of the screens on show that have not answered yet (`firstAnswers`). */
let unanswered = 0;
let whenAnswered: (() => void)[] = [];

/** Counts a query as waiting for its first answer; call what it returns when it has one (once is enough). */
function awaitAnswer(): () => void {
	unanswered++;
	let waiting = true;
	return () => {
		if (!waiting) return;
		waiting = false;
		unanswered--;
		if (unanswered > 0) return;
		const resolved = whenAnswered;
		whenAnswered = [];
		for (const resolve of resolved) resolve();
	};
}

/**
 * Resolves once every query of the screens on show has answered at least once: what a cold start
 * waits for before it loads the rest of the app (issue 17), so that the first screen's reads of
 * the device's records are not queued behind PouchDB opening its databases.
 */
export function firstAnswers(): Promise<void> {
	if (unanswered === 0) return Promise.resolve();
	return new Promise((resolve) => whenAnswered.push(resolve));
}

/**
 * A read-model query that stays current: it re-runs whenever the tables it read change (Dexie's
 * liveQuery) and whenever the reactive values it uses change. Create it during component init.
 *
 * Dexie runs the query at once only when no other IndexedDB work is in flight; otherwise it runs
 * it a tick later, outside this effect, and the reactive values it reads (a search box, a route
 * parameter) would not be tracked. `inputs` names them so they are always read here.
 */
export class Live<T> {
	// Raw: each answer replaces the last whole and is never changed in place. A deep proxy put a
	// trap on every read of every row (the head's home reads 500 next steps seven times over to
	// group them: about 30 ms of a throttled phone's first screen, issue 17).
	value = $state.raw<T | undefined>(undefined);
	error = $state<unknown>(undefined);
	loading = $derived(this.value === undefined && this.error === undefined);

	constructor(query: () => Promise<T>, inputs?: () => unknown) {
		$effect(() => {
			inputs?.();
			const first = awaitAnswer();
			const subscription = liveQuery(query).subscribe({
				next: (value) => {
					this.value = value;
					this.error = undefined;
					first();
				},
				error: (err: unknown) => {
					this.error = err;
					first();
				}
			});
			return () => {
				subscription.unsubscribe();
				first();
			};
		});
	}
}

/**
 * A read-model query over whole tables (the CEO's dashboard), kept current as `watchTables` does
 * (src/lib/state/watch-tables.ts says why not with liveQuery). With `keep`, a screen opened again
 * while none of its tables changed draws the last result at once.
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
		options: { pause?: number; keep?: string } = {}
	) {
		// Drawn with the first render, while it still holds.
		const first = untrack(() => {
			try {
				return keptValue<T>(db().name, options.keep);
			} catch {
				return undefined;
			}
		});
		if (first) this.value = first.value;
		$effect(() => {
			const first = awaitAnswer();
			const stop = watchTables(
				db(),
				tables,
				() => untrack(query),
				(result) => {
					if ('error' in result) this.error = result.error;
					else {
						this.value = result.value;
						this.error = undefined;
					}
					first();
				},
				options
			);
			return () => {
				stop();
				first();
			};
		});
	}
}
