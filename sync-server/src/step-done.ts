import type { Doc, Pouch } from './storage.ts';

/**
 * A progress update that says its step was already done (`statusBefore: 'done'`) is a note on a
 * done step, and needs no evidence (`marksDone` in the shared rules). The rules read one document
 * at a time, as CouchDB's `validate_doc_update` does, so they take the writer's word for it; this
 * server checks it against the step's other updates, so that no one marks a step done without
 * evidence by claiming it was done already.
 *
 * Sound offline: a device can only have seen its step done through an update it wrote itself (sent
 * before this one, in this batch or an earlier one, as the replicator sends in order) or one it
 * pulled from here. Whether the step was reopened since does not matter: a device that had not yet
 * seen the reopening wrote its note in good faith, and the step's evidence was given once.
 */
export const claimsDoneBefore = (doc: Doc): boolean =>
	doc.type === 'progress-update' &&
	!doc._deleted &&
	doc.status === 'done' &&
	doc.statusBefore === 'done' &&
	typeof doc.nextStepId === 'string';

export const NOT_DONE_BEFORE =
	'This next step has not been marked done at the trust, so marking it done needs a short note of the evidence.';

/**
 * Whether the step of `doc` (a `claimsDoneBefore` update) is done by an update accepted earlier in
 * the same batch (`earlier`) or one this database holds. Updates are kept under `progress:<step>:`
 * (`progressDocId`); each found is checked for its step, as an id names it only by convention. What
 * the database holds is read once per step and batch (`onDisk`): a batch of claims on one step with
 * many updates costs one range read, not one for each claim.
 */
export async function stepWasDone(
	db: Pouch,
	doc: Doc,
	earlier: readonly Doc[],
	onDisk: Map<string, boolean>
): Promise<boolean> {
	const step = doc.nextStepId as string;
	const isDone = (d: Doc) =>
		d.type === 'progress-update' && d.nextStepId === step && d.status === 'done' && !d._deleted;
	if (earlier.some(isDone)) return true;
	let done = onDisk.get(step);
	if (done === undefined) {
		const prefix = `progress:${step.slice('next-step:'.length)}:`;
		const rows = await db.allDocs({
			startkey: prefix,
			endkey: `${prefix}\uffff`,
			include_docs: true
		});
		done = rows.rows.some((r) => r.doc && isDone(r.doc as Doc));
		onDisk.set(step, done);
	}
	return done;
}
