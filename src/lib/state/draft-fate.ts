// Whether the form a draft left unsent was typed in can still be opened, so that the person can
// finish and send it, or is gone for good, so that the text is only worth copying. Decided from
// what this device holds of the record the draft's key names (`draftFacts`); where the device
// cannot tell, the draft may be waiting. Without Svelte and without the databases.

import type { DraftFacts } from '$lib/db/draft-names';

export type { DraftFacts };

/**
 * What the Sync page says of a draft: its form is open to the person (a link to it); it may be
 * waiting (it is not shown now but may come back, or the device cannot tell); or it is gone for
 * good (`why`, in people's words, to follow "This form is no longer open to you: ").
 */
export type DraftFate =
	{ fate: 'open' } | { fate: 'waiting'; why: string } | { fate: 'gone'; why: string };

const CANNOT_TELL =
	'this device does not hold its record, so it cannot tell whether the form is still there';

/** The record each kind of form belongs to, as people would name it once it is deleted. */
const RECORD_OF: Record<string, string> = {
	progress: 'next step',
	reason: 'next step',
	'next-step': 'visit record',
	area: 'visit record',
	visit: 'visit record',
	concern: 'visit record',
	'concern-action': 'concern',
	'vulnerable-edit': 'vulnerable mark',
	'vulnerable-remove': 'vulnerable mark',
	merge: 'record'
};

/** The fate of a draft of `form` (its key's kind: `visit`, `merge`…), from what the device holds. */
export function draftFate(form: string, facts: DraftFacts): DraftFate {
	if (facts.found === 'unknown') return { fate: 'waiting', why: CANNOT_TELL };
	if (facts.found === 'deleted') {
		return { fate: 'gone', why: `its ${RECORD_OF[form] ?? 'record'} was deleted` };
	}
	if (facts.schoolClosed && form !== 'school') {
		return { fate: 'gone', why: 'the school has closed, and its records are read-only' };
	}
	const status = facts.visitStatus;
	switch (form) {
		case 'review':
			return facts.reviewRecorded
				? {
						fate: 'gone',
						why: `a review of the same kind and date is already recorded for this school (${facts.reviewRecorded})`
					}
				: { fate: 'open' };
		case 'progress':
		case 'reason':
		case 'concern':
		case 'plan':
		case 'situation':
		case 'close-school':
		case 'school':
		case 'school-details':
		case 'figures':
		case 'calendar':
			return { fate: 'open' };
		case 'next-step':
		case 'area':
			if (status === 'confirmed') return { fate: 'gone', why: 'the visit record was confirmed' };
			if (status === 'shared') {
				return {
					fate: 'waiting',
					why: 'the record is shared with the headteacher; the form comes back if you take it back to draft'
				};
			}
			return status ? { fate: 'open' } : { fate: 'waiting', why: CANNOT_TELL };
		case 'visit':
			// The visitor's box is the addendum, open once the record is confirmed; the head's are the
			// comment on confirming and the disagreement, open while the record is shared.
			if (facts.isVisitor) {
				return status === 'confirmed'
					? { fate: 'open' }
					: { fate: 'waiting', why: 'an addendum can be added once the head confirms the record' };
			}
			if (status === 'shared') return { fate: 'open' };
			if (status === 'confirmed') return { fate: 'gone', why: 'the record was confirmed' };
			return {
				fate: 'waiting',
				why: 'the visitor took the record back to draft; the form comes back when they share it again'
			};
		case 'concern-action':
			return facts.concernClosed
				? { fate: 'gone', why: 'the concern was closed' }
				: { fate: 'open' };
		case 'vulnerable-mark':
			return facts.markInForce
				? { fate: 'gone', why: 'the school has been marked vulnerable since' }
				: { fate: 'open' };
		case 'vulnerable-edit':
		case 'vulnerable-remove':
			return facts.markInForce ? { fate: 'open' } : { fate: 'gone', why: 'the mark was removed' };
		case 'merge':
			return facts.choiceWaiting
				? { fate: 'open' }
				: { fate: 'gone', why: 'the choice was made, on this device or another' };
		default:
			return { fate: 'waiting', why: CANNOT_TELL };
	}
}
