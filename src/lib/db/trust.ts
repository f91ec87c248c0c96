import { TRUST_DB, VISIT_CALENDAR_ID, VisitCalendar } from '$lib/domain';
import { updateDoc, type WriteContext } from './repository';

export type CalendarTerms = VisitCalendar['terms'];

/** Change the trust's visit calendar (administrators only; the rules refuse anyone else). */
export async function saveVisitCalendar(
	ctx: WriteContext,
	terms: CalendarTerms
): Promise<VisitCalendar> {
	return updateDoc(ctx, TRUST_DB, VISIT_CALENDAR_ID, VisitCalendar, (current) => ({
		...current,
		terms
	}));
}
