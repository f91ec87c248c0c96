import { liveQuery } from 'dexie';

/**
 * A read-model query that stays current: it re-runs whenever the tables it read change (Dexie's
 * liveQuery) and whenever the reactive values it uses change. Create it during component init.
 */
export class Live<T> {
	value = $state<T | undefined>(undefined);
	error = $state<unknown>(undefined);
	loading = $derived(this.value === undefined && this.error === undefined);

	constructor(query: () => Promise<T>) {
		$effect(() => {
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
