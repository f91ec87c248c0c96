import { liveQuery } from 'dexie';

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
