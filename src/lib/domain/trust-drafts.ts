import type { DraftError } from './attainment-framework-edit.ts';
import type { TrustSettings, VisitCalendar } from './trust.ts';

// The trust's settings and visit calendar are saved as the administrator types (no save button),
// so what cannot be saved yet is said beside the field, in the administrator's words, and nothing
// is written until it is put right. These are the rules of `TrustSettings` and `VisitCalendar`.
// A message's `field` is the form field's id: `trust-name`, `threshold`, `focus-0`, `documents-3`.

const LABEL_MAX = 200;
const FOCUS_MAX = 1000;
const AREAS_MAX = 10;

/** What stops the trust's settings being saved as they stand; empty when they can be. */
export function trustSettingsProblems(
	draft: Pick<TrustSettings, 'name' | 'suppressionThreshold'>
): DraftError[] {
	const problems: DraftError[] = [];
	const name = draft.name.trim();
	if (name === '') problems.push({ field: 'trust-name', message: 'Give the trust a name.' });
	else if (name.length > LABEL_MAX)
		problems.push({
			field: 'trust-name',
			message: `Keep the trust’s name to ${LABEL_MAX} characters or fewer.`
		});
	// An emptied number box gives null; a browser may give NaN.
	const n: unknown = draft.suppressionThreshold;
	const threshold = (message: string) => problems.push({ field: 'threshold', message });
	if (typeof n !== 'number' || Number.isNaN(n))
		threshold('Give the smallest group shown: a whole number from 1 to 30.');
	else if (n < 1) threshold('The smallest group shown must be at least 1.');
	else if (n > 30) threshold('The smallest group shown must be at most 30.');
	else if (!Number.isInteger(n)) threshold('The smallest group shown must be a whole number.');
	return problems;
}

type Term = VisitCalendar['terms'][number];
const LISTS = ['focusAreas', 'documents', 'completedOnDay', 'activities'] as const;

/** What stops the visit calendar being saved as it stands (its terms as typed, one item a line). */
export function calendarProblems(terms: readonly Omit<Term, 'term'>[]): DraftError[] {
	const problems: DraftError[] = [];
	terms.forEach((t, i) => {
		const focus = t.focus.trim();
		if (focus === '') problems.push({ field: `focus-${i}`, message: 'Give the term a focus.' });
		else if (focus.length > FOCUS_MAX)
			problems.push({
				field: `focus-${i}`,
				message: 'Keep the focus to 1,000 characters or fewer.'
			});
		for (const list of LISTS) {
			const items = t[list] ?? [];
			if (items.some((line) => line.trim().length > LABEL_MAX))
				problems.push({
					field: `${list}-${i}`,
					message: `Keep each line to ${LABEL_MAX} characters or fewer.`
				});
			else if (list === 'focusAreas' && items.length > AREAS_MAX)
				problems.push({
					field: `${list}-${i}`,
					message: `List at most ${AREAS_MAX} discussion areas.`
				});
		}
	});
	return problems;
}
