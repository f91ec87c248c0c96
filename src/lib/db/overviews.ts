import {
	compareIso,
	ATTAINMENT_FRAMEWORK_ID,
	type AttainmentFramework,
	DEFAULT_ATTAINMENT_FRAMEWORK,
	DEFAULT_SUPPRESSION_THRESHOLD,
	overviewDocId,
	overviewInForce,
	SCHEMA_VERSION,
	SchoolOverview,
	schoolDbName,
	siDaysCounting,
	stepInYear,
	type AcademicYear,
	type AttainmentBooklet,
	type SiDaysCounting,
	type DashboardSchool,
	type EvaluationFramework,
	type School,
	type StepWithStatus,
	type VisitRecord,
	type VulnerableMark,
	type StepAgreement,
	agreementsOf
} from '$lib/domain';
import type { SummaryStep, SummaryVisit } from './school-summaries';
import { academicYears, currentTerm, currentYear, frameworks, trustSettings } from './queries';
import type {
	AttainmentRow,
	MarkRow,
	NextStepRow,
	OverviewRow,
	ReadModel,
	VisitRow
} from './read-model';
import { createDoc, writtenName, type WriteContext } from './repository';
import { editStamp, saveChanges } from './save-changes';

/** The parts of the overview the CEO writes. */
export const OVERVIEW_FIELDS = ['commentary'] as const;
export type OverviewFields = Pick<SchoolOverview, (typeof OVERVIEW_FIELDS)[number]>;

/** The overview of a term before anyone has written it: what an empty form starts from. */
export function blankOverview(schoolId: string, year: string, term: number): SchoolOverview {
	return {
		_id: overviewDocId(year, term),
		schemaVersion: SCHEMA_VERSION,
		type: 'school-overview',
		schoolId,
		year,
		term,
		commentary: '',
		vulnerable: false,
		supportPlan: '',
		updatedBy: '',
		updatedAt: new Date(0).toISOString()
	};
}

/**
 * Save what the CEO changed in a school's termly overview since `base` (see `saveChanges`); the
 * document is made on first use.
 */
export async function saveOverview(
	ctx: WriteContext,
	base: SchoolOverview,
	draft: SchoolOverview
): Promise<SchoolOverview> {
	const db = schoolDbName(base.schoolId);
	const name = writtenName(ctx).name;
	const stamp = () => ({
		updatedBy: ctx.user.name ?? '',
		...(name ? { updatedByName: name } : {}),
		updatedAt: new Date().toISOString()
	});
	try {
		await ctx.dbFor(db).get(base._id);
	} catch (err) {
		if ((err as { status?: number }).status !== 404) throw err;
		const fields = Object.fromEntries(OVERVIEW_FIELDS.map((k) => [k, draft[k]]));
		const doc = { ...base, ...fields, ...stamp(), edit: editStamp(ctx) };
		delete doc._rev;
		try {
			return await createDoc(ctx, db, SchoolOverview, doc);
		} catch (e) {
			// Another tab made it a moment ago: merge into theirs instead.
			if ((e as { status?: number }).status !== 409) throw e;
		}
	}
	return saveChanges(ctx, db, base._id, SchoolOverview, base, draft, {
		finish: (merged) => ({ ...merged, ...stamp() })
	});
}

/** What every CEO screen needs from the trust database: the year, term and frameworks. */
export interface TrustContext {
	trustName: string;
	year: AcademicYear | null;
	/** The current term of `year` (1 when there is no year). */
	term: number;
	framework: EvaluationFramework | null;
	/** Every framework on the device, by id: older visit records keep their own. */
	frameworks: Map<string, EvaluationFramework>;
	attainmentFramework: AttainmentFramework;
	threshold: number;
	/** Which visit types count against the SI days allowance, as the trust set it. */
	counting: SiDaysCounting;
}

export async function trustContext(rm: ReadModel, today: string): Promise<TrustContext> {
	const [settings, years, all, af] = await Promise.all([
		trustSettings(rm),
		academicYears(rm),
		frameworks(rm),
		rm.trustDocs.get(ATTAINMENT_FRAMEWORK_ID)
	]);
	const year = currentYear(years, today);
	// The projector parsed it on the way in (a row is only written when its document is valid):
	// parsing again built zod's schema on every open of the dashboard.
	return {
		trustName: settings?.name ?? 'The trust',
		year,
		term: year ? currentTerm(year, today) : 1,
		framework:
			all.find((f) => f.id === settings?.evaluationFrameworkId) ??
			all.find((f) => f.id === 'ofsted-2025') ??
			all[0] ??
			null,
		frameworks: new Map(all.map((f) => [f.id, f])),
		attainmentFramework:
			af?.type === 'attainment-framework'
				? (af.doc as AttainmentFramework)
				: DEFAULT_ATTAINMENT_FRAMEWORK,
		threshold: settings?.suppressionThreshold ?? DEFAULT_SUPPRESSION_THRESHOLD,
		counting: siDaysCounting(settings)
	};
}

/** Everything about one school's year on the device: visits, next steps with status, booklet, overviews. */
export interface SchoolYear {
	school: School;
	visits: VisitRecord[];
	steps: StepWithStatus[];
	booklet: AttainmentBooklet | null;
	/** The CEO's overviews of the year, by term. */
	overviews: Map<number, SchoolOverview>;
	/** The school's vulnerable marks, of every year: the mark belongs to the school over time. */
	marks: VulnerableMark[];
}

/** The read model's rows for one school, as `schoolYear` and `trustYear` read them. */
interface SchoolRows {
	visits: VisitRow[];
	steps: NextStepRow[];
	// The whole booklet, or its key figures alone (`trustYear` with `keyFigures`).
	booklet: Pick<AttainmentRow, 'year' | 'doc'> | undefined;
	overviews: OverviewRow[];
	marks: MarkRow[];
}

/**
 * One school's year from its rows: the one place that decides which rows belong to the year, in
 * what order, and whether each step is agreed, whether the rows were read school by school or for
 * the whole trust at once.
 */
function assemble(
	school: School,
	year: string,
	rows: SchoolRows,
	/** The latest progress note of each step, by id (reports only). */
	notes?: Map<string, string | undefined>
): SchoolYear {
	const visits = rows.visits
		.filter((v) => v.year === year)
		.sort((a, b) => a.term - b.term || compareIso(a._id, b._id));
	// A step is agreed by its visit of this year, or by the head's reply.
	const agreement = agreementsOf(
		rows.steps.map((s) => s.doc),
		visits.map((v) => v.doc)
	);
	const steps = rows.steps
		.filter((s) => stepInYear(s.doc, year))
		.sort((a, b) => compareIso(a.dueDate, b.dueDate) || compareIso(a._id, b._id));
	const booklet = rows.booklet?.year === year ? rows.booklet.doc : null;
	return {
		school,
		visits: visits.map((v) => v.doc),
		steps: steps.map((s) => {
			const lastNote = notes?.get(s._id);
			return {
				step: s.doc,
				status: s.status,
				agreement: agreement.get(s._id) ?? 'proposed',
				...(lastNote ? { lastNote } : {})
			};
		}),
		booklet,
		overviews: new Map(
			rows.overviews
				.filter((o) => o.year === year)
				.sort((a, b) => a.term - b.term || compareIso(a.key, b.key))
				.map((o) => [o.term, o.doc])
		),
		marks: [...rows.marks].sort((a, b) => compareIso(a.key, b.key)).map((m) => m.doc)
	};
}

/** The latest progress note of each step (reports). */
async function latestNotes(
	rm: ReadModel,
	steps: NextStepRow[]
): Promise<Map<string, string | undefined>> {
	const rows = await rm.stepProgress.bulkGet(steps.map((s) => s._id));
	return new Map(steps.map((s, i) => [s._id, rows[i]?.updates.at(-1)?.note]));
}

export async function schoolYear(
	rm: ReadModel,
	school: School,
	year: string,
	/** Read each next step's latest progress note too (reports); the dashboard needs no notes. */
	notes = true
): Promise<SchoolYear> {
	const id = school.id;
	const [visits, steps, booklet, overviews, marks] = await Promise.all([
		rm.visits.where('[schoolId+year+term]').between([id, year, 0], [id, year, 99]).toArray(),
		rm.nextSteps.where('[schoolId+dueDate]').between([id, ''], [id, '\uffff']).toArray(),
		rm.attainment.get(`${id}/${year}`),
		rm.overviews.where('[schoolId+year+term]').between([id, year, 0], [id, year, 99]).toArray(),
		rm.marks.where('schoolId').equals(id).toArray()
	]);
	const rows = { visits, steps, booklet, overviews, marks };
	const latest = notes
		? await latestNotes(
				rm,
				steps.filter((s) => stepInYear(s.doc, year))
			)
		: undefined;
	return assemble(school, year, rows, latest);
}

/** A school's year as the dashboard sees it at a term: with the overview in force then. */
export function atTerm(y: SchoolYear, term: number): DashboardSchool {
	return { ...y, overview: overviewInForce(y.overviews, term) };
}

/**
 * Every school's year, for the dashboard and the board pack. With `keyFigures`, each booklet is
 * only its key figures (`keyBooklet`: what the dashboard reads of it), not the whole booklet.
 */
export async function trustYear(
	rm: ReadModel,
	year: string,
	notes = true,
	{ keyFigures = false }: { keyFigures?: boolean } = {}
): Promise<SchoolYear[]> {
	const schools = (await rm.schools.orderBy('name').toArray()).map((r) => r.doc);
	if (notes) return Promise.all(schools.map((s) => schoolYear(rm, s, year, notes)));
	// Without notes: five reads in all rather than five per school (fifty schools made two hundred
	// and fifty IndexedDB requests, most of the dashboard's time), grouped by school and assembled
	// by the same rule as `schoolYear`.
	const [visits, steps, booklets, overviews, marks] = await Promise.all([
		rm.visits.toArray(),
		rm.nextSteps.toArray(),
		keyFigures ? rm.keyBooklets.where('year').equals(year).toArray() : rm.attainment.toArray(),
		rm.overviews.where('[year+term]').between([year, 0], [year, 99]).toArray(),
		rm.marks.toArray()
	]);
	const bySchool = <T extends { schoolId: string }>(rows: T[]) => {
		const map = new Map<string, T[]>();
		for (const r of rows) {
			const list = map.get(r.schoolId);
			if (list) list.push(r);
			else map.set(r.schoolId, [r]);
		}
		return map;
	};
	const visitsOf = bySchool(visits);
	const stepsOf = bySchool(steps);
	const bookletOf = new Map(booklets.filter((b) => b.year === year).map((b) => [b.schoolId, b]));
	const overviewsOf = bySchool(overviews);
	const marksOf = bySchool(marks);
	return schools.map((school) =>
		assemble(school, year, {
			visits: visitsOf.get(school.id) ?? [],
			steps: stepsOf.get(school.id) ?? [],
			booklet: bookletOf.get(school.id),
			overviews: overviewsOf.get(school.id) ?? [],
			marks: marksOf.get(school.id) ?? []
		})
	);
}

/**
 * A school's year as the trust dashboard reads it: `SchoolYear` with the slim records it uses, and
 * without the CEO's termly overviews, which nothing on the dashboard shows (a school's overview
 * has its own screen).
 */
export interface DashboardYear extends Omit<SchoolYear, 'visits' | 'steps' | 'overviews'> {
	visits: SummaryVisit[];
	steps: (SummaryStep & { agreement: StepAgreement })[];
}

/**
 * Every school's year for the trust dashboard: each school's summary row (`school-summaries.ts`)
 * instead of every whole visit record and next step, and each booklet's key figures. Four reads,
 * and the same records, order and agreement as `trustYear` gives (by the rules of `assemble`).
 */
export async function dashboardYear(
	rm: ReadModel,
	/**
	 * The year, or a promise of it (none: no schools' years): the reads that need no year start at
	 * once, beside the read that finds it (`trustContext`), not after it.
	 */
	whichYear: string | PromiseLike<string | null>
): Promise<DashboardYear[]> {
	const yearly = Promise.resolve(whichYear).then((year) =>
		year === null
			? null
			: Promise.all([year, rm.keyBooklets.where('year').equals(year).toArray()] as const)
	);
	const [schools, summaries, marks, ofYear] = await Promise.all([
		rm.schools.orderBy('name').toArray(),
		rm.schoolSummaries.toArray(),
		rm.marks.toArray(),
		yearly
	]);
	if (!ofYear) return [];
	const [year, booklets] = ofYear;
	const summaryOf = new Map(summaries.map((s) => [s.schoolId, s]));
	const bookletOf = new Map(booklets.map((b) => [b.schoolId, b.doc]));
	const marksOf = new Map<string, MarkRow[]>();
	for (const m of marks) marksOf.set(m.schoolId, [...(marksOf.get(m.schoolId) ?? []), m]);
	return schools.map(({ doc: school }) => {
		const summary = summaryOf.get(school.id);
		const visits = Object.values(summary?.visits ?? {})
			.filter((v) => v.year === year)
			.sort((a, b) => a.term - b.term || compareIso(a._id, b._id));
		const all = Object.values(summary?.steps ?? {});
		const agreement = agreementsOf(
			all.map((s) => s.step),
			visits
		);
		const steps = all
			.filter((s) => stepInYear(s.step, year))
			.sort((a, b) => compareIso(a.dueDate, b.dueDate) || compareIso(a.step._id, b.step._id))
			.map((s) => ({ ...s, agreement: agreement.get(s.step._id) ?? ('proposed' as const) }));
		return {
			school,
			visits,
			steps,
			booklet: bookletOf.get(school.id) ?? null,
			marks: (marksOf.get(school.id) ?? [])
				.sort((a, b) => compareIso(a.key, b.key))
				.map((m) => m.doc)
		};
	});
}
