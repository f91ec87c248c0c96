import { z } from 'zod';
import { lazy } from './lazy.ts';
import { changeMeta } from './changes.ts';
import { AcademicYearId, docMeta, IsoDate, Label, Slug, TermNumber, Text } from './common.ts';
import { VISIT_TYPES } from './visit-types.ts';

export const TRUST_SETTINGS_ID = 'settings';

/** Trust-wide settings, editable by an administrator. */
export const TrustSettings = lazy(() =>
	z.object({
		...docMeta,
		...changeMeta,
		_id: z.literal(TRUST_SETTINGS_ID),
		type: z.literal('trust-settings'),
		name: Label,
		/** The evaluation framework new visit records are made against. */
		evaluationFrameworkId: Slug,
		/** Figures for groups smaller than this are shown as suppressed. */
		suppressionThreshold: z.number().int().min(1).max(30),
		/** Whether headteachers may enter their own school's attainment figures. */
		headsMayEnterFigures: z.boolean(),
		/**
		 * Which visit types count against a school's SI days allowance; a type not set takes
		 * `DEFAULT_SI_DAYS_COUNTING` (`siDaysCounting`).
		 */
		siDaysCounting: z.partialRecord(z.enum(VISIT_TYPES), z.boolean()).optional()
	})
);
export type TrustSettings = z.infer<typeof TrustSettings>;

export const TERM_NAMES = [
	'Autumn 1',
	'Autumn 2',
	'Spring 1',
	'Spring 2',
	'Summer 1',
	'Summer 2'
] as const;

/**
 * A term named alone: the trust's name for it and the seeds' number, "Autumn 2 (term 2)". Lists
 * (a select's options, a table's cells) keep the name only. A name that already says its number
 * is left as it is.
 */
export const termName = (term: number, name: string = TERM_NAMES[term - 1] ?? `Term ${term}`) =>
	/\bterm \d\b/i.test(name) ? name : `${name} (term ${term})`;

export const academicYearDocId = (year: string) => `year:${year}`;

/** An academic year and its six terms, with dates. */
export const AcademicYear = lazy(() =>
	z
		.object({
			...docMeta,
			...changeMeta,
			type: z.literal('academic-year'),
			year: AcademicYearId,
			terms: z
				.array(z.object({ term: TermNumber, name: Label, start: IsoDate, end: IsoDate }))
				.length(6, 'an academic year has six terms')
		})
		.refine((y) => y._id === academicYearDocId(y.year), {
			message: 'year must match the document id',
			path: ['_id']
		})
		.refine((y) => y.terms.every((t, i) => t.term === i + 1 && t.start <= t.end), {
			message: 'terms must be numbered 1 to 6 in order, each starting before it ends',
			path: ['terms']
		})
		.refine((y) => y.terms.every((t, i) => i === 0 || y.terms[i - 1]!.end < t.start), {
			message: 'terms must not overlap',
			path: ['terms']
		})
);
export type AcademicYear = z.infer<typeof AcademicYear>;

/**
 * The term (1-6) a visit planned on `date` is for; null outside the year (before its first term
 * begins or after its last ends). A date in the holiday between two terms is for the term after
 * it: a visit held there (a training day or a meeting in the holiday) comes after the earlier
 * term's visit and before the next's, so it prepares for the term ahead, with that term's focus
 * and documents from the visit calendar. Saying where things stood on a day is the other way
 * round: "this term" in the half-term is still the term just ended (`currentTerm` in
 * `$lib/db/queries`), whose figures are counted to its end.
 */
export function termOf(year: AcademicYear, date: string): number | null {
	const first = year.terms[0];
	if (!first || date < first.start) return null;
	return year.terms.find((t) => date <= t.end)?.term ?? null;
}

export const VISIT_CALENDAR_ID = 'visit-calendar';

/** What the trust expects of the visit in each term (Appendix of the SI strategy). */
export const VisitCalendar = lazy(() =>
	z.object({
		...docMeta,
		...changeMeta,
		_id: z.literal(VISIT_CALENDAR_ID),
		type: z.literal('visit-calendar'),
		terms: z
			.array(
				z.object({
					term: TermNumber,
					focus: Text(1000).min(1),
					/**
					 * The discussion areas a new termly visit's booklet starts with (issue 15); without
					 * them, the season's (`termFocusAreas`).
					 */
					focusAreas: z.array(Label).max(10).optional(),
					documents: z.array(Label),
					completedOnDay: z.array(Label),
					activities: z.array(Label)
				})
			)
			.length(6)
	})
);
export type VisitCalendar = z.infer<typeof VisitCalendar>;
