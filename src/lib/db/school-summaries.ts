import type { NextStep, NextStepStatus, VisitRecord } from '$lib/domain';
import { schoolIdFromDbName } from '$lib/domain/databases';
import type { NextStepRow, ReadModel, SchoolSummaryRow, VisitRow } from './read-model';

/**
 * What the trust dashboard reads of a visit record: the fields its grid, SI days and attention
 * flags use (`dashboardGrid`), each agreed grade without its comment. A whole record (attendees,
 * discussion, documents, addenda) is about twenty times larger.
 */
export type SummaryVisit = Pick<
	VisitRecord,
	'_id' | 'year' | 'term' | 'date' | 'status' | 'frameworkId' | 'visitor' | 'daysUsed'
> & {
	visitType?: VisitRecord['visitType'];
	/** For the "Safeguarding not met" flag; rows made before it was kept have none. */
	safeguarding?: VisitRecord['safeguarding'];
	evaluations: { areaId: string; gradeId: string | null }[];
	/** The steps the head's confirmation names (`stepAgreement`), without its comment. */
	confirmation?: { steps: string[] };
};

/** What the dashboard reads of a next step: its year, agreement, due date and status. */
export interface SummaryStep {
	step: Pick<NextStep, '_id' | 'year' | 'carriedOver' | 'visitId' | 'dueDate' | 'dueTerm'> & {
		headReply?: { agrees: boolean };
	};
	status: NextStepStatus;
	/** As the read model's next-step row has it: the due date, or '' when only a term is set. */
	dueDate: string;
}

export function summaryVisit(v: VisitRecord): SummaryVisit {
	return {
		_id: v._id,
		year: v.year,
		term: v.term,
		date: v.date,
		status: v.status,
		frameworkId: v.frameworkId,
		visitor: v.visitor,
		daysUsed: v.daysUsed,
		...(v.visitType !== undefined ? { visitType: v.visitType } : {}),
		safeguarding: v.safeguarding,
		evaluations: v.evaluations.map((e) => ({ areaId: e.areaId, gradeId: e.gradeId })),
		...(v.confirmation?.steps ? { confirmation: { steps: v.confirmation.steps } } : {})
	};
}

export function summaryStep(row: Pick<NextStepRow, 'status' | 'dueDate' | 'doc'>): SummaryStep {
	const s = row.doc;
	return {
		step: {
			_id: s._id,
			year: s.year,
			...(s.carriedOver ? { carriedOver: s.carriedOver } : {}),
			...(s.visitId !== undefined ? { visitId: s.visitId } : {}),
			...(s.dueDate !== undefined ? { dueDate: s.dueDate } : {}),
			...(s.dueTerm !== undefined ? { dueTerm: s.dueTerm } : {}),
			...(s.headReply ? { headReply: { agrees: s.headReply.agrees } } : {})
		},
		status: row.status,
		dueDate: row.dueDate
	};
}

const empty = (schoolId: string): SchoolSummaryRow => ({ schoolId, visits: {}, steps: {} });

/**
 * Keep each school's summary row (every visit and next step of the school, as the dashboard reads
 * them) in step with rows the projector has just written or deleted in database `db`, in the
 * projector's transaction: one read and one write of the schools touched, so the dashboard reads
 * fifty small rows instead of every visit record and next step of the trust.
 */
export async function updateSummaries(
	rm: ReadModel,
	db: string,
	{
		visits = [],
		steps = [],
		deleted = []
	}: { visits?: Iterable<VisitRow>; steps?: Iterable<NextStepRow>; deleted?: Iterable<string> }
): Promise<void> {
	const visitList = [...visits];
	const stepList = [...steps];
	const deletedIds = [...deleted];
	const home = schoolIdFromDbName(db);
	const ids = new Set([...visitList, ...stepList].map((r) => r.schoolId));
	if (home && deletedIds.length) ids.add(home);
	if (ids.size === 0) return;
	const stored = await rm.schoolSummaries.bulkGet([...ids]);
	const rows = new Map([...ids].map((id, i) => [id, stored[i] ?? empty(id)]));
	// A record's documents live in its school's database: a deleted id is looked for there.
	const own = home ? rows.get(home) : undefined;
	for (const id of deletedIds) {
		if (own) {
			delete own.visits[id];
			delete own.steps[id];
		}
	}
	for (const v of visitList) rows.get(v.schoolId)!.visits[v._id] = summaryVisit(v.doc);
	for (const s of stepList) rows.get(s.schoolId)!.steps[s._id] = summaryStep(s);
	await rm.schoolSummaries.bulkPut([...rows.values()]);
}

/** Every school's summary row, made from the read model's visit and next-step rows. */
export function summariesOf(visits: VisitRow[], steps: NextStepRow[]): SchoolSummaryRow[] {
	const rows = new Map<string, SchoolSummaryRow>();
	const of = (id: string) => rows.get(id) ?? rows.set(id, empty(id)).get(id)!;
	for (const v of visits) of(v.schoolId).visits[v._id] = summaryVisit(v.doc);
	for (const s of steps) of(s.schoolId).steps[s._id] = summaryStep(s);
	return [...rows.values()];
}
