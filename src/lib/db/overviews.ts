import {
	ATTAINMENT_FRAMEWORK_ID,
	AttainmentFramework,
	DEFAULT_ATTAINMENT_FRAMEWORK,
	DEFAULT_SUPPRESSION_THRESHOLD,
	overviewDocId,
	overviewInForce,
	SCHEMA_VERSION,
	SchoolOverview,
	schoolDbName,
	stepInYear,
	type AcademicYear,
	type AttainmentBooklet,
	type DashboardSchool,
	type EvaluationFramework,
	type School,
	type StepWithStatus,
	type VisitRecord
} from '$lib/domain';
import { academicYears, currentTerm, currentYear, frameworks, trustSettings } from './queries';
import type { ReadModel } from './read-model';
import { createDoc, type WriteContext } from './repository';
import { editStamp, saveChanges } from './save-changes';

/** The parts of the overview the CEO writes. */
export const OVERVIEW_FIELDS = ['commentary', 'vulnerable', 'supportPlan'] as const;
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
	const stamp = () => ({ updatedBy: ctx.user.name ?? '', updatedAt: new Date().toISOString() });
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
}

export async function trustContext(rm: ReadModel, today: string): Promise<TrustContext> {
	const [settings, years, all, af] = await Promise.all([
		trustSettings(rm),
		academicYears(rm),
		frameworks(rm),
		rm.trustDocs.get(ATTAINMENT_FRAMEWORK_ID)
	]);
	const year = currentYear(years, today);
	const parsed = AttainmentFramework.safeParse(af?.doc);
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
		attainmentFramework: parsed.success ? parsed.data : DEFAULT_ATTAINMENT_FRAMEWORK,
		threshold: settings?.suppressionThreshold ?? DEFAULT_SUPPRESSION_THRESHOLD
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
}

export async function schoolYear(
	rm: ReadModel,
	school: School,
	year: string,
	/** Read each next step's latest progress note too (reports); the dashboard needs no notes. */
	notes = true
): Promise<SchoolYear> {
	const id = school.id;
	const [visits, steps, booklet, overviews] = await Promise.all([
		rm.visits.where('[schoolId+year+term]').between([id, year, 0], [id, year, 99]).toArray(),
		rm.nextSteps.where('[schoolId+dueDate]').between([id, ''], [id, '\uffff']).toArray(),
		rm.attainment.get(`${id}/${year}`),
		rm.overviews.where('[schoolId+year+term]').between([id, year, 0], [id, year, 99]).toArray()
	]);
	const yearSteps = steps.filter((s) => stepInYear(s.doc, year));
	// The latest progress note of each step, for reports; status is already on the row.
	const latest = await Promise.all(
		yearSteps.map((s) =>
			!notes
				? undefined
				: rm.progress
						.where('[nextStepId+at]')
						.between([s._id, ''], [s._id, '\uffff'])
						.last()
						.then((p) => p?.doc.note)
		)
	);
	return {
		school,
		visits: visits.map((v) => v.doc),
		steps: yearSteps.map((s, i) => ({
			step: s.doc,
			status: s.status,
			...(latest[i] ? { lastNote: latest[i] } : {})
		})),
		booklet: booklet?.doc ?? null,
		overviews: new Map(overviews.map((o) => [o.term, o.doc]))
	};
}

/** A school's year as the dashboard sees it at a term: with the overview in force then. */
export function atTerm(y: SchoolYear, term: number): DashboardSchool {
	return { ...y, overview: overviewInForce(y.overviews, term) };
}

/** Every school's year, for the dashboard and the board pack. */
export async function trustYear(rm: ReadModel, year: string, notes = true): Promise<SchoolYear[]> {
	const schools = (await rm.schools.orderBy('name').toArray()).map((r) => r.doc);
	return Promise.all(schools.map((s) => schoolYear(rm, s, year, notes)));
}
