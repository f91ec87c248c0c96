import { z } from 'zod';
import { lazy } from './lazy.ts';
import { changeMeta } from './changes.ts';
import {
	AcademicYearId,
	docMeta,
	IsoDate,
	IsoDateTime,
	Label,
	SCHEMA_VERSION,
	Slug,
	TermNumber
} from './common.ts';

// The Attainment & Achievement overview booklet: which measures, pupil groups and assessment points
// a trust tracks (trust data, with a default), and one booklet of aggregate figures per school per
// year. Figures are counts and cohort sizes; percentages, differences, gaps and RAG are calculated
// in attainment-calc.ts and never stored.

/**
 * How a measure's figure is given:
 * - `percentage`: % of the cohort meeting a standard, calculated from the number meeting it;
 * - `average`: an average score typed as published (scaled score, MTC score), within a range;
 * - `rate`: a percentage typed as published (attendance, persistent absence);
 * - `count`: a number of events (suspensions, permanent exclusions).
 */
export const MeasureKind = lazy(() => z.enum(['percentage', 'average', 'rate', 'count']));
export type MeasureKind = z.infer<typeof MeasureKind>;

/**
 * The trust's RAG rule for a measure: green at or better than the comparator (or up to
 * `greenWithin` points worse, when the trust allows that), amber up to `amberWithin` points worse,
 * red beyond. "Better" follows the measure's `higherIsBetter`. `greenWithin` is optional so that
 * frameworks written before administrators could edit thresholds in the app stay valid.
 */
export const RagRule = lazy(() =>
	z
		.object({
			against: z.enum(['national', 'target']),
			greenWithin: z.number().min(0).max(100).optional(),
			amberWithin: z.number().min(0).max(100)
		})
		.refine((r) => (r.greenWithin ?? 0) <= r.amberWithin, {
			message: 'green must not reach further than amber',
			path: ['greenWithin']
		})
);
export type RagRule = z.infer<typeof RagRule>;

/** Getters, built when a measure's schema spreads them (see `docMeta`). */
const measureBase = {
	id: Slug,
	sectionId: Slug,
	label: Label,
	/** False for persistent absence, suspensions and exclusions: lower figures are better. */
	get higherIsBetter() {
		return z.boolean();
	},
	/** Null when the trust does not RAG-rate this measure. */
	get rag() {
		return RagRule.nullable();
	}
};

/** One measure of the booklet, such as "KS2 reading: expected standard". */
export const AttainmentMeasure = lazy(() =>
	z.discriminatedUnion('kind', [
		z.object({ ...measureBase, kind: z.literal('percentage') }),
		z.object({ ...measureBase, kind: z.literal('average'), min: z.number(), max: z.number() }),
		z.object({ ...measureBase, kind: z.literal('rate') }),
		z.object({ ...measureBase, kind: z.literal('count') })
	])
);
export type AttainmentMeasure = z.infer<typeof AttainmentMeasure>;

/** A pupil group, such as "Disadvantaged". */
export const PupilGroup = lazy(() => z.object({ id: Slug, label: Label }));
export type PupilGroup = z.infer<typeof PupilGroup>;

/**
 * The pupil groups a trust can choose for its booklets (issue 15), in the order booklets list
 * them. SEND stays one group for trusts that track it so; trusts that ask can track SEN support
 * and EHCP separately, and children looked after (the seeds' "Children Looked After"). A trust's
 * framework may also hold groups of its own, which are kept as they are.
 */
export const PUPIL_GROUP_CHOICES: readonly PupilGroup[] = [
	{ id: 'all', label: 'All pupils' },
	{ id: 'disadvantaged', label: 'Disadvantaged' },
	{ id: 'non-disadvantaged', label: 'Non-disadvantaged' },
	{ id: 'send', label: 'SEND' },
	{ id: 'sen-support', label: 'SEN support' },
	{ id: 'ehcp', label: 'EHCP' },
	{ id: 'cla', label: 'Children looked after' },
	{ id: 'eal', label: 'EAL' },
	{ id: 'boys', label: 'Boys' },
	{ id: 'girls', label: 'Girls' }
];

/** The group every figure of the key figures and trust totals is for: it cannot be left out. */
export const ALL_PUPILS_GROUP = 'all';

/**
 * An assessment point of the year. Exactly one is the `target` (what the others are compared
 * with) and one the `outcome` (the end-of-year result, carried into next year as "last year").
 */
export const AssessmentPoint = lazy(() =>
	z.object({
		id: Slug,
		label: Label,
		role: z.enum(['target', 'interim', 'outcome'])
	})
);
export type AssessmentPoint = z.infer<typeof AssessmentPoint>;

export const ATTAINMENT_FRAMEWORK_ID = 'attainment-framework';

/** What a trust's booklets hold (trust database). Trust data so that a trust can add a measure. */
export const AttainmentFramework = lazy(() =>
	z
		.object({
			...docMeta,
			...changeMeta,
			_id: z.literal(ATTAINMENT_FRAMEWORK_ID),
			type: z.literal('attainment-framework'),
			sections: z
				.array(z.object({ id: Slug, label: Label }))
				.min(1)
				.max(30),
			measures: z.array(AttainmentMeasure).min(1).max(100),
			groups: z.array(PupilGroup).min(1).max(30),
			points: z.array(AssessmentPoint).min(2).max(12),
			/**
			 * The DfE's disadvantaged gap: this group in the school against `nationalGroupId` nationally
			 * (disadvantaged pupils against non-disadvantaged pupils nationally). Null to leave it out.
			 */
			disadvantagedGap: z.object({ groupId: Slug, nationalGroupId: Slug }).nullable()
		})
		.superRefine((f, ctx) => {
			const unique = (ids: string[], path: string) => {
				const seen = new Set<string>();
				for (const id of ids) {
					if (seen.has(id))
						ctx.addIssue({ code: 'custom', message: `"${id}" is used twice`, path: [path] });
					seen.add(id);
				}
			};
			unique(
				f.sections.map((s) => s.id),
				'sections'
			);
			unique(
				f.measures.map((m) => m.id),
				'measures'
			);
			unique(
				f.groups.map((g) => g.id),
				'groups'
			);
			unique(
				f.points.map((p) => p.id),
				'points'
			);
			const sections = new Set(f.sections.map((s) => s.id));
			f.measures.forEach((m, i) => {
				if (!sections.has(m.sectionId)) {
					ctx.addIssue({
						code: 'custom',
						message: `section "${m.sectionId}" does not exist`,
						path: ['measures', i, 'sectionId']
					});
				}
				if (m.kind === 'average' && !(m.min < m.max)) {
					ctx.addIssue({
						code: 'custom',
						message: 'the lowest score must be below the highest',
						path: ['measures', i, 'max']
					});
				}
			});
			for (const role of ['target', 'outcome'] as const) {
				if (f.points.filter((p) => p.role === role).length !== 1) {
					ctx.addIssue({
						code: 'custom',
						message: `exactly one assessment point must be the ${role}`,
						path: ['points']
					});
				}
			}
			const groups = new Set(f.groups.map((g) => g.id));
			const gap = f.disadvantagedGap;
			if (gap && !(groups.has(gap.groupId) && groups.has(gap.nationalGroupId))) {
				ctx.addIssue({
					code: 'custom',
					message: 'the gap must compare two groups of this framework',
					path: ['disadvantagedGap']
				});
			}
		})
);
export type AttainmentFramework = z.infer<typeof AttainmentFramework>;

/** The default suppression threshold, as in `TrustSettings.suppressionThreshold`. */
export const DEFAULT_SUPPRESSION_THRESHOLD = 5;

const pct = (id: string, sectionId: string, label: string, amberWithin = 5): AttainmentMeasure => ({
	id,
	sectionId,
	label,
	kind: 'percentage',
	higherIsBetter: true,
	rag: { against: 'national', amberWithin }
});

const scaled = (id: string, label: string): AttainmentMeasure => ({
	id,
	sectionId: 'ks2',
	label,
	kind: 'average',
	min: 80,
	max: 120,
	higherIsBetter: true,
	rag: { against: 'national', amberWithin: 1 }
});

/** The measures, groups and points of a primary trust's booklet (DOMAIN.md), used to seed. */
export const DEFAULT_ATTAINMENT_FRAMEWORK: AttainmentFramework = {
	_id: ATTAINMENT_FRAMEWORK_ID,
	schemaVersion: SCHEMA_VERSION,
	type: 'attainment-framework',
	sections: [
		{ id: 'eyfs', label: 'Early years foundation stage' },
		{ id: 'phonics', label: 'Phonics screening check' },
		{ id: 'ks1', label: 'Key stage 1 teacher assessment' },
		{ id: 'mtc', label: 'Year 4 multiplication tables check' },
		{ id: 'ks2', label: 'Key stage 2' },
		{ id: 'attendance-behaviour', label: 'Attendance and behaviour' }
	],
	measures: [
		pct('eyfs-gld', 'eyfs', 'EYFS: good level of development'),
		pct('phonics-y1', 'phonics', 'Phonics: year 1 expected standard'),
		pct('phonics-y2', 'phonics', 'Phonics: year 2 re-check expected standard'),
		pct('ks1-reading-exs', 'ks1', 'KS1 reading: expected standard'),
		pct('ks1-reading-gds', 'ks1', 'KS1 reading: greater depth'),
		pct('ks1-writing-exs', 'ks1', 'KS1 writing: expected standard'),
		pct('ks1-writing-gds', 'ks1', 'KS1 writing: greater depth'),
		pct('ks1-maths-exs', 'ks1', 'KS1 maths: expected standard'),
		pct('ks1-maths-gds', 'ks1', 'KS1 maths: greater depth'),
		{
			id: 'mtc-average',
			sectionId: 'mtc',
			label: 'MTC: average score (out of 25)',
			kind: 'average',
			min: 0,
			max: 25,
			higherIsBetter: true,
			rag: { against: 'national', amberWithin: 1 }
		},
		pct('mtc-full-marks', 'mtc', 'MTC: full marks (25 out of 25)'),
		pct('ks2-reading-exs', 'ks2', 'KS2 reading: expected standard'),
		pct('ks2-reading-hs', 'ks2', 'KS2 reading: higher standard'),
		pct('ks2-writing-exs', 'ks2', 'KS2 writing: expected standard'),
		pct('ks2-writing-gds', 'ks2', 'KS2 writing: greater depth'),
		pct('ks2-maths-exs', 'ks2', 'KS2 maths: expected standard'),
		pct('ks2-maths-hs', 'ks2', 'KS2 maths: higher standard'),
		pct('ks2-rwm-exs', 'ks2', 'KS2 reading, writing and maths: expected standard'),
		pct('ks2-rwm-hs', 'ks2', 'KS2 reading, writing and maths: higher standard'),
		scaled('ks2-reading-ss', 'KS2 reading: average scaled score'),
		scaled('ks2-maths-ss', 'KS2 maths: average scaled score'),
		scaled('ks2-gps-ss', 'KS2 grammar, punctuation and spelling: average scaled score'),
		{
			id: 'attendance',
			sectionId: 'attendance-behaviour',
			label: 'Attendance',
			kind: 'rate',
			higherIsBetter: true,
			rag: { against: 'national', amberWithin: 1 }
		},
		{
			id: 'persistent-absence',
			sectionId: 'attendance-behaviour',
			label: 'Persistent absence',
			kind: 'rate',
			higherIsBetter: false,
			rag: { against: 'national', amberWithin: 2 }
		},
		{
			id: 'suspensions',
			sectionId: 'attendance-behaviour',
			label: 'Suspensions',
			kind: 'count',
			higherIsBetter: false,
			rag: null
		},
		{
			id: 'permanent-exclusions',
			sectionId: 'attendance-behaviour',
			label: 'Permanent exclusions',
			kind: 'count',
			higherIsBetter: false,
			rag: null
		}
	],
	groups: [
		{ id: 'all', label: 'All pupils' },
		{ id: 'disadvantaged', label: 'Disadvantaged' },
		{ id: 'non-disadvantaged', label: 'Non-disadvantaged' },
		{ id: 'send', label: 'SEND' },
		{ id: 'eal', label: 'EAL' },
		{ id: 'boys', label: 'Boys' },
		{ id: 'girls', label: 'Girls' }
	],
	points: [
		{ id: 'target', label: 'Target', role: 'target' },
		{ id: 'autumn', label: 'Autumn', role: 'interim' },
		{ id: 'mid-year', label: 'Mid-year projection', role: 'interim' },
		{ id: 'end-of-year', label: 'End of year', role: 'outcome' }
	],
	disadvantagedGap: { groupId: 'disadvantaged', nationalGroupId: 'non-disadvantaged' }
};

// ---------------------------------------------------------------------------------------------
// The booklet

/** Cells are keyed `measure:group:point`; comparators `measure:group` (ids are slugs, no colons). */
export const cellKey = (measureId: string, groupId: string, pointId: string) =>
	`${measureId}:${groupId}:${pointId}`;
export const comparatorKey = (measureId: string, groupId: string) => `${measureId}:${groupId}`;

const CellKey = lazy(() =>
	z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]+$/, 'must be measure:group:point')
);
const ComparatorKey = lazy(() =>
	z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+$/, 'must be measure:group')
);

/** The largest cohort or count accepted: far above any school, small enough to catch typos. */
export const MAX_PUPILS = 100_000;
const MAX_CELLS = 20_000;

const WholeNumber = lazy(() =>
	z
		.number()
		.int('must be a whole number')
		.min(0, 'cannot be negative')
		.max(MAX_PUPILS, `must be at most ${MAX_PUPILS}`)
);

/**
 * The figures for one measure, group and point. Aggregate only: a cohort size and either the
 * number meeting the standard (percentage measures) or the published value (the others).
 * Every field is optional: a figure not yet known is missing, never 0.
 */
export const AttainmentCell = lazy(() =>
	z
		.strictObject({
			cohort: WholeNumber.optional(),
			count: WholeNumber.optional(),
			value: z.number().min(0, 'cannot be negative').max(MAX_PUPILS).optional()
		})
		.refine((c) => c.count === undefined || c.value === undefined, {
			message: 'a cell holds a number meeting or a value, not both',
			path: ['value']
		})
		.refine((c) => c.count === undefined || c.cohort === undefined || c.count <= c.cohort, {
			message: 'the number meeting cannot be more than the cohort',
			path: ['count']
		})
);
export type AttainmentCell = z.infer<typeof AttainmentCell>;

export const attainmentBookletDocId = (year: string) => `attainment:${year}`;

/** A snapshot's key in the booklet: one per term, `t1` to `t6`. */
export const snapshotKey = (term: number) => `t${term}`;

/**
 * The figures as they stood when the booklet was updated at a visit (terms 1, 3, 4 and 6 in the
 * trust's calendar), kept so that the next update can show what changed. One per term: updating
 * at the same term's visit again replaces it.
 */
export const AttainmentSnapshot = lazy(() =>
	z.object({
		term: TermNumber,
		/** The visit at which the booklet was updated. */
		visitId: z.string().startsWith('visit:'),
		visitDate: IsoDate,
		takenAt: IsoDateTime,
		takenBy: z.string().min(1),
		cells: z.record(CellKey, AttainmentCell),
		nationals: z.record(ComparatorKey, z.number().min(0).max(MAX_PUPILS))
	})
);
export type AttainmentSnapshot = z.infer<typeof AttainmentSnapshot>;

/**
 * The Attainment & Achievement overview booklet of one school for one academic year (school
 * database). This schema checks what holds for any framework; `bookletIssues` adds the checks of
 * the trust's framework (ranges of scores, which field each measure uses).
 */
export const AttainmentBooklet = lazy(() =>
	z
		.object({
			...docMeta,
			...changeMeta,
			type: z.literal('attainment-booklet'),
			schoolId: Slug,
			year: AcademicYearId,
			cells: z.record(CellKey, AttainmentCell),
			/** National figures as published, by `measure:group`. */
			nationals: z.record(ComparatorKey, z.number().min(0).max(MAX_PUPILS)),
			/** Last year's end-of-year outcomes by `measure:group`, when known. */
			lastYear: z.record(ComparatorKey, AttainmentCell).optional(),
			/** The figures at each term's update, by `t<term>`; booklets before issue 15 have none. */
			snapshots: z.record(z.string().regex(/^t[1-6]$/), AttainmentSnapshot).optional(),
			updatedAt: IsoDateTime,
			updatedBy: z.string().min(1)
		})
		.refine((b) => b._id === attainmentBookletDocId(b.year), {
			message: 'year must match the document id',
			path: ['_id']
		})
		.refine(
			(b) =>
				Object.entries(b.snapshots ?? {}).every(
					([key, s]) =>
						key === snapshotKey(s.term) && s.visitId.startsWith(`visit:${b.year}:t${s.term}:`)
				),
			{ message: 'a snapshot must be of a visit of its own term and year', path: ['snapshots'] }
		)
		.refine(
			(b) =>
				Object.keys(b.cells).length <= MAX_CELLS &&
				Object.keys(b.nationals).length <= MAX_CELLS &&
				Object.keys(b.lastYear ?? {}).length <= MAX_CELLS,
			{ message: `a booklet holds at most ${MAX_CELLS} figures`, path: ['cells'] }
		)
);
export type AttainmentBooklet = z.infer<typeof AttainmentBooklet>;

/** An empty booklet for a school and year. */
export function newAttainmentBooklet(
	schoolId: string,
	year: string,
	by: string,
	at: string
): AttainmentBooklet {
	return {
		_id: attainmentBookletDocId(year),
		schemaVersion: SCHEMA_VERSION,
		type: 'attainment-booklet',
		schoolId,
		year,
		cells: {},
		nationals: {},
		updatedAt: at,
		updatedBy: by
	};
}

// ---------------------------------------------------------------------------------------------
// Checks against the framework, shared by the schema, CSV import and the grid

/** A field of a figure: the three of a cell, and the national comparator. */
export type FigureField = 'cohort' | 'count' | 'value' | 'national';

/** The numbers a field of this measure accepts. */
export function fieldRange(
	measure: AttainmentMeasure,
	field: FigureField
): { min: number; max: number; whole: boolean; percent: boolean } {
	if (field === 'cohort' || field === 'count') {
		return { min: 0, max: MAX_PUPILS, whole: true, percent: false };
	}
	switch (measure.kind) {
		case 'average':
			return { min: measure.min, max: measure.max, whole: false, percent: false };
		case 'count':
			// A national comparator of a count measure is a rate per pupil, so not whole.
			return { min: 0, max: MAX_PUPILS, whole: field === 'value', percent: false };
		default:
			return { min: 0, max: 100, whole: false, percent: true };
	}
}

/** Why a measure takes no figure in this field, or null when it does. */
export function wrongFieldProblem(measure: AttainmentMeasure, field: FigureField): string | null {
	if (field === 'count' && measure.kind !== 'percentage') {
		return 'is not needed: this measure is not a number of pupils meeting a standard, so give its value instead';
	}
	if (field === 'value' && measure.kind === 'percentage') {
		return 'cannot be typed: the percentage is calculated from the cohort and the number meeting';
	}
	return null;
}

/**
 * Why this number cannot go in this field of this measure, as the end of a sentence that starts
 * with the number; null when it can. Used for stored documents and for what people type.
 */
export function figureProblem(
	measure: AttainmentMeasure,
	field: FigureField,
	n: number
): string | null {
	const wrong = wrongFieldProblem(measure, field);
	if (wrong) return wrong;
	const r = fieldRange(measure, field);
	if (!Number.isFinite(n)) return 'is not a number';
	if (r.whole && !Number.isInteger(n)) return 'is not a whole number';
	if (n < 0 && r.min === 0) return 'cannot be negative';
	if (n < r.min || n > r.max) {
		return r.max === MAX_PUPILS
			? `is more than ${MAX_PUPILS.toLocaleString('en-GB')}`
			: `is not between ${r.min} and ${r.max}`;
	}
	return null;
}

/** Finds a measure, group or point by id. */
export const measureById = (f: AttainmentFramework, id: string) =>
	f.measures.find((m) => m.id === id);
export const groupById = (f: AttainmentFramework, id: string) => f.groups.find((g) => g.id === id);
export const pointById = (f: AttainmentFramework, id: string) => f.points.find((p) => p.id === id);
export const targetPoint = (f: AttainmentFramework) => f.points.find((p) => p.role === 'target');
export const outcomePoint = (f: AttainmentFramework) => f.points.find((p) => p.role === 'outcome');

/** A problem with a stored booklet against the framework, by path. */
export type BookletIssue = { path: (string | number)[]; message: string };

/**
 * What is wrong with a booklet under this framework: figures out of range or in the wrong field.
 * Figures for measures, groups or points the framework no longer has are kept and not checked, so
 * that a trust changing its framework never makes an older booklet invalid.
 */
export function bookletIssues(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework
): BookletIssue[] {
	const issues: BookletIssue[] = [];
	const check = (
		record: 'cells' | 'lastYear',
		key: string,
		measureId: string,
		cell: AttainmentCell
	) => {
		const measure = measureById(framework, measureId);
		if (!measure) return;
		for (const field of ['cohort', 'count', 'value'] as const) {
			const n = cell[field];
			const problem = n === undefined ? null : figureProblem(measure, field, n);
			if (problem) issues.push({ path: [record, key, field], message: `${n} ${problem}` });
		}
	};
	for (const [key, cell] of Object.entries(booklet.cells)) {
		check('cells', key, key.split(':')[0]!, cell);
	}
	for (const [key, cell] of Object.entries(booklet.lastYear ?? {})) {
		check('lastYear', key, key.split(':')[0]!, cell);
	}
	for (const [key, n] of Object.entries(booklet.nationals)) {
		const measure = measureById(framework, key.split(':')[0]!);
		const problem = measure ? figureProblem(measure, 'national', n) : null;
		if (problem) issues.push({ path: ['nationals', key], message: `${n} ${problem}` });
	}
	return issues;
}

/** The booklet schema with the checks of a trust's framework added. */
export function bookletSchemaFor(framework: AttainmentFramework) {
	return AttainmentBooklet.superRefine((b, ctx) => {
		for (const issue of bookletIssues(b, framework)) {
			ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
		}
	});
}

/**
 * Last year's outcomes for a new booklet, taken from last year's booklet at its outcome point.
 * Only measures and groups of the current framework are carried over.
 */
export function lastYearFrom(
	previous: AttainmentBooklet,
	framework: AttainmentFramework
): Record<string, AttainmentCell> {
	const outcome = outcomePoint(framework);
	const out: Record<string, AttainmentCell> = {};
	if (!outcome) return out;
	for (const m of framework.measures) {
		for (const g of framework.groups) {
			const cell = previous.cells[cellKey(m.id, g.id, outcome.id)];
			if (cell && Object.keys(cell).length > 0) out[comparatorKey(m.id, g.id)] = { ...cell };
		}
	}
	return out;
}
