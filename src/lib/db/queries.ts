import { agreementsOf } from '$lib/domain/agreement';
import { canAccessDb } from '$lib/domain/roles';
import { schoolDbName } from '$lib/domain/databases';
import { allowanceForYear } from '$lib/domain/situation';
import { siDays } from '$lib/domain/si-days';
import { siDaysCounting } from '$lib/domain/visit-types';
import type {
	AcademicYear,
	AttainmentBooklet,
	UserCtx,
	SiDays,
	StepAgreement,
	EvaluationFramework,
	School,
	TrustSettings,
	VisitCalendar
} from '$lib/domain';
import { compareIso, formatShortDate } from '$lib/format';
import type { NextStepRow, ProgressRow, ReadModel, VisitRow } from './read-model';
import { progressRow, updatesOf } from './step-progress';

/** What a next step needs now, for grouping on a head's phone. */
export type Attention =
	'disagreed' | 'proposed' | 'overdue' | 'due-this-term' | 'in-progress' | 'open' | 'done';

export const ATTENTION_LABELS: Record<Attention, string> = {
	disagreed: 'The headteacher disagrees',
	proposed: 'Proposed, waiting for the headteacher’s agreement',
	overdue: 'Overdue',
	'due-this-term': 'Due this term',
	'in-progress': 'In progress',
	open: 'Later this year',
	done: 'Done'
};

export async function academicYears(rm: ReadModel): Promise<AcademicYear[]> {
	const rows = await rm.trustDocs.where('type').equals('academic-year').toArray();
	return rows.map((r) => r.doc as AcademicYear).sort((a, b) => compareIso(a.year, b.year));
}

/** The academic year today falls in, or the nearest one before it. */
export function currentYear(years: AcademicYear[], today: string): AcademicYear | null {
	let found: AcademicYear | null = null;
	for (const y of years) if ((y.terms[0]?.start ?? '') <= today) found = y;
	return found ?? years[0] ?? null;
}

/**
 * The term under way on `today`, for saying where things stand (a school's overview, the dashboard,
 * what is due this term): in a holiday, the term just ended, whose figures are counted to its end.
 * Planning is the other way round (`termOf`: a visit in the holiday is for the term after it).
 */
export function currentTerm(year: AcademicYear, today: string): number {
	let term = 1;
	for (const t of year.terms) if (t.start <= today) term = t.term;
	return term;
}

export function termEnd(year: AcademicYear, term: number): string {
	return year.terms.find((t) => t.term === term)?.end ?? '';
}

export function attentionOf(
	row: NextStepRow,
	today: string,
	year: AcademicYear | null,
	/** Whether the head has agreed it (`stepAgreement`); a step not agreed is never overdue. */
	agreement: StepAgreement = 'agreed'
): Attention {
	if (agreement !== 'agreed') return agreement;
	if (row.status === 'done') return 'done';
	const term = year ? currentTerm(year, today) : 0;
	const due = row.dueDate || (year && row.doc.dueTerm ? termEnd(year, row.doc.dueTerm) : '');
	if (due && due < today) return 'overdue';
	if (year && due && due <= termEnd(year, term)) return 'due-this-term';
	if (row.status === 'in-progress') return 'in-progress';
	return 'open';
}

/** The date a next step is due by, for sorting and display (a term's last day if only a term). */
export function dueBy(row: NextStepRow, year: AcademicYear | null): string {
	if (row.dueDate) return row.dueDate;
	return year && row.doc.dueTerm ? termEnd(year, row.doc.dueTerm) : '';
}

export interface NextStepFilter {
	schoolId: string;
	status?: NextStepRow['status'];
	search?: string;
}

/**
 * A school's next steps, kept in memory per school and read again only when the projector has
 * changed them (it writes a new version token in the same transaction). Reading the token is one
 * IndexedDB get, which is also what makes a `liveQuery` over this re-run when the list changes.
 */
const nextStepCache = new WeakMap<ReadModel, Map<string, { token: string; rows: NextStepRow[] }>>();

async function schoolNextSteps(rm: ReadModel, schoolId: string): Promise<NextStepRow[]> {
	let bySchool = nextStepCache.get(rm);
	if (!bySchool) nextStepCache.set(rm, (bySchool = new Map()));
	const tokenOf = async () => (await rm.versions.get(`next-steps:${schoolId}`))?.token ?? '';
	const read = () =>
		rm.nextSteps
			.where('[schoolId+dueDate]')
			.between([schoolId, ''], [schoolId, '\uffff'])
			.toArray();
	const cached = bySchool.get(schoolId);
	if (cached) {
		const token = await tokenOf();
		if (cached.token === token && token !== '') return cached.rows;
	}
	// Nothing kept (a cold start) or out of date: the token and the rows in one transaction, side by
	// side, so they agree and cost one round trip.
	const [token, rows] = await rm.transaction('r', rm.versions, rm.nextSteps, () =>
		Promise.all([tokenOf(), read()])
	);
	bySchool.set(schoolId, { token, rows });
	return rows;
}

/** A school's next steps, by status and words in the action, owner or success criteria. */
export async function nextSteps(rm: ReadModel, filter: NextStepFilter): Promise<NextStepRow[]> {
	const all = await schoolNextSteps(rm, filter.schoolId);
	const rows = filter.status ? all.filter((r) => r.status === filter.status) : all.slice();
	const words = (filter.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
	if (words.length === 0) return rows;
	return rows.filter((r) => {
		const text = `${r.doc.action} ${r.doc.owner} ${r.doc.successCriteria}`.toLowerCase();
		return words.every((w) => text.includes(w));
	});
}

/** A next step's progress updates, latest first. */
export async function progressOf(rm: ReadModel, nextStepId: string): Promise<ProgressRow[]> {
	return (await updatesOf(rm, nextStepId)).map(progressRow).reverse();
}

export async function visitsOf(rm: ReadModel, schoolId: string): Promise<VisitRow[]> {
	return (
		await rm.visits.where('[schoolId+date]').between([schoolId, ''], [schoolId, '\uffff']).toArray()
	).reverse();
}

export async function trustSettings(rm: ReadModel): Promise<TrustSettings | null> {
	return ((await rm.trustDocs.get('settings'))?.doc as TrustSettings | undefined) ?? null;
}

export async function visitCalendar(rm: ReadModel): Promise<VisitCalendar | null> {
	return ((await rm.trustDocs.get('visit-calendar'))?.doc as VisitCalendar | undefined) ?? null;
}

export async function frameworks(rm: ReadModel): Promise<EvaluationFramework[]> {
	const rows = await rm.trustDocs.where('type').equals('evaluation-framework').toArray();
	return rows.map((r) => r.doc as EvaluationFramework);
}

/**
 * The framework a new record is evaluated against (`planVisit`), and so the one whose areas a
 * termly visit starts with (`termFocusAreas`): the trust's, else the first on the device.
 */
export const newRecordFramework = (
	settings: TrustSettings | null,
	all: EvaluationFramework[]
): EvaluationFramework | null =>
	all.find((f) => f.id === settings?.evaluationFrameworkId) ?? all[0] ?? null;

export interface SchoolSummary {
	school: School;
	siDays: SiDays;
	nextVisit: VisitRow | null;
	/** Agreed next steps not done, and those overdue. */
	open: number;
	overdue: number;
	/** Next steps waiting for the head's agreement. */
	proposed: number;
	/** What the head disagrees with: records and next steps, with their reasons. */
	disagreements: { kind: 'record' | 'step'; id: string; text: string; reason: string }[];
}

/** The schools a person supports, with what a SIL or the CEO needs at a glance. */
export async function schoolSummaries(rm: ReadModel, today: string): Promise<SchoolSummary[]> {
	const [schools, years, settings] = await Promise.all([
		rm.schools.orderBy('name').toArray(),
		academicYears(rm),
		trustSettings(rm)
	]);
	const year = currentYear(years, today);
	const counting = siDaysCounting(settings);
	return Promise.all(
		schools.map(async ({ doc: school }) => {
			const visits = year
				? await rm.visits
						.where('[schoolId+year+term]')
						.between([school.id, year.year, 0], [school.id, year.year, 99])
						.toArray()
				: [];
			const steps = await nextSteps(rm, { schoolId: school.id });
			const agreement = await stepAgreements(rm, steps);
			const agreed = steps.filter((s) => agreement.get(s._id) === 'agreed');
			const upcoming = visits
				.filter((v) => v.date >= today && v.status !== 'confirmed')
				.sort((a, b) => compareIso(a.date, b.date));
			return {
				school,
				siDays: siDays(
					school,
					visits.map((v) => v.doc),
					today,
					counting,
					year ? allowanceForYear(school, year, today) : undefined
				),
				nextVisit: upcoming[0] ?? null,
				open: agreed.filter((s) => s.status !== 'done').length,
				overdue: agreed.filter((s) => attentionOf(s, today, year) === 'overdue').length,
				proposed: steps.filter((s) => agreement.get(s._id) === 'proposed').length,
				disagreements: [
					...visits.flatMap((v) =>
						v.doc.disagreement && v.doc.status !== 'confirmed'
							? [
									{
										kind: 'record' as const,
										id: v._id,
										text: `The record of the visit on ${formatShortDate(v.date)}`,
										reason: v.doc.disagreement.reason
									}
								]
							: []
					),
					...steps.flatMap((s) =>
						agreement.get(s._id) === 'disagreed'
							? [
									{
										kind: 'step' as const,
										id: s._id,
										text: s.doc.action,
										reason: s.doc.headReply?.reason ?? ''
									}
								]
							: []
					)
				]
			};
		})
	);
}

/**
 * Visit records shared with the headteacher and not yet confirmed, oldest first: what waits for
 * the head. Based on the record's own status, whatever else a head may be asked about its parts.
 */
export async function awaitingConfirmation(rm: ReadModel, schoolId: string): Promise<VisitRow[]> {
	const visits = await rm.visits
		.where('[schoolId+date]')
		.between([schoolId, ''], [schoolId, '\uffff'])
		.toArray();
	return visits.filter((v) => v.doc.status === 'shared');
}

/** A visit with what its screens need: the school and the record's own evaluation framework. */
export async function visitWithContext(rm: ReadModel, id: string) {
	const row = await rm.visits.get(id);
	if (!row) return null;
	const [school, framework, walk, calendar] = await Promise.all([
		rm.schools.get(row.schoolId),
		rm.trustDocs.get(`framework:${row.doc.frameworkId}`),
		rm.walks.where('visitId').equals(id).first(),
		visitCalendar(rm)
	]);
	return {
		row,
		school: school?.doc ?? null,
		framework: (framework?.doc as EvaluationFramework | undefined) ?? null,
		walk: walk ?? null,
		calendar
	};
}

/** The agreement of each of a school's next steps, from the visits they were proposed at. */
export async function stepAgreements(
	rm: ReadModel,
	rows: readonly NextStepRow[]
): Promise<Map<string, StepAgreement>> {
	const visits = await rm.visits.bulkGet([...new Set(rows.map((s) => s.visitId))]);
	return agreementsOf(
		rows.map((s) => s.doc),
		visits.flatMap((v) => (v ? [v.doc] : []))
	);
}

/**
 * Every open school's A&A booklet of a year (null where a school has none), for the trust-wide
 * totals; `complete` is false when this person cannot see every school (a head, a SIL with some
 * schools), whose device holds only some booklets, so a total would be the trust's in name only.
 * Closed schools have left the trust and are not counted.
 */
export async function trustBooklets(
	rm: ReadModel,
	year: string,
	user: UserCtx | null
): Promise<{ complete: boolean; booklets: (AttainmentBooklet | null)[] }> {
	const schools = (await rm.schools.toArray()).map((r) => r.doc).filter((s) => !s.closed);
	const complete = !!user && schools.every((s) => canAccessDb(user, schoolDbName(s.id)));
	if (!complete) return { complete, booklets: [] };
	const rows = await rm.attainment.toArray();
	const of = new Map(rows.filter((r) => r.year === year).map((r) => [r.schoolId, r.doc]));
	return { complete, booklets: schools.map((s) => of.get(s.id) ?? null) };
}
