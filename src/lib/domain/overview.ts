import { z } from 'zod';
import { lazy } from './lazy.ts';
import { compareIso } from './compare.ts';
import { londonDate } from './london.ts';
import { KEY_MEASURES } from './key-measures.ts';
import { changeMeta } from './changes.ts';
import {
	AcademicYearId,
	docMeta,
	IsoDateTime,
	PersonName,
	Slug,
	TermNumber,
	Text
} from './common.ts';
import {
	disadvantagedGap,
	deriveCell,
	formatTenths,
	MISSING_DISPLAY,
	percentageTenths,
	type AttainmentResult,
	type DifferenceResult,
	type RagResult
} from './attainment-calc.ts';
import {
	cellKey,
	measureById,
	type AttainmentBooklet,
	type AttainmentFramework
} from './attainment-schema.ts';
import { CATEGORY_GRADE_IDS, type EvaluationFramework, type Rag } from './evaluation.ts';
import { stepInYear } from './year.ts';
import { CATEGORY_LABELS, type School, type SchoolCategory, type Strand } from './school.ts';
import { attentionFlags, weakestFirst, type AttentionFlag } from './attention.ts';
import type { AcademicYear } from './trust.ts';
import type { NextStep, NextStepStatus, VisitRecord } from './visit.ts';
import { STEP_AGREEMENT_LABELS, type StepAgreement } from './agreement.ts';
import { siDays, type SiDays } from './si-days.ts';
import { DEFAULT_SI_DAYS_COUNTING, type SiDaysCounting } from './visit-types.ts';
import { schoolRoute, type SchoolRoute, type VulnerableMark } from './vulnerable.ts';

// The School Overview the CEO reviews with each head every term. Almost all of it is assembled
// from records agreed elsewhere (visits, next steps, the A&A booklet); only the CEO's commentary
// is typed here. The vulnerable mark is the school's own record over time (`VulnerableMark`):
// `vulnerable` and `supportPlan` below are only read from overviews written before it, never shown.

export const overviewDocId = (year: string, term: number) => `overview:${year}:t${term}`;

/** The CEO's part of a school's termly overview (school database). */
export const SchoolOverview = lazy(() =>
	z
		.object({
			...docMeta,
			...changeMeta,
			type: z.literal('school-overview'),
			schoolId: Slug,
			year: AcademicYearId,
			term: TermNumber,
			commentary: Text(),
			/** A vulnerable school gets a support plan and leaves the annual cycle until it is not. */
			vulnerable: z.boolean(),
			supportPlan: Text(),
			updatedBy: z.string().min(1),
			updatedByName: PersonName.optional(),
			updatedAt: IsoDateTime
		})
		.refine((o) => o._id === overviewDocId(o.year, o.term), {
			message: 'year and term must match the document id',
			path: ['_id']
		})
		.refine((o) => !o.vulnerable || o.supportPlan.trim().length > 0, {
			message: 'a school marked vulnerable needs a support plan',
			path: ['supportPlan']
		})
);
export type SchoolOverview = z.infer<typeof SchoolOverview>;

/** The overview in force at a term: that term's, or the latest before it. */
export function overviewInForce(
	byTerm: ReadonlyMap<number, SchoolOverview>,
	term: number
): SchoolOverview | null {
	for (let t = term; t >= 1; t--) {
		const o = byTerm.get(t);
		if (o) return o;
	}
	return null;
}

// ---------------------------------------------------------------------------------------------
// Evaluations

/** An evaluation agreed with the head (the visit record was confirmed). */
export interface AgreedGrade {
	areaId: string;
	gradeId: string;
	label: string;
	rag: Rag;
	/** 0 for the best grade of the scale, 1 for the worst: comparable across scale lengths. */
	position: number;
	term: number;
	date: string;
	visitId: string;
}

/** What `agreedGrades` reads of a visit record (the dashboard keeps no more: `school-summaries.ts`). */
export type GradedVisit = Pick<VisitRecord, '_id' | 'status' | 'frameworkId' | 'term' | 'date'> & {
	evaluations: readonly { areaId: string; gradeId: string | null }[];
};

/**
 * The latest agreed grade per area from visits up to and including `upToTerm`. Only confirmed
 * records count (the head has agreed them) and only those made against this framework: Ofsted
 * says grades of different frameworks cannot be compared.
 */
export function agreedGrades(
	visits: readonly GradedVisit[],
	framework: EvaluationFramework,
	upToTerm: number,
	fromTerm = 1
): Map<string, AgreedGrade> {
	const last = framework.scale.length - 1;
	const out = new Map<string, AgreedGrade>();
	const agreed = visits
		.filter(
			(v) =>
				v.status === 'confirmed' &&
				v.frameworkId === framework.id &&
				v.term <= upToTerm &&
				v.term >= fromTerm
		)
		.sort((a, b) => a.term - b.term || compareIso(a.date, b.date));
	for (const v of agreed) {
		for (const e of v.evaluations) {
			const index = framework.scale.findIndex((g) => g.id === e.gradeId);
			const grade = framework.scale[index];
			if (!grade) continue;
			out.set(e.areaId, {
				areaId: e.areaId,
				gradeId: grade.id,
				label: grade.label,
				rag: grade.rag,
				position: last > 0 ? index / last : 0,
				term: v.term,
				date: v.date,
				visitId: v._id
			});
		}
	}
	return out;
}

export type GradeChange = 'better' | 'worse' | 'same' | 'new' | 'none';

/** In words, for screen readers, tables and reports. */
export const GRADE_CHANGE_LABELS: Record<GradeChange, string> = {
	better: 'Better than last term',
	worse: 'Worse than last term',
	same: 'Same as last term',
	new: 'First agreed this term',
	none: 'Not yet agreed'
};

export function gradeChange(
	current: AgreedGrade | undefined,
	previous: AgreedGrade | undefined
): GradeChange {
	if (!current) return 'none';
	if (!previous) return 'new';
	if (current.position === previous.position) return 'same';
	return current.position < previous.position ? 'better' : 'worse';
}

// ---------------------------------------------------------------------------------------------
// Next steps

export const NEXT_STEP_STATUS_LABELS: Record<NextStepStatus, string> = {
	open: 'Not started',
	'in-progress': 'In progress',
	done: 'Done'
};

/** A next step with the status its latest progress update gives it. */
export interface StepWithStatus {
	step: NextStep;
	status: NextStepStatus;
	/** Whether the head has agreed it (`stepAgreement`): only agreed steps are counted. */
	agreement: StepAgreement;
	/** The latest progress note, if any. */
	lastNote?: string;
}

/** The date a next step is due by: its date, or the last day of its term. */
export function stepDueDate(
	step: Pick<NextStep, 'dueDate' | 'dueTerm'>,
	year: AcademicYear | null
): string {
	if (step.dueDate) return step.dueDate;
	return (year && step.dueTerm && year.terms.find((t) => t.term === step.dueTerm)?.end) || '';
}

/** What counting a next step reads of it (`countSteps`, `isOverdue`). */
export interface CountedStep {
	step: Pick<NextStep, 'dueDate' | 'dueTerm'>;
	status: NextStepStatus;
	agreement: StepAgreement;
}

export function isOverdue(s: CountedStep, year: AcademicYear | null, asOf: string): boolean {
	const due = stepDueDate(s.step, year);
	return s.agreement === 'agreed' && s.status !== 'done' && due !== '' && due < asOf;
}

export interface StepCounts {
	agreed: number;
	/** Steps waiting for the headteacher's agreement, and steps the head disagrees with. */
	proposed: number;
	disagreed: number;
	done: number;
	inProgress: number;
	notStarted: number;
	overdue: number;
}

export function countSteps(
	steps: readonly CountedStep[],
	year: AcademicYear | null,
	asOf: string
): StepCounts {
	const c: StepCounts = {
		agreed: 0,
		proposed: 0,
		disagreed: 0,
		done: 0,
		inProgress: 0,
		notStarted: 0,
		overdue: 0
	};
	for (const s of steps) {
		// Only steps the head has agreed are counted as agreed, done, in progress or overdue.
		if (s.agreement !== 'agreed') {
			c[s.agreement]++;
			continue;
		}
		c.agreed++;
		if (s.status === 'done') c.done++;
		else if (s.status === 'in-progress') c.inProgress++;
		else c.notStarted++;
		if (isOverdue(s, year, asOf)) c.overdue++;
	}
	return c;
}

export function addStepCounts(all: readonly StepCounts[]): StepCounts {
	const c: StepCounts = {
		agreed: 0,
		proposed: 0,
		disagreed: 0,
		done: 0,
		inProgress: 0,
		notStarted: 0,
		overdue: 0
	};
	for (const x of all) for (const k of Object.keys(c) as (keyof StepCounts)[]) c[k] += x[k];
	return c;
}

/** Whole per cent of agreed next steps done, or null when none were agreed. */
export const completionPercent = (c: StepCounts): number | null =>
	c.agreed === 0 ? null : Math.round((100 * c.done) / c.agreed);

/** A status in words, with "overdue" added where it is; a step not agreed says so instead. */
export function stepStatusText(s: StepWithStatus, year: AcademicYear | null, asOf: string): string {
	if (s.agreement !== 'agreed') return STEP_AGREEMENT_LABELS[s.agreement];
	const label = NEXT_STEP_STATUS_LABELS[s.status];
	return isOverdue(s, year, asOf) ? `${label} (overdue)` : label;
}

export type { SiDays };

// ---------------------------------------------------------------------------------------------
// Attainment

// The key measures live in a file of their own, without schemas: the read model keeps each
// booklet's key figures apart (src/lib/db/key-booklets.ts) and is part of the first load.
export { KEY_MEASURES };

/** Key measures shown only when the framework records attendance. */
const WITH_ATTENDANCE: readonly string[] = ['persistent-absence', 'suspensions'];

export interface KeyFigure {
	measureId: string;
	label: string;
	/** The assessment point the figure is from (the latest with figures), or null when none has. */
	pointLabel: string | null;
	pointId: string | null;
	figure: AttainmentResult;
	national: AttainmentResult;
	rag: RagResult;
	/** Disadvantaged pupils in the school against non-disadvantaged pupils nationally. */
	gap: DifferenceResult | null;
	/** For a number of events (suspensions): per 100 pupils on roll, "1.9 per 100 pupils". */
	rate?: string;
}

const none = (reason: string) => ({ kind: 'missing' as const, reason, display: MISSING_DISPLAY });

/**
 * The key figures of a school's booklet for all pupils, each at the latest assessment point that
 * has a figure (outcome before projections), with the disadvantaged gap at the same point.
 */
export function keyFigures(
	booklet: AttainmentBooklet | null,
	framework: AttainmentFramework,
	threshold: number
): KeyFigure[] {
	const points = framework.points.filter((p) => p.role !== 'target').reverse();
	const recordsAttendance = !!measureById(framework, 'attendance');
	return KEY_MEASURES.flatMap((measureId) => {
		const measure = measureById(framework, measureId);
		if (!measure) return [];
		if (WITH_ATTENDANCE.includes(measureId) && !recordsAttendance) return [];
		const empty: KeyFigure = {
			measureId,
			label: measure.label,
			pointLabel: null,
			pointId: null,
			figure: none('No figures entered this year'),
			national: none('No national figure entered'),
			rag: { kind: 'not-rated', display: '' },
			gap: null
		};
		if (!booklet) return [empty];
		for (const p of points) {
			const cell = deriveCell(booklet, framework, threshold, {
				measureId,
				groupId: 'all',
				pointId: p.id
			});
			if (cell.figure.kind === 'missing') continue;
			const stored = booklet.cells[cellKey(measureId, 'all', p.id)];
			// A number of suspensions means little without the school's size: the rate beside it.
			const rate =
				measure.kind === 'count' &&
				cell.figure.kind === 'value' &&
				stored?.cohort &&
				stored.value !== undefined
					? `${formatTenths(percentageTenths(Math.round(stored.value), stored.cohort))} per 100 pupils`
					: undefined;
			return [
				{
					measureId,
					label: measure.label,
					pointLabel: p.label,
					pointId: p.id,
					figure: cell.figure,
					national: cell.national,
					rag: cell.rag,
					// A number of events (suspensions) has no gap: one school's count beside a national
					// group's means nothing.
					gap:
						framework.disadvantagedGap && measure.kind !== 'count'
							? disadvantagedGap(booklet, framework, threshold, measureId, p.id)
							: null,
					...(rate ? { rate } : {})
				}
			];
		}
		return [empty];
	});
}

// ---------------------------------------------------------------------------------------------
// The termly overview of one school

/** What the overview is assembled from: everything the device holds about the school's year. */
export interface OverviewInput {
	school: School;
	year: AcademicYear;
	term: number;
	framework: EvaluationFramework;
	visits: readonly VisitRecord[];
	steps: readonly StepWithStatus[];
	booklet: AttainmentBooklet | null;
	attainmentFramework: AttainmentFramework;
	threshold: number;
	overview: SchoolOverview | null;
	/** The school's vulnerable marks, of every year. */
	marks: readonly VulnerableMark[];
	today: string;
	/** Which visit types count against the allowance (`siDaysCounting(settings)`); else the default. */
	counting?: SiDaysCounting;
}

export interface OverviewEvaluation {
	areaId: string;
	areaLabel: string;
	/** The latest agreed grade up to this term, which may be from an earlier term. */
	grade: AgreedGrade | null;
	agreedThisTerm: boolean;
	change: GradeChange;
}

export interface AgreedSafeguarding {
	value: 'met' | 'not-met';
	term: number;
	date: string;
}

/** The latest safeguarding judgement of the confirmed records up to `upToTerm`. */
export function agreedSafeguarding(
	visits: readonly (Pick<VisitRecord, 'status' | 'term' | 'date'> & {
		safeguarding?: VisitRecord['safeguarding'] | undefined;
	})[],
	upToTerm: number
): AgreedSafeguarding | null {
	const agreed = visits
		.filter((v) => v.status === 'confirmed' && v.term <= upToTerm && v.safeguarding)
		.sort((a, b) => a.term - b.term || compareIso(a.date, b.date))
		.pop();
	return agreed?.safeguarding
		? { value: agreed.safeguarding, term: agreed.term, date: agreed.date }
		: null;
}

export interface TermOverview {
	school: School;
	categoryLabel: string;
	year: string;
	term: number;
	termName: string;
	/** The date the figures are counted to: today, or the term's last day once it is over. */
	asOf: string;
	frameworkName: string;
	evaluations: OverviewEvaluation[];
	/**
	 * Safeguarding as last agreed this year, up to the term, with the visit it was agreed at: like
	 * the areas, it does not drop out of sight in a term whose visits did not look at it (a "not
	 * met" puts a school into a category).
	 */
	safeguarding: AgreedSafeguarding | null;
	/** The term's visits, in date order. */
	visits: VisitRecord[];
	/** Visits of the term whose record the head has not confirmed yet. */
	awaitingAgreement: number;
	keyFigures: KeyFigure[];
	steps: StepCounts & { agreedThisTerm: number };
	overdue: StepWithStatus[];
	siDays: SiDays;
	overview: SchoolOverview | null;
	/** The annual cycle or the vulnerable route on the day the figures are counted to. */
	route: SchoolRoute;
}

/** The date a term's figures are counted to. */
export function termAsOf(year: AcademicYear, term: number, today: string): string {
	const end = year.terms.find((t) => t.term === term)?.end ?? today;
	return end < today ? end : today;
}

/** Assembles a school's School Overview for a term. Nothing here is typed by anyone. */
export function assembleOverview(input: OverviewInput): TermOverview {
	const { school, year, term, framework, today } = input;
	const visits = input.visits.filter((v) => v.year === year.year);
	const asOf = termAsOf(year, term, today);
	const now = agreedGrades(visits, framework, term);
	const before = agreedGrades(visits, framework, term - 1);
	const thisTerm = visits.filter((v) => v.term === term).sort((a, b) => compareIso(a.date, b.date));
	const termStart = year.terms.find((t) => t.term === term)?.start ?? '';
	// A step agreed in the holiday after a term counts with that term, as its figures do (`asOf`);
	// one agreed once the next term began belongs to that term, not this one.
	const nextStart = year.terms.find((t) => t.term === term + 1)?.start ?? '\uffff';
	const termVisitIds = new Set(thisTerm.map((v) => v._id));
	const steps = input.steps.filter((s) => stepInYear(s.step, year.year));
	const agreedThisTerm = steps.filter(
		(s) =>
			s.agreement === 'agreed' &&
			((s.step.visitId !== undefined && termVisitIds.has(s.step.visitId)) ||
				(s.step.visitId === undefined &&
					londonDate(s.step.createdAt) >= termStart &&
					londonDate(s.step.createdAt) < nextStart))
	).length;
	return {
		school,
		categoryLabel: CATEGORY_LABELS[school.category],
		year: year.year,
		term,
		termName: year.terms.find((t) => t.term === term)?.name ?? `Term ${term}`,
		asOf,
		frameworkName: framework.name,
		evaluations: framework.areas.map((a) => {
			const grade = now.get(a.id) ?? null;
			return {
				areaId: a.id,
				areaLabel: a.label,
				grade,
				agreedThisTerm: grade?.term === term,
				change: gradeChange(grade ?? undefined, before.get(a.id))
			};
		}),
		safeguarding: agreedSafeguarding(visits, term),
		visits: thisTerm,
		awaitingAgreement: thisTerm.filter((v) => v.status !== 'confirmed').length,
		keyFigures: keyFigures(input.booklet, input.attainmentFramework, input.threshold),
		steps: { ...countSteps(steps, year, asOf), agreedThisTerm },
		overdue: steps.filter((s) => isOverdue(s, year, asOf)),
		siDays: siDays(school, visits, asOf, input.counting ?? DEFAULT_SI_DAYS_COUNTING),
		overview: input.overview,
		route: schoolRoute(input.marks, asOf)
	};
}

// ---------------------------------------------------------------------------------------------
// The trust dashboard

/** What the dashboard reads of a visit record (`SummaryVisit` in the read model). */
export type DashboardVisit = GradedVisit &
	Pick<VisitRecord, 'year' | 'visitor' | 'daysUsed'> & {
		visitType?: VisitRecord['visitType'];
		safeguarding?: VisitRecord['safeguarding'];
	};

/** What the dashboard reads of a next step with its status (`SummaryStep` in the read model). */
export interface DashboardStep extends CountedStep {
	step: CountedStep['step'] & Pick<NextStep, 'year' | 'carriedOver'>;
}

export interface DashboardSchool {
	school: School;
	visits: readonly DashboardVisit[];
	steps: readonly DashboardStep[];
	/** The CEO's overview in force this term; left out where it is not read (the dashboard). */
	overview?: SchoolOverview | null;
	/** The school's vulnerable marks (`schoolRoute`); none when left out. */
	marks?: readonly VulnerableMark[];
	/** Open concerns raised to the CEO (`openConcernsBySchool`); 0 when left out. */
	openConcerns?: number;
	/** How many SILs support the school (`silsBySchool`); unknown when left out. */
	sils?: number;
}

export interface DashboardCell {
	areaId: string;
	grade: AgreedGrade | null;
	change: GradeChange;
}

export interface DashboardRow {
	school: School;
	cells: DashboardCell[];
	/**
	 * Safeguarding as last agreed this year, up to the term (`agreedSafeguarding`): the judgement
	 * the first attention flag reads, shown in its own column beside the areas.
	 */
	safeguarding: AgreedSafeguarding | null;
	/** The worst agreed grade's position (0 best, 1 worst), or null when nothing is agreed. */
	worst: number | null;
	mean: number | null;
	vulnerable: boolean;
	steps: StepCounts;
	siDays: SiDays;
	/** What needs the CEO's attention this term, most urgent first; empty when nothing does. */
	attention: AttentionFlag[];
}

/** Safeguarding in words, as the heat map and the board pack write it. */
export const SAFEGUARDING_LABELS: Record<AgreedSafeguarding['value'], string> = {
	met: 'Met',
	'not-met': 'Not met'
};

/**
 * Whether the heat map has a safeguarding column: where the framework judges safeguarding (the
 * 2025 report card), and also where it does not (the 2019 framework) but a school on the grid has a
 * judgement agreed this year, so that the grid never leaves out what the first flag says. A grid
 * of the 2019 framework with no judgement recorded keeps its columns as they were.
 */
export function safeguardingShown(
	framework: Pick<EvaluationFramework, 'safeguarding'>,
	rows: readonly Pick<DashboardRow, 'safeguarding'>[]
): boolean {
	return framework.safeguarding || rows.some((r) => r.safeguarding !== null);
}

export interface DashboardFilter {
	category?: SchoolCategory | '';
	strand?: Strand | '';
}

/**
 * The trust dashboard: schools × the framework's areas, each cell the latest grade agreed this
 * year up to `term` and its change since the term before, weakest school first.
 *
 * A school closed before the term began had left the trust by then: it is not on the grid, as it
 * is not in the trust's totals. One closed during the term is shown (its records up to then are
 * the trust's), but flags nothing: no visit, SIL or next step is due at a school that has closed.
 */
export function dashboardGrid(
	schools: readonly DashboardSchool[],
	framework: EvaluationFramework,
	year: AcademicYear,
	term: number,
	today: string,
	filter: DashboardFilter = {},
	/** Which visit types count against the allowance (`siDaysCounting(settings)`). */
	counting: SiDaysCounting = DEFAULT_SI_DAYS_COUNTING
): DashboardRow[] {
	const asOf = termAsOf(year, term, today);
	const dates = year.terms.find((t) => t.term === term);
	const closedBefore = (s: School) => !!s.closed && !!dates && s.closed.on <= dates.start;
	return schools
		.filter(
			(s) =>
				!closedBefore(s.school) &&
				(!filter.category || s.school.category === filter.category) &&
				(!filter.strand || s.school.strand === filter.strand)
		)
		.map((s) => {
			const visits = s.visits.filter((v) => v.year === year.year);
			const now = agreedGrades(visits, framework, term);
			const before = agreedGrades(visits, framework, term - 1);
			const cells = framework.areas.map((a) => ({
				areaId: a.id,
				grade: now.get(a.id) ?? null,
				change: gradeChange(now.get(a.id), before.get(a.id))
			}));
			const positions = cells.flatMap((c) => (c.grade ? [c.grade.position] : []));
			const safeguarding = agreedSafeguarding(visits, term);
			const steps = countSteps(
				s.steps.filter((x) => stepInYear(x.step, year.year)),
				year,
				asOf
			);
			return {
				school: s.school,
				cells,
				safeguarding,
				worst: positions.length ? Math.max(...positions) : null,
				mean: positions.length ? positions.reduce((x, y) => x + y, 0) / positions.length : null,
				vulnerable: schoolRoute(s.marks ?? [], asOf).kind === 'vulnerable',
				steps,
				siDays: siDays(s.school, visits, asOf, counting),
				attention:
					s.school.closed && s.school.closed.on <= asOf
						? []
						: attentionFlags({
								term,
								asOf,
								...(dates ? { termDates: { start: dates.start, end: dates.end } } : {}),
								visits,
								overdueSteps: steps.overdue,
								openConcerns: s.openConcerns ?? 0,
								...(s.sils !== undefined ? { sils: s.sils } : {}),
								safeguardingNotMet: safeguarding?.value === 'not-met',
								categoryGrades: framework.areas.flatMap((a) => {
									const g = now.get(a.id);
									return g && CATEGORY_GRADE_IDS.includes(g.gradeId)
										? [{ area: a.label, grade: g.label }]
										: [];
								})
							})
			};
		})
		.sort(weakestFirst);
}
