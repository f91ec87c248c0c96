/**
 * A next step's Back returns to the page it was opened from (stops 28-29): the head's home, a
 * visit record, the school's page, its termly overview, the choices waiting for the person, or
 * the Sync page. The link that opens a step says where it is (`?from=`), so Back still knows after
 * a reload, offline, or on a phone where the step was opened straight from the home screen with
 * no history behind it; and it stays a real link (keyboard, long press).
 */
export type StepOrigin = 'home' | 'school' | 'visit' | 'overview' | 'choices' | 'sync';

/** Where a link to a next step is, as the app's own path (no base path; no query but an overview's term). */
export type StepListPath =
	| '/'
	| '/choices'
	| '/sync'
	| `/schools/${string}`
	| `/schools/${string}/overview`
	| `/schools/${string}/overview?term=${number}`
	| `/visits/${string}`;

/**
 * The query a link that opens a next step from the page at `from` adds to the step's address (the
 * link itself is `resolve`d where it is written, as the app's lint asks).
 */
export const fromQuery = (from: StepListPath): string => `?from=${encodeURIComponent(from)}`;

/** The query naming the term a school's termly overview shows (`?term=2`). */
export const termQuery = (term: number): string => `?term=${term}`;

/**
 * The term `value` names (an overview's `?term=`), when it is one of the year's `terms` written
 * as a plain number; null for anything else. Only a number found among the terms reaches a link.
 */
export function knownTerm(
	value: string | null | undefined,
	terms: readonly { term: number }[]
): number | null {
	if (!value || !/^[1-9][0-9]?$/.test(value)) return null;
	const term = Number(value);
	return terms.some((t) => t.term === term) ? term : null;
}

/**
 * What follows the step's own school's overview in `from`: '' for the overview alone, the digits
 * of its `?term=`, or null when `from` is not that overview.
 */
function overviewTail(from: string, schoolId: string): string | null {
	const overview = `/schools/${schoolId}/overview`;
	if (from === overview) return '';
	const tail = from.startsWith(`${overview}?term=`) ? from.slice(overview.length + 6) : null;
	return tail !== null && /^[0-9]{1,2}$/.test(tail) ? tail : null;
}

/** The pages a step's Back may return to whatever the step, by their exact path. */
const FIXED: Readonly<Record<string, StepOrigin>> = {
	'/': 'home',
	'/choices': 'choices',
	'/sync': 'sync'
};

/**
 * Where Back goes for this step, from its `from` parameter. Only the pages above, the step's own
 * visit and its own school's overview are followed; anything else (another page, another school,
 * a whole address) goes to the school's page. The parameter is only compared, never used as a
 * link, so it cannot send anyone off the app.
 */
export function stepOrigin(
	from: string | null,
	step: { schoolId: string; visitId?: string | undefined }
): StepOrigin {
	if (from !== null && Object.hasOwn(FIXED, from)) return FIXED[from]!;
	if (step.visitId && from === `/visits/${step.visitId}`) return 'visit';
	if (from !== null && overviewTail(from, step.schoolId) !== null) return 'overview';
	return 'school';
}

/**
 * The term of the overview a step was opened from (`/schools/<id>/overview?term=2`), when it is
 * one of the year's `terms`: Back returns to that term, not the current one. Null otherwise.
 */
export function originTerm(
	from: string | null,
	step: { schoolId: string },
	terms: readonly { term: number }[]
): number | null {
	return from === null ? null : knownTerm(overviewTail(from, step.schoolId), terms);
}
