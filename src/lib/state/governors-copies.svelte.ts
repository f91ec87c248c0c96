import { governorsDbName } from '$lib/domain/databases';
import { governedSchools } from '$lib/domain/roles';
import type { GovernorsSummary } from '$lib/domain';
import { workspace } from './workspace.svelte';

// Loaded when read, not with the home screen: it parses with the domain's schemas, which a cold
// start cannot afford before its first paint (issue 17).
const copiesDb = () => import('$lib/db/governors');

const governed = () => (workspace.user ? governedSchools(workspace.user) : []);
/** Whether every one of the person's governors' databases has been brought from the trust once. */
const fetchedOnce = () => governed().every((s) => workspace.hasSynced(governorsDbName(s)));

/**
 * The copies of the summary of visits sent to a chair of governors, as their device holds them
 * (read from its governors' database, which no list of the read model follows: a governor's device
 * holds nothing else). Read again after each pass with the trust, which may have brought a new one.
 * Create it during component init.
 */
export class GovernorsCopies {
	/** Newest first; undefined until first read. */
	list = $state.raw<GovernorsSummary[] | undefined>(undefined);
	error = $state('');
	/** Whether every one of the person's governors' databases has been brought from the trust once. */
	synced = $derived.by(fetchedOnce);

	constructor() {
		$effect(() => {
			void workspace.lastSyncAt;
			const schools = governed();
			let current = true;
			const ctx = workspace.ctx;
			copiesDb()
				.then((db) => Promise.all(schools.map((s) => db.governorsSummaries(ctx, s))))
				.then((lists) => {
					if (!current) return;
					this.list = lists
						.flat()
						.sort((a, b) => b.sentOn.localeCompare(a.sentOn) || b.at.localeCompare(a.at));
					this.error = '';
				})
				.catch((err: unknown) => {
					if (current) this.error = err instanceof Error ? err.message : String(err);
				});
			return () => {
				current = false;
			};
		});
	}
}

/** One copy sent to the person as chair of governors; null when this device does not hold it. */
export class GovernorsCopy {
	value = $state.raw<GovernorsSummary | null | undefined>(undefined);
	error = $state('');
	/**
	 * Whether a copy not on this device may still be on its way: the trust not yet asked since the
	 * app opened (a copy opened from its address on a start, before the pass brings it). Set with
	 * `value`, so that the end of the pass does not say "not here" before the copy it brought is read.
	 */
	arriving = $state(false);

	constructor(id: () => string) {
		$effect(() => {
			void workspace.lastSyncAt;
			const want = id();
			const schools = governed();
			const arriving = workspace.checking || !fetchedOnce();
			let current = true;
			const ctx = workspace.ctx;
			copiesDb()
				.then((db) => db.governorsSummary(ctx, schools, want))
				.then((doc) => {
					if (!current) return;
					this.value = doc;
					this.arriving = arriving;
				})
				.catch((err: unknown) => {
					if (current) this.error = err instanceof Error ? err.message : String(err);
				});
			return () => {
				current = false;
			};
		});
	}
}
