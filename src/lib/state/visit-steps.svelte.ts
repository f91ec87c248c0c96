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
	#live: Live<{ visitId: string; rows: NextStepRow[] }>;

	constructor(visitId: () => string) {
		this.#live = new Live(async () => {
			const id = visitId();
			return {
				visitId: id,
				rows: await workspace.rm.nextSteps.where('visitId').equals(id).toArray()
			};
		}, visitId);
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
