import {
	TRUST_DB,
	TRUST_SETTINGS_ID,
	TrustSettings,
	VISIT_CALENDAR_ID,
	VisitCalendar
} from '$lib/domain';
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

export type TrustSettingsFields = Pick<
	TrustSettings,
	'name' | 'evaluationFrameworkId' | 'suppressionThreshold' | 'headsMayEnterFigures'
>;

/** Change the trust's settings (administrators only). */
export async function saveTrustSettings(
	ctx: WriteContext,
	fields: TrustSettingsFields
): Promise<TrustSettings> {
	return updateDoc(ctx, TRUST_DB, TRUST_SETTINGS_ID, TrustSettings, (current) => ({
		...current,
		...fields
	}));
}
