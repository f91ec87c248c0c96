import { z } from 'zod';
import { lazy } from './lazy.ts';
import { changeMeta } from './changes.ts';
import { ItemId, withItemIds } from './item-ids.ts';
import {
	AcademicYearId,
	docMeta,
	IsoDate,
	IsoDateTime,
	Label,
	PersonName,
	Slug,
	Stamp,
	TermNumber,
	Text
} from './common.ts';
import { VISIT_TYPES } from './visit-types.ts';

/** Where a visit record is in its agreement with the headteacher. */
export const VisitStatus = lazy(() => z.enum(['planned', 'draft', 'shared', 'confirmed']));
export type VisitStatus = z.infer<typeof VisitStatus>;

export const VISIT_STATUS_LABELS: Record<VisitStatus, string> = {
	planned: 'Planned',
	draft: 'Draft',
	shared: 'Shared with the headteacher',
	confirmed: 'Confirmed by the headteacher'
};

export const visitDocId = (year: string, term: number, uuid: string) =>
	`visit:${year}:t${term}:${uuid}`;

const VisitRecordFields = lazy(() =>
	z.object({
		...docMeta,
		...changeMeta,
		type: z.literal('visit'),
		schoolId: Slug,
		year: AcademicYearId,
		term: TermNumber,
		date: IsoDate,
		/** User name of the visitor who owns the record. */
		visitor: z.string().min(1),
		/** The visitor's full name, written with the record (older records have none). */
		visitorName: PersonName.optional(),
		status: VisitStatus,
		/** The kind of visit from the SI menu; a record without one is a termly SI visit. */
		visitType: z.enum(VISIT_TYPES).optional(),
		/** Items of the lists a person edits carry an `id` (`newItemId()`), by which edits merge. */
		attendees: z.array(z.object({ id: ItemId, name: Label, role: Text(200) })).max(50),
		focus: Text(2000),
		documents: z.array(z.object({ label: Label, seen: z.boolean() })).max(50),
		activities: z.array(z.object({ label: Label, done: z.boolean() })).max(50),
		discussion: z
			.array(
				z.object({
					id: ItemId,
					area: Label,
					evidence: Text(),
					strengths: Text(),
					development: Text()
				})
			)
			.max(30),
		frameworkId: Slug,
		evaluations: z
			.array(z.object({ areaId: Slug, gradeId: Slug.nullable(), comment: Text(2000) }))
			.max(20),
		safeguarding: z.enum(['met', 'not-met']).nullable(),
		/** SI time this visit counts against the school's allowance, in days. */
		daysUsed: z.number().min(0).max(10).multipleOf(0.25),
		shared: Stamp.optional(),
		confirmation: Stamp.extend({
			comment: Text(2000),
			/**
			 * The next steps of this visit that the head had before them when they confirmed: those
			 * are the steps their confirmation agrees. A step that reached them later (added on a
			 * device that had not yet seen the record shared) waits for their own reply. Without it (a
			 * confirmation given before this was kept) every step of the visit is agreed.
			 */
			steps: z.array(z.string().min(1).max(200)).max(500).optional()
		}).optional(),
		/**
		 * The headteacher's reply that the shared record does not reflect what was discussed, in their
		 * own words; the record stays shared until the visitor changes it and the head confirms.
		 */
		disagreement: Stamp.extend({
			reason: Text(1000).min(1, 'say what you disagree with')
		}).optional(),
		/** Why this visit was planned beyond the school's SI days allowance (see `siDays`). */
		beyondAllowance: Stamp.extend({
			reason: z.enum(['school-request', 'corrective-support', 'trust-decision']),
			note: Text(1000)
		}).optional(),
		/** Later changes to a confirmed record, each with its own date and author. */
		addenda: z.array(Stamp.extend({ id: ItemId, text: Text().min(1) })).max(100),
		createdAt: IsoDateTime,
		updatedAt: IsoDateTime
	})
);

/**
 * The SI discussion record booklet for one visit. A record written before its list items had ids
 * is given them as it is read (`withItemIds`), so every parsed record has them.
 */
export const VisitRecord = lazy(() =>
	z.preprocess(
		(doc) => (doc && typeof doc === 'object' ? withItemIds(doc) : doc),
		VisitRecordFields
	)
);
export type VisitRecord = z.infer<typeof VisitRecord>;

export type BeyondAllowanceReason = NonNullable<VisitRecord['beyondAllowance']>['reason'];

export const BEYOND_ALLOWANCE_REASONS: Record<BeyondAllowanceReason, string> = {
	'school-request': 'The school asked for extra support',
	'corrective-support': 'Corrective support (the school is vulnerable or in a category)',
	'trust-decision': 'A decision of the trust'
};

export const NextStepStatus = lazy(() => z.enum(['open', 'in-progress', 'done']));
export type NextStepStatus = z.infer<typeof NextStepStatus>;

export const nextStepDocId = (year: string, uuid: string) => `next-step:${year}:${uuid}`;

/** An agreed next step: its own document, so that heads and visitors rarely edit the same one. */
export const NextStep = lazy(() =>
	z
		.object({
			...docMeta,
			...changeMeta,
			type: z.literal('next-step'),
			schoolId: Slug,
			year: AcademicYearId,
			/** The visit it was agreed in, and the evaluation area it supports. */
			visitId: z.string().optional(),
			areaId: Slug.optional(),
			action: Text(2000).min(1, 'the next step needs words'),
			owner: Label,
			dueDate: IsoDate.optional(),
			dueTerm: TermNumber.optional(),
			successCriteria: Text(2000),
			createdBy: z.string().min(1),
			createdByName: PersonName.optional(),
			createdAt: IsoDateTime,
			/**
			 * The headteacher's own reply to this step: agreed, or not with a short reason. Only the
			 * head writes it; without it the step is agreed when the head confirms its visit record.
			 */
			headReply: Stamp.extend({
				agrees: z.boolean(),
				reason: Text(1000)
			})
				.refine((r) => r.agrees || r.reason.trim().length > 0, {
					message: 'say why you disagree',
					path: ['reason']
				})
				.optional(),
			/**
			 * Each time the step was still open when a new academic year began and moved into it. The step
			 * keeps its document, so its progress updates stay with it (issue 15).
			 */
			carriedOver: z
				.array(
					z.object({
						from: AcademicYearId,
						to: AcademicYearId,
						by: z.string().min(1),
						at: IsoDateTime
					})
				)
				.max(20)
				.optional()
		})
		.refine((n) => n.dueDate !== undefined || n.dueTerm !== undefined, {
			message: 'a next step needs a due date or a term',
			path: ['dueDate']
		})
);
export type NextStep = z.infer<typeof NextStep>;

export const progressDocId = (nextStepId: string, at: string, uuid: string) =>
	`progress:${nextStepId.slice('next-step:'.length)}:${at}:${uuid}`;

/**
 * Whether a progress update marks its step done, and so needs a note of the evidence: it says done
 * and the step was not done already. A later note on a step that is done leaves it done, and its
 * evidence was given when it was marked done. An update that does not say what it followed (written
 * before `statusBefore` was kept) is taken to mark the step done, as it always was.
 */
export const marksDone = (p: { status: NextStepStatus; statusBefore?: NextStepStatus }) =>
	p.status === 'done' && p.statusBefore !== 'done';

/** A progress update on a next step: a new document each time, never an edit of a shared list. */
export const ProgressUpdate = lazy(() =>
	z
		.object({
			...docMeta,
			type: z.literal('progress-update'),
			schoolId: Slug,
			nextStepId: z.string().startsWith('next-step:'),
			status: NextStepStatus,
			/**
			 * The step's status as the writer saw it. A note added to a step already done says so here,
			 * as the rules see one document at a time (CouchDB's `validate_doc_update` reads no other).
			 */
			statusBefore: NextStepStatus.optional(),
			note: Text(2000).min(1, 'say what has happened'),
			evidence: Text(2000).optional(),
			by: z.string().min(1),
			byName: PersonName.optional(),
			at: IsoDateTime
		})
		.refine((p) => !marksDone(p) || (p.evidence ?? '').trim().length > 0, {
			message: 'marking a next step done needs a short note of the evidence',
			path: ['evidence']
		})
);
export type ProgressUpdate = z.infer<typeof ProgressUpdate>;

/** The most a photo's caption holds: a line under a photo, such as “Year 5 working wall”. */
export const PHOTO_CAPTION_MAX = 120;

/** What a photo of a learning walk shows, as its room's captions have it; '' when not said. */
export const photoCaption = (room: { captions?: Record<string, string> }, name: string): string =>
	room.captions?.[name]?.trim() ?? '';

/** Learning-walk notes, room by room, for one visit. Photos are attachments of this document. */
export const LearningWalk = lazy(() =>
	z.object({
		...docMeta,
		...changeMeta,
		type: z.literal('learning-walk'),
		schoolId: Slug,
		visitId: z.string().startsWith('visit:'),
		visitor: z.string().min(1),
		visitorName: PersonName.optional(),
		date: IsoDate,
		lookFors: z.array(Label).max(30),
		rooms: z
			.array(
				z.object({
					id: ItemId,
					group: Text(100),
					subject: Text(100),
					seen: z.array(Label).max(30),
					strengths: Text(),
					toDevelop: Text(),
					notes: Text(),
					photos: z.array(z.string()).max(20),
					/**
					 * What each photo shows, in the visitor's words, by the photo's name; rooms recorded
					 * before captions have none. A map by name, not a field of each photo: the photos stay
					 * a list of names that earlier versions of the app read, and edits merge caption by
					 * caption (objects merge key by key), never by a photo's position. Kept as typed, not
					 * trimmed here: the read model parses records, and a trimmed value would differ from
					 * the text in the box being typed in. Readers trim it (`photoCaption`). A removed
					 * photo's caption stays, as its attachment does, so Undo brings both back.
					 */
					captions: z.record(z.string().min(1).max(200), Text(PHOTO_CAPTION_MAX)).optional()
				})
			)
			.max(60),
		summary: Text(),
		createdAt: IsoDateTime,
		updatedAt: IsoDateTime
	})
);
export type LearningWalk = z.infer<typeof LearningWalk>;

/** Look-fors a learning walk starts with; the visitor adds or removes them for each walk. */
export const DEFAULT_LOOK_FORS = [
	'Clear learning intentions',
	'Pupils engaged and on task',
	'Vocabulary taught and modelled',
	'Adaptations for pupils with SEND',
	'Feedback used in books',
	'Reading across the curriculum',
	'Positive relationships and behaviour'
] as const;
