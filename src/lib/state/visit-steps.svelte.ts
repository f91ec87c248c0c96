import type { NextStepRow } from '$lib/db/read-model';
import { Live } from './live.svelte';
import { workspace } from './workspace.svelte';

/**
 * The next steps proposed at a visit, kept current (a step added on another device shows when it
 * syncs). Read once for the visit's page: its list (`VisitNextSteps`) and its confirmation
 * (`VisitActions`, which agrees the steps listed) are given the same rows. Create it during
 * component init.
 */
export class VisitSteps {
	#live: Live<{ visitId: string; rows?: NextStepRow[]; failed?: true }>;

	constructor(visitId: () => string) {
		this.#live = new Live(async () => {
			const id = visitId();
			try {
				return {
					visitId: id,
					rows: await workspace.rm.nextSteps.where('visitId').equals(id).toArray()
				};
			} catch (err) {
				// Kept with the visit it was for, so another visit's page never shows this failure.
				console.error('Reading the next steps of a visit failed', err);
				return { visitId: id, failed: true as const };
			}
		}, visitId);
	}

	/**
	 * Whether the steps of `visitId` could not be read: the page says so, since "Confirm" waits
	 * for them and would otherwise stay greyed out with no reason given.
	 */
	failed(visitId: string): boolean {
		const read = this.#live.value;
		return read?.visitId === visitId && !!read.failed;
	}

	/**
	 * The steps of `visitId`, or undefined until they are read. The rows of the visit the page
	 * showed before are never handed to the next one while its own are being read.
	 */
	of(visitId: string): NextStepRow[] | undefined {
		const read = this.#live.value;
		return read?.visitId === visitId ? read.rows : undefined;
	}
}
