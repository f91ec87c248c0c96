import {
	AttainmentFramework,
	TRUST_DB,
	TRUST_SETTINGS_ID,
	calendarProblems,
	TrustSettings,
	trustSettingsProblems,
	VISIT_CALENDAR_ID,
	VisitCalendar,
	type DraftError
} from '$lib/domain';
import { createDoc, RecordRefused, type WriteContext } from './repository';
import { saveChanges } from './save-changes';

export type CalendarTerms = VisitCalendar['terms'];

/** Refuses, in the administrator's words, what the forms would have said beside a field. */
function refuse(problems: DraftError[]): void {
	if (problems.length > 0) throw new RecordRefused(problems.map((p) => p.message).join(' '));
}

/**
 * Change the trust's visit calendar (administrators only; the rules refuse anyone else): what the
 * administrator changed since `base`, the calendar as the form opened on it (see `saveChanges`).
 * The terms are one list without keys, so two administrators changing the calendar at once are
 * offered both versions to choose from.
 */
export async function saveVisitCalendar(
	ctx: WriteContext,
	base: VisitCalendar,
	terms: CalendarTerms
): Promise<VisitCalendar> {
	refuse(calendarProblems(terms));
	return saveChanges(ctx, TRUST_DB, VISIT_CALENDAR_ID, VisitCalendar, base, { ...base, terms });
}

export const TRUST_SETTINGS_FIELDS = [
	'name',
	'evaluationFrameworkId',
	'suppressionThreshold',
	'headsMayEnterFigures',
	'siDaysCounting'
] as const;
export type TrustSettingsFields = Pick<TrustSettings, (typeof TRUST_SETTINGS_FIELDS)[number]>;

/**
 * Change the trust's settings (administrators only): what changed since `base` (`saveChanges`), the
 * name trimmed.
 */
export async function saveTrustSettings(
	ctx: WriteContext,
	base: TrustSettings,
	draft: TrustSettings
): Promise<TrustSettings> {
	const changes = { ...draft, name: draft.name.trim() };
	refuse(trustSettingsProblems(changes));
	return saveChanges(ctx, TRUST_DB, TRUST_SETTINGS_ID, TrustSettings, base, changes);
}

/**
 * Save the trust's attainment framework (administrators only; the rules refuse anyone else): what
 * the administrator changed since `base`, the framework as the screen opened on it, so that two
 * administrators changing different measures at once both keep their change. A trust whose
 * framework never reached the server (`base` not stored) gets it written for the first time.
 */
export async function saveAttainmentFramework(
	ctx: WriteContext,
	base: AttainmentFramework,
	next: AttainmentFramework,
	stored: boolean
): Promise<AttainmentFramework> {
	if (!stored) return createDoc(ctx, TRUST_DB, AttainmentFramework, next);
	return saveChanges(ctx, TRUST_DB, next._id, AttainmentFramework, base, next);
}
