import {
	bookletStart,
	LearningWalk,
	newItemId,
	SCHEMA_VERSION,
	schoolDbName,
	visitDocId,
	VisitRecord,
	withItemIds,
	type BeyondAllowanceReason,
	type EvaluationFramework,
	type VisitCalendar,
	type VisitType
} from '$lib/domain';
import {
	createDoc,
	getDoc,
	RecordRefused,
	updateDoc,
	writtenName,
	type WriteContext
} from './repository';
import { keepConfirmedSteps } from './next-steps';
import { editStamp, saveChanges } from './save-changes';
import { isConfirmedVisit, withLateAddenda, type Describe } from '$lib/sync/late-changes';
import { merge3, type Doc } from '$lib/sync/merge';

/** The parts of the booklet the visitor edits. */
export const BOOKLET_FIELDS = [
	'date',
	'visitType',
	'attendees',
	'focus',
	'documents',
	'activities',
	'discussion',
	'evaluations',
	'safeguarding',
	'daysUsed'
] as const;
export type BookletFields = Pick<VisitRecord, (typeof BOOKLET_FIELDS)[number]>;

/**
 * Plan a visit. The record starts from its type's preset (`bookletStart`): for a termly visit the
 * trust's visit calendar fills in the term's focus, the documents the school provides beforehand,
 * the suggested joint activities and the term's discussion areas (its own, else the framework's
 * for its season); a review its own. The framework gives one evaluation per area where the type
 * evaluates them.
 */
export async function planVisit(
	ctx: WriteContext,
	input: {
		schoolId: string;
		year: string;
		term: number;
		date: string;
		calendar: VisitCalendar | null;
		framework: EvaluationFramework;
		/** The kind of visit; a termly SI visit when left out. */
		visitType?: VisitType;
		/**
		 * The discussion areas to start with, where the planner removed some of the preset's
		 * (`bookletStart(...).areas`); the preset's when left out.
		 */
		areas?: readonly string[];
		/** SI time the visit is planned for (`plannedDaysFor`). */
		days?: number;
		/** Why, when planning it goes past the school's allowance (`planningPastAllowance`). */
		beyondAllowance?: { reason: BeyondAllowanceReason; note: string };
	}
): Promise<VisitRecord> {
	const type = input.visitType ?? 'termly';
	const start = bookletStart(type, input.calendar, input.term, input.framework);
	const areas = (input.areas ?? start.areas).map((a) => a.trim()).filter(Boolean);
	const now = new Date().toISOString();
	const doc: VisitRecord = {
		_id: visitDocId(input.year, input.term, crypto.randomUUID()),
		schemaVersion: SCHEMA_VERSION,
		type: 'visit',
		schoolId: input.schoolId,
		year: input.year,
		term: input.term,
		date: input.date,
		visitor: ctx.user.name ?? '',
		...visitorName(ctx),
		status: 'planned',
		visitType: type,
		attendees: [],
		focus: start.focus,
		documents: start.documents.map((label) => ({ label, seen: false })),
		activities: start.activities.map((label) => ({ label, done: false })),
		discussion: areas.map((area) => ({
			id: newItemId(),
			area,
			evidence: '',
			strengths: '',
			development: ''
		})),
		frameworkId: input.framework.id,
		evaluations: start.evaluations ? frameworkEvaluations(input.framework) : [],
		safeguarding: null,
		daysUsed: input.days ?? 1,
		...(input.beyondAllowance
			? {
					beyondAllowance: {
						...stamp(ctx),
						reason: input.beyondAllowance.reason,
						note: input.beyondAllowance.note.trim()
					}
				}
			: {}),
		addenda: [],
		createdAt: now,
		updatedAt: now,
		edit: editStamp(ctx)
	};
	return createDoc(ctx, schoolDbName(input.schoolId), VisitRecord, doc);
}

/**
 * Save what the person changed in the booklet since `base` (see `saveChanges`); a planned visit
 * becomes a draft once anything is written. A shared or confirmed record is not edited.
 */
export async function saveBooklet(
	ctx: WriteContext,
	base: VisitRecord,
	draft: VisitRecord
): Promise<VisitRecord> {
	return saveChanges(ctx, schoolDbName(base.schoolId), base._id, VisitRecord, base, draft, {
		guard: (current) => {
			if (current.status === 'confirmed' || current.status === 'shared') {
				throw new RecordRefused(
					current.status === 'confirmed'
						? 'This record was confirmed by the headteacher: add an addendum instead.'
						: 'This record has been shared with the headteacher: take it back to draft to change it.'
				);
			}
		},
		finish: (merged) => ({
			...merged,
			status: 'draft' as const,
			updatedAt: new Date().toISOString()
		})
	});
}

/** One empty evaluation for each of the framework's areas. */
export const frameworkEvaluations = (framework: EvaluationFramework) =>
	framework.areas.map((a) => ({ areaId: a.id, gradeId: null, comment: '' }));

function visitorName(ctx: WriteContext): { visitorName?: string } {
	const { name } = writtenName(ctx);
	return name ? { visitorName: name } : {};
}

function stamp(ctx: WriteContext) {
	return { by: ctx.user.name ?? '', ...writtenName(ctx), at: new Date().toISOString() };
}

/** Share the record with the headteacher, or take it back to draft before they confirm it. */
export async function setShared(
	ctx: WriteContext,
	schoolId: string,
	id: string,
	shared: boolean
): Promise<VisitRecord> {
	return updateDoc(ctx, schoolDbName(schoolId), id, VisitRecord, (current) => {
		if (current.status === 'confirmed') {
			throw new RecordRefused('The headteacher has already confirmed this record.');
		}
		const next = { ...current, status: shared ? ('shared' as const) : ('draft' as const) };
		if (shared) next.shared = stamp(ctx);
		else delete next.shared;
		return { ...next, updatedAt: new Date().toISOString(), edit: editStamp(ctx) };
	});
}

/**
 * The headteacher confirms that the record reflects what was discussed, and with it the next steps
 * of the visit they have before them (`steps`, their ids): those are agreed, and a step that
 * reaches them later waits for their own reply (`stepAgreement`).
 */
export async function confirmVisit(
	ctx: WriteContext,
	schoolId: string,
	id: string,
	comment: string,
	steps: readonly string[]
): Promise<VisitRecord> {
	const named = [...new Set(steps)].sort();
	const refuse = (current: VisitRecord) => {
		if (current.status !== 'shared') {
			throw new RecordRefused('Only a record shared with you can be confirmed.');
		}
	};
	// The steps it names are written again by the head, so that none is lost to a removal from a
	// device that had not seen the record confirmed (see `keepConfirmedSteps`). They go first: if
	// one cannot be written, this throws and the record is not confirmed, so the head is told and
	// tries again, rather than a confirmed record's step being left open to that removal. The
	// record is checked first so that steps are not agreed for a record that cannot be confirmed.
	const before = await getDoc(ctx, schoolDbName(schoolId), id, VisitRecord);
	if (!before) throw new RecordRefused('This record is no longer on this device.');
	refuse(before);
	await keepConfirmedSteps(ctx, schoolId, named);
	return updateDoc(ctx, schoolDbName(schoolId), id, VisitRecord, (current) => {
		refuse(current);
		// Confirming settles a disagreement the head had replied with.
		const { disagreement: _settled, ...rest } = current;
		return {
			...rest,
			status: 'confirmed' as const,
			confirmation: { ...stamp(ctx), comment: comment.trim(), steps: named },
			edit: editStamp(ctx)
		};
	});
}

/**
 * The headteacher replies that the shared record does not reflect what was discussed, with a
 * short reason the visitor sees on the record and on their home screen.
 */
export async function disagreeWithVisit(
	ctx: WriteContext,
	schoolId: string,
	id: string,
	reason: string
): Promise<VisitRecord> {
	const text = reason.trim();
	if (!text) throw new RecordRefused('Say briefly what you disagree with.');
	return updateDoc(ctx, schoolDbName(schoolId), id, VisitRecord, (current) => {
		if (current.status !== 'shared') {
			throw new RecordRefused('Only a record shared with you can be replied to.');
		}
		return { ...current, disagreement: { ...stamp(ctx), reason: text }, edit: editStamp(ctx) };
	});
}

/** A later change to a confirmed record: its own dated, signed note; the record is not edited. */
export async function addAddendum(
	ctx: WriteContext,
	schoolId: string,
	id: string,
	text: string
): Promise<VisitRecord> {
	return updateDoc(ctx, schoolDbName(schoolId), id, VisitRecord, (current) => ({
		...current,
		addenda: [...current.addenda, { id: newItemId(), ...stamp(ctx), text: text.trim() }],
		edit: editStamp(ctx)
	}));
}

/** The record already says everything the changes do, or already holds their addendum. */
class NothingLate extends Error {}

/**
 * Changes typed on this device that reach a booklet the headteacher has since confirmed: an
 * editor's note saved at the next start (`saveUnsaved`), its tab closed before it could save. What
 * they change, measured as a save measures it (`base` and `draft` merged onto the latest), is
 * appended in the writer's name exactly as late changes arriving by sync are (`withLateAddenda`);
 * what was confirmed is not changed. Gives back how many addenda were appended: none when the
 * record already says all of it, or already holds the addendum `addendumId` (two tabs starting
 * at once save the same note).
 */
export async function addLateChanges(
	ctx: WriteContext,
	schoolId: string,
	id: string,
	base: Doc,
	draft: Doc,
	late: { addendumId: string; at: string; describe?: Describe }
): Promise<number> {
	let added = 0;
	try {
		await updateDoc(ctx, schoolDbName(schoolId), id, VisitRecord, (current) => {
			const latest = withItemIds(current as unknown as Doc);
			if (!isConfirmedVisit(latest)) {
				throw new RecordRefused('This record is not confirmed: save the changes to it instead.');
			}
			if (current.addenda.some((a) => a.id === late.addendumId)) throw new NothingLate();
			const { doc: merged } = merge3(withItemIds(base), withItemIds(draft), latest);
			const by = ctx.user.name ?? '';
			const next = withLateAddenda(latest, merged, by, late.at, late.addendumId, late.describe);
			if (next === latest) throw new NothingLate();
			const addenda = next.addenda as VisitRecord['addenda'];
			added = addenda.length - current.addenda.length;
			// Only the addenda are taken from the merge: the rest is the record exactly as confirmed.
			return { ...current, addenda, edit: editStamp(ctx) };
		});
	} catch (err) {
		if (err instanceof NothingLate) return 0;
		throw err;
	}
	return added;
}

export const WALK_FIELDS = ['lookFors', 'rooms', 'summary'] as const;
export type WalkFields = Pick<LearningWalk, (typeof WALK_FIELDS)[number]>;

export const walkDocId = (visitId: string) => `walk:${visitId.slice('visit:'.length)}`;

/** The learning walk of a visit, created on first use. */
export async function openWalk(
	ctx: WriteContext,
	visit: Pick<VisitRecord, '_id' | 'schoolId' | 'date'>,
	lookFors: string[]
): Promise<LearningWalk> {
	const db = schoolDbName(visit.schoolId);
	try {
		return LearningWalk.parse(await ctx.dbFor(db).get(walkDocId(visit._id)));
	} catch (err) {
		if ((err as { status?: number }).status !== 404) throw err;
	}
	const now = new Date().toISOString();
	return createDoc(ctx, db, LearningWalk, {
		_id: walkDocId(visit._id),
		schemaVersion: SCHEMA_VERSION,
		type: 'learning-walk',
		schoolId: visit.schoolId,
		visitId: visit._id,
		visitor: ctx.user.name ?? '',
		...visitorName(ctx),
		date: visit.date,
		lookFors,
		rooms: [],
		summary: '',
		createdAt: now,
		updatedAt: now,
		edit: editStamp(ctx)
	});
}

/** Save what the person changed in the learning walk since `base` (see `saveChanges`). */
export async function saveWalk(
	ctx: WriteContext,
	base: LearningWalk,
	draft: LearningWalk
): Promise<LearningWalk> {
	return saveChanges(ctx, schoolDbName(base.schoolId), base._id, LearningWalk, base, draft, {
		finish: (merged) => ({ ...merged, updatedAt: new Date().toISOString() })
	});
}

/**
 * Store a photo of pupils' work (already resized on the device) as an attachment of the walk. The
 * room's list of photos is part of the walk's own fields, saved with them.
 */
export async function addWalkPhoto(
	ctx: WriteContext,
	schoolId: string,
	walkId: string,
	photo: Blob
): Promise<string> {
	const db = ctx.dbFor(schoolDbName(schoolId));
	const name = `photo-${Date.now()}-${crypto.randomUUID().slice(0, 6)}.jpg`;
	for (let attempt = 0; ; attempt++) {
		const current = await db.get(walkId);
		try {
			await db.putAttachment(walkId, name, current._rev, photo, 'image/jpeg');
			return name;
		} catch (err) {
			if ((err as { status?: number }).status !== 409 || attempt >= 5) throw err;
		}
	}
}

export async function walkPhoto(
	ctx: WriteContext,
	schoolId: string,
	walkId: string,
	name: string
): Promise<Blob> {
	return (await ctx.dbFor(schoolDbName(schoolId)).getAttachment(walkId, name)) as Blob;
}
