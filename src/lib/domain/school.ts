import { z } from 'zod';
import { lazy } from './lazy.ts';
import { changeMeta } from './changes.ts';
import { docMeta, IsoDate, IsoDateTime, Label, Slug, Text } from './common.ts';
import { ItemId } from './item-ids.ts';
import {
	CARTER_STAGES,
	SCHOOL_CATEGORIES,
	STRANDS,
	type CarterStage as CarterStageName,
	type SchoolCategory as Category,
	type Strand as StrandName
} from './categories.ts';
import { schoolDocId } from './databases.ts';

// The names and words a school's screens need without its schemas; the schemas below.
export {
	CARTER_STAGE_LABELS,
	CATEGORY_LABELS,
	SCHOOL_CATEGORIES,
	SI_DAYS_ALLOWANCE,
	strandLine,
	strandText
} from './categories.ts';
export {
	CONCERNS_DB,
	governorsDbName,
	schoolDbName,
	schoolDocId,
	schoolIdFromDbName,
	schoolIdFromGovernorsDb,
	schoolOfDb,
	TRUST_DB
} from './databases.ts';

export const SchoolCategory = lazy(() => z.enum(SCHOOL_CATEGORIES));
export type SchoolCategory = Category;

export const Strand = lazy(() => z.enum(STRANDS));
export type Strand = StrandName;

export const CarterStage = lazy(() => z.enum(CARTER_STAGES));
export type CarterStage = CarterStageName;

/** Where a school stands: its category, strand and (corrective strand only) Carter stage. */
export const Situation = lazy(() =>
	z.object({
		category: SchoolCategory,
		strand: Strand,
		carterStage: CarterStage.optional()
	})
);
export type Situation = z.infer<typeof Situation>;

/**
 * One change of a school's situation, recorded by an administrator: the situation before and
 * after, the date it took effect and why. Kept in order of recording on the school's registry
 * document, so the CEO sees how a school came to be where it is.
 */
export const SituationChange = lazy(() =>
	z.object({
		id: ItemId,
		/** The date the change took effect (may be earlier than the day it was recorded). */
		on: IsoDate,
		from: Situation,
		to: Situation,
		reason: Text(2000).trim().min(1, 'say why the situation changed'),
		by: z.string().min(1),
		at: IsoDateTime
	})
);
export type SituationChange = z.infer<typeof SituationChange>;

/** A school that has closed or left the trust: its records are kept, read-only. */
export const Closure = lazy(() =>
	z.object({
		on: IsoDate,
		reason: Text(2000).trim().min(1, 'say why the school closed'),
		by: z.string().min(1),
		at: IsoDateTime
	})
);
export type Closure = z.infer<typeof Closure>;

/** A school in the trust registry (trust database). */
export const School = lazy(() =>
	z
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
		})
);
export type School = z.infer<typeof School>;
