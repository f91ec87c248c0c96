import { z } from 'zod';
import { lazy } from './lazy.ts';
import { changeMeta } from './changes.ts';
import { docMeta, IsoDate, IsoDateTime, Label, Slug, Text } from './common.ts';
import { OFSTED_2019, OFSTED_2025 } from './evaluation.ts';
import { CATEGORY_LABELS, type SchoolCategory } from './school.ts';

// Ofsted inspections and the external reviews a trust commissions (issue 15): the strategy gives
// each school an external QA review every three years and a menu of reviews (teaching and learning,
// leadership, QA visit, peer review, pupil premium). They sit beside the trust's own category, so
// the trust sees when a category no longer fits what inspectors or reviewers found.

export const reviewDocId = (uuid: string) => `review:${uuid}`;

export const REVIEW_KINDS = [
	'ofsted',
	'qa',
	'peer',
	'teaching-learning',
	'leadership',
	'pupil-premium',
	'send'
] as const;
export const ReviewKind = lazy(() => z.enum(REVIEW_KINDS));
export type ReviewKind = z.infer<typeof ReviewKind>;

export const REVIEW_KIND_LABELS: Record<ReviewKind, string> = {
	ofsted: 'Ofsted inspection',
	qa: 'External QA review',
	peer: 'Peer review',
	'teaching-learning': 'Teaching and learning review',
	leadership: 'Leadership and management review',
	'pupil-premium': 'Pupil premium review',
	send: 'SEND review'
};

/**
 * A kind of review inside a sentence ("The peer review of 3 Nov 2026 was removed."): its label with
 * a small first letter, but Ofsted and SEND as they are always written.
 */
export function reviewKindInProse(kind: ReviewKind): string {
	const label = REVIEW_KIND_LABELS[kind];
	return kind === 'ofsted' || kind === 'send'
		? label
		: label.charAt(0).toLowerCase() + label.slice(1);
}

/** The framework an inspection was made under; each keeps its own areas and scale. */
export const INSPECTION_FRAMEWORKS = { 'ofsted-2019': OFSTED_2019, 'ofsted-2025': OFSTED_2025 };
export const InspectionFramework = lazy(() => z.enum(['ofsted-2019', 'ofsted-2025']));
export type InspectionFramework = z.infer<typeof InspectionFramework>;

export const INSPECTION_FRAMEWORK_LABELS: Record<InspectionFramework, string> = {
	'ofsted-2019': 'Graded inspection (framework before November 2025)',
	'ofsted-2025': 'Report card (from November 2025)'
};

/** The framework in a sentence ("…, report card: …"). */
export const INSPECTION_FRAMEWORK_SHORT: Record<InspectionFramework, string> = {
	'ofsted-2019': 'graded inspection',
	'ofsted-2025': 'report card'
};

/** What Ofsted found: a grade or outcome per area of the framework, and safeguarding. */
export const InspectionOutcome = lazy(() =>
	z
		.object({
			framework: InspectionFramework,
			/** Area id → grade id of the framework's scale (overall effectiveness is an area in 2019). */
			grades: z.record(Slug, Slug),
			/** Met / not met on a report card; effective / not effective before. */
			safeguarding: z.enum(['met', 'not-met']).optional(),
			/** When Ofsted is next expected: the window the school is in or will enter. */
			nextWindow: z.object({ from: IsoDate, to: IsoDate }).optional()
		})
		.superRefine((o, ctx) => {
			const f = INSPECTION_FRAMEWORKS[o.framework];
			for (const [area, grade] of Object.entries(o.grades)) {
				if (!f.areas.some((a) => a.id === area))
					ctx.addIssue({ code: 'custom', path: ['grades', area], message: 'is not an area' });
				else if (!f.scale.some((g) => g.id === grade))
					ctx.addIssue({ code: 'custom', path: ['grades', area], message: 'is not a grade' });
			}
			if (o.framework === 'ofsted-2019' && !o.grades['overall-effectiveness'])
				ctx.addIssue({
					code: 'custom',
					path: ['grades', 'overall-effectiveness'],
					message: 'give the overall effectiveness grade'
				});
			if (o.framework === 'ofsted-2025') {
				if (Object.keys(o.grades).length === 0)
					ctx.addIssue({ code: 'custom', path: ['grades'], message: 'give the evaluation areas' });
				if (!o.safeguarding)
					ctx.addIssue({
						code: 'custom',
						path: ['safeguarding'],
						message: 'say whether safeguarding was met'
					});
			}
			if (o.nextWindow && o.nextWindow.to < o.nextWindow.from)
				ctx.addIssue({
					code: 'custom',
					path: ['nextWindow', 'to'],
					message: 'the window ends before it starts'
				});
		})
);
export type InspectionOutcome = z.infer<typeof InspectionOutcome>;

/** One inspection or external review of a school (school database). */
export const ExternalReview = lazy(() =>
	z
		.object({
			...docMeta,
			...changeMeta,
			type: z.literal('external-review'),
			schoolId: Slug,
			kind: ReviewKind,
			/** The day of the inspection or review (its last day when it ran over two). */
			on: IsoDate,
			/** Who inspected or reviewed: "Ofsted", a lead inspector, a partner school, an adviser. */
			reviewer: Label,
			/** The headline finding, in the reviewers' words where possible. */
			headline: Text(2000).trim().min(1, 'give the headline finding'),
			inspection: InspectionOutcome.optional(),
			recordedBy: z.string().min(1),
			updatedBy: z.string().min(1),
			updatedAt: IsoDateTime
		})
		.refine((r) => (r.kind === 'ofsted') === (r.inspection !== undefined), {
			message: 'an Ofsted inspection records its outcome, and only an inspection does',
			path: ['inspection']
		})
);
export type ExternalReview = z.infer<typeof ExternalReview>;

const byDate = (a: ExternalReview, b: ExternalReview) =>
	b.on.localeCompare(a.on) || b.updatedAt.localeCompare(a.updatedAt);

/** Newest first. */
export const reviewsInOrder = (reviews: readonly ExternalReview[]) => [...reviews].sort(byDate);

/** The most recent Ofsted inspection, or null when none is recorded. */
export function latestInspection(reviews: readonly ExternalReview[]): ExternalReview | null {
	return reviewsInOrder(reviews).find((r) => r.kind === 'ofsted') ?? null;
}

/** The grade's words in the inspection's own framework. */
export function inspectionGradeLabel(o: InspectionOutcome, gradeId: string): string {
	return INSPECTION_FRAMEWORKS[o.framework].scale.find((g) => g.id === gradeId)?.label ?? gradeId;
}

export function safeguardingLabel(o: InspectionOutcome): string | null {
	if (!o.safeguarding) return null;
	if (o.framework === 'ofsted-2025') return o.safeguarding === 'met' ? 'Met' : 'Not met';
	return o.safeguarding === 'met' ? 'Effective' : 'Not effective';
}

/** A short summary of the outcome: the overall grade before 2025, the report card's lowest otherwise. */
export function outcomeSummary(o: InspectionOutcome): string {
	const f = INSPECTION_FRAMEWORKS[o.framework];
	if (o.framework === 'ofsted-2019') {
		const overall = inspectionGradeLabel(o, o.grades['overall-effectiveness'] ?? '');
		return `${overall} overall`;
	}
	const parts: string[] = [];
	for (const g of [...f.scale].reverse()) {
		const n = Object.values(o.grades).filter((x) => x === g.id).length;
		if (n > 0) parts.push(`${g.label.toLowerCase()} in ${n} ${n === 1 ? 'area' : 'areas'}`);
	}
	const sg = o.safeguarding === 'not-met' ? '; safeguarding not met' : '; safeguarding met';
	const text = parts.join(', ');
	return text ? text[0]!.toUpperCase() + text.slice(1) + sg : sg.slice(2);
}

const RANK: Record<SchoolCategory, number> = { '1': 0, '2a': 1, '2b': 2, '3': 3, '4': 4 };

/**
 * The categories an inspection's outcome is consistent with (002's category table): outstanding
 * fits 1 or 2a, good 2a or 2b, requires improvement 2b or 3, inadequate 4. A report card has no
 * overall grade: urgent improvement in any area, or safeguarding not met, puts a school into an
 * Ofsted category (4); needs attention anywhere reads as 2b or 3; strong or exceptional in every
 * area as 1 or 2a; otherwise (expected standard somewhere) 2a or 2b.
 */
export function categoriesFitting(o: InspectionOutcome): SchoolCategory[] {
	const grades = Object.values(o.grades);
	if (o.framework === 'ofsted-2019') {
		switch (o.grades['overall-effectiveness']) {
			case 'outstanding':
				return ['1', '2a'];
			case 'good':
				return ['2a', '2b'];
			case 'requires-improvement':
				return ['2b', '3'];
			default:
				return ['4'];
		}
	}
	if (o.safeguarding === 'not-met' || grades.includes('urgent-improvement')) return ['4'];
	if (grades.includes('needs-attention')) return ['2b', '3'];
	if (grades.every((g) => g === 'strong' || g === 'exceptional')) return ['1', '2a'];
	return ['2a', '2b'];
}

/**
 * Whether the school's category still fits its latest inspection: `worse` when the inspection
 * found the school weaker than its category implies, `better` when stronger. Null when it fits or
 * no inspection is recorded.
 */
export function categoryMisfit(
	category: SchoolCategory,
	inspection: ExternalReview | null
): { direction: 'better' | 'worse'; fitting: SchoolCategory[] } | null {
	if (!inspection?.inspection) return null;
	const fitting = categoriesFitting(inspection.inspection);
	if (fitting.includes(category)) return null;
	const worst = Math.max(...fitting.map((c) => RANK[c]));
	return { direction: RANK[category] < worst ? 'worse' : 'better', fitting };
}

const orList = (cs: SchoolCategory[]) => cs.map((c) => `${c} (${CATEGORY_LABELS[c]})`).join(' or ');

/**
 * The plain note shown beside the category when it no longer fits, or null. `date` formats a
 * yyyy-mm-dd date for people (en-GB).
 */
export function categoryNote(
	category: SchoolCategory,
	inspection: ExternalReview | null,
	date: (iso: string) => string
): string | null {
	const misfit = categoryMisfit(category, inspection);
	if (!misfit || !inspection?.inspection) return null;
	const found = outcomeSummary(inspection.inspection).toLowerCase();
	const how =
		misfit.direction === 'worse'
			? 'found the school weaker than its category implies'
			: 'found the school stronger than its category implies';
	return `Category ${category} may no longer fit: the Ofsted inspection on ${date(inspection.on)} ${how} (${found}). That outcome fits category ${orList(misfit.fitting)}.`;
}
