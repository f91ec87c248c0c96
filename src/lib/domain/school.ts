import { z } from 'zod';
import { changeMeta } from './changes.ts';
import { docMeta, IsoDate, IsoDateTime, Label, Slug, Text } from './common.ts';
import { ItemId } from './item-ids.ts';

/** The trust's categories of school (Strategy for School Improvement). */
export const SCHOOL_CATEGORIES = ['1', '2a', '2b', '3', '4'] as const;
export const SchoolCategory = z.enum(SCHOOL_CATEGORIES);
export type SchoolCategory = z.infer<typeof SchoolCategory>;

export const CATEGORY_LABELS: Record<SchoolCategory, string> = {
	'1': 'Outstanding',
	'2a': 'Securely good',
	'2b': 'Good with weaknesses',
	'3': 'Requires improvement',
	'4': 'Inadequate'
};

/** Days of SI support a school may receive in a year, by category ("up to"). */
export const SI_DAYS_ALLOWANCE: Record<SchoolCategory, number> = {
	'1': 3,
	'2a': 3,
	'2b': 5,
	'3': 7,
	'4': 10
};

export const Strand = z.enum(['preventative', 'corrective']);
export type Strand = z.infer<typeof Strand>;

/** Sir David Carter's four stages, for schools on the corrective strand. */
export const CarterStage = z.enum(['stabilise', 'repair', 'improve', 'sustain']);
export type CarterStage = z.infer<typeof CarterStage>;

export const schoolDocId = (schoolId: string) => `school:${schoolId}`;
/** Each school's records live in their own database, so access is granted per school. */
export const schoolDbName = (schoolId: string) => `school-${schoolId}`;
export const TRUST_DB = 'trust';

export function schoolIdFromDbName(db: string): string | null {
	const m = /^school-([a-z0-9-]+)$/.exec(db);
	return m ? m[1]! : null;
}

export const CARTER_STAGE_LABELS: Record<CarterStage, string> = {
	stabilise: 'Stabilise',
	repair: 'Repair',
	improve: 'Improve',
	sustain: 'Sustain'
};

/** Where a school stands: its category, strand and (corrective strand only) Carter stage. */
export const Situation = z.object({
	category: SchoolCategory,
	strand: Strand,
	carterStage: CarterStage.optional()
});
export type Situation = z.infer<typeof Situation>;

/**
 * One change of a school's situation, recorded by an administrator: the situation before and
 * after, the date it took effect and why. Kept in order of recording on the school's registry
 * document, so the CEO sees how a school came to be where it is.
 */
export const SituationChange = z.object({
	id: ItemId,
	/** The date the change took effect (may be earlier than the day it was recorded). */
	on: IsoDate,
	from: Situation,
	to: Situation,
	reason: Text(2000).trim().min(1, 'say why the situation changed'),
	by: z.string().min(1),
	at: IsoDateTime
});
export type SituationChange = z.infer<typeof SituationChange>;

/** A school that has closed or left the trust: its records are kept, read-only. */
export const Closure = z.object({
	on: IsoDate,
	reason: Text(2000).trim().min(1, 'say why the school closed'),
	by: z.string().min(1),
	at: IsoDateTime
});
export type Closure = z.infer<typeof Closure>;

/** A school in the trust registry (trust database). */
export const School = z
	.object({
		...docMeta,
		...changeMeta,
		type: z.literal('school'),
		id: Slug,
		name: Label,
		urn: z
			.string()
			.regex(/^\d{6,7}$/, 'must be a 6 or 7 digit URN')
			.optional(),
		phase: z.enum(['primary', 'secondary', 'all-through', 'special']),
		category: SchoolCategory,
		strand: Strand,
		carterStage: CarterStage.optional(),
		headteacher: Label.optional(),
		/** Changes of category, strand and Carter stage, oldest recorded first. */
		history: z.array(SituationChange).max(500).optional(),
		closed: Closure.optional()
	})
	.refine((s) => s._id === schoolDocId(s.id), {
		message: 'id must match the document id',
		path: ['_id']
	})
	.refine((s) => s.strand === 'corrective' || s.carterStage === undefined, {
		message: 'only schools on the corrective strand have a Carter stage',
		path: ['carterStage']
	})
	.refine((s) => s.strand === 'preventative' || s.carterStage !== undefined, {
		message: 'a school on the corrective strand needs a Carter stage',
		path: ['carterStage']
	});
export type School = z.infer<typeof School>;

/** The school's strand and Carter stage in words ("Corrective, second stage"). */
export function strandText(school: School): string {
	const strand = school.strand === 'corrective' ? 'Corrective' : 'Preventative';
	// The stage is one of Carter's four words, said as a stage rather than shown as a code.
	return school.carterStage ? `${strand}, ${school.carterStage} stage` : strand;
}
