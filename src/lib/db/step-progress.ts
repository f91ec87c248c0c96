import type { ProgressUpdate } from '$lib/domain';
import type { ProgressRow, ReadModel, StepProgressRow } from './read-model';

/** By moment, then id, compared as IndexedDB compares strings (code units, not locale). */
function byMoment(a: ProgressUpdate, b: ProgressUpdate): number {
	if (a.at !== b.at) return a.at < b.at ? -1 : 1;
	return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

/** A next step's row of progress updates, in order (see `StepProgressRow`). */
export function stepProgressRow(nextStepId: string, updates: ProgressUpdate[]): StepProgressRow {
	const sorted = [...updates].sort(byMoment);
	return { nextStepId, ids: sorted.map((u) => u._id), updates: sorted };
}

/** The update a next step takes its status from: the latest, and of two at that moment the first by id. */
export function latestUpdate(updates: readonly ProgressUpdate[]): ProgressUpdate | undefined {
	let latest: ProgressUpdate | undefined;
	for (const u of updates) {
		if (!latest || latest.at < u.at || (latest.at === u.at && u._id < latest._id)) latest = u;
	}
	return latest;
}

export const progressRow = (u: ProgressUpdate): ProgressRow => ({
	_id: u._id,
	nextStepId: u.nextStepId,
	schoolId: u.schoolId,
	at: u.at,
	doc: u
});

/** A next step's progress updates, oldest first. */
export async function updatesOf(rm: ReadModel, nextStepId: string): Promise<ProgressUpdate[]> {
	return (await rm.stepProgress.get(nextStepId))?.updates ?? [];
}
