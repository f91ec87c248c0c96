import { z } from 'zod';
import { lazy } from './lazy.ts';
import { changeMeta } from './changes.ts';
import { compareIso } from './compare.ts';
import { docMeta, IsoDate, IsoDateTime, Slug, Stamp, Text } from './common.ts';

// The strategy's "vulnerable" route (Strategy for School Improvement): if a school is thought
// vulnerable the CEO meets the head and a support plan is put in place; once it is not vulnerable
// it returns to the annual cycle. The mark belongs to the school over time, not to a term's
// overview: it stays until the CEO removes it, with the date and the reason.

export const vulnerableMarkDocId = (uuid: string) => `vulnerable:${uuid}`;

/** One period in which a school is marked vulnerable (school database). Never deleted. */
export const VulnerableMark = lazy(() =>
	z
		.object({
			...docMeta,
			...changeMeta,
			type: z.literal('vulnerable-mark'),
			schoolId: Slug,
			/** The day the CEO marked the school vulnerable. */
			markedOn: IsoDate,
			markedBy: z.string().min(1),
			reason: Text(2000).min(1, 'say why the school is thought vulnerable'),
			/** The CEO's meeting with the headteacher about the support. */
			meetingOn: IsoDate.optional(),
			meetingNotes: Text(4000),
			/** The support agreed: the support plan. */
			supportPlan: Text(4000).min(1, 'a school marked vulnerable needs a support plan'),
			/** The day the CEO removed the mark and why: the school returns to the annual cycle. */
			removed: Stamp.extend({
				on: IsoDate,
				reason: Text(2000).min(1, 'say why the school is no longer vulnerable')
			}).optional(),
			updatedBy: z.string().min(1),
			updatedAt: IsoDateTime
		})
		.refine((m) => !m.removed || m.removed.on >= m.markedOn, {
			message: 'the mark cannot be removed before the day it was made',
			path: ['removed', 'on']
		})
);
export type VulnerableMark = z.infer<typeof VulnerableMark>;

/** Where a school is in the strategy on a day: on the annual cycle, or the vulnerable route. */
export type SchoolRoute =
	| { kind: 'vulnerable'; mark: VulnerableMark }
	| {
			kind: 'annual';
			/** The last mark removed on or before the day, if any. */ last: VulnerableMark | null;
	  };

/**
 * The one rule every screen and report reads: the mark in force on `day` (yyyy-mm-dd) is one made
 * on or before that day and not removed by then (removed on the day means no longer in force).
 * Of two overlapping marks the later one is in force (of two made the same day, the one whose id
 * is later in code point order: the same on every device, whatever its language).
 */
export function schoolRoute(marks: readonly VulnerableMark[], day: string): SchoolRoute {
	const made = marks
		.filter((m) => m.markedOn <= day)
		.sort((a, b) => compareIso(a.markedOn, b.markedOn) || compareIso(a._id, b._id));
	const open = made.filter((m) => !m.removed || m.removed.on > day);
	const mark = open[open.length - 1];
	if (mark) return { kind: 'vulnerable', mark };
	const last = [...made].sort((a, b) => compareIso(a.removed!.on, b.removed!.on)).pop() ?? null;
	return { kind: 'annual', last };
}

/** The mark in force on `day`, or null when the school is on the annual cycle. */
export function vulnerableOn(marks: readonly VulnerableMark[], day: string): VulnerableMark | null {
	const r = schoolRoute(marks, day);
	return r.kind === 'vulnerable' ? r.mark : null;
}
