/**
 * A next step's Back returns to the list it was opened from (stop 28): the head's home, a visit
 * record, or the school's page. The link that opens a step says where it is (`?from=`), so Back
 * still knows after a reload, offline, or on a phone where the step was opened straight from the
 * home screen with no history behind it; and it stays a real link (keyboard, long press).
 */
export type StepOrigin = 'home' | 'school' | 'visit';

/** Where a list of next steps is, as the app's own path (no base path, no query). */
export type StepListPath = '/' | `/schools/${string}` | `/visits/${string}`;

/**
 * The query a link that opens a next step from the list at `from` adds to the step's address (the
 * link itself is `resolve`d where it is written, as the app's lint asks).
 */
export const fromQuery = (from: StepListPath): string => `?from=${encodeURIComponent(from)}`;

/**
 * Where Back goes for this step, from its `from` parameter. Only the head's home, the step's own
 * school and the step's own visit are followed; anything else (another page, another school, a
 * whole address) goes to the school's page. The parameter is only compared, never used as a
 * link, so it cannot send anyone off the app.
 */
export function stepOrigin(
	from: string | null,
	step: { schoolId: string; visitId?: string | undefined }
): StepOrigin {
	if (from === '/') return 'home';
	if (step.visitId && from === `/visits/${step.visitId}`) return 'visit';
	return 'school';
}
