/**
 * A next step's Back returns to the page it was opened from (stops 28-29): the head's home, a
 * visit record, the school's page, its termly overview, the choices waiting for the person, or
 * the Sync page. The link that opens a step says where it is (`?from=`), so Back still knows after
 * a reload, offline, or on a phone where the step was opened straight from the home screen with
 * no history behind it; and it stays a real link (keyboard, long press).
 */
export type StepOrigin = 'home' | 'school' | 'visit' | 'overview' | 'choices' | 'sync';

/** Where a link to a next step is, as the app's own path (no base path, no query). */
export type StepListPath =
	| '/'
	| '/choices'
	| '/sync'
	| `/schools/${string}`
	| `/schools/${string}/overview`
	| `/visits/${string}`;

/**
 * The query a link that opens a next step from the page at `from` adds to the step's address (the
 * link itself is `resolve`d where it is written, as the app's lint asks).
 */
export const fromQuery = (from: StepListPath): string => `?from=${encodeURIComponent(from)}`;

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
	if (from === `/schools/${step.schoolId}/overview`) return 'overview';
	return 'school';
}
