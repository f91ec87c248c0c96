import {
	confirmedStep,
	NextStep,
	ProgressUpdate,
	progressDocId,
	schoolDbName,
	nextStepDocId,
	SCHEMA_VERSION,
	validateDocUpdate,
	type NextStepStatus
} from '$lib/domain';
import { createDoc, RecordRefused, updateDoc, writtenName, type WriteContext } from './repository';
import { editStamp, saveChanges } from './save-changes';

/** The fields of a next step a visitor edits. */
export const NEXT_STEP_FIELDS = [
	'action',
	'owner',
	'dueDate',
	'dueTerm',
	'successCriteria',
	'areaId'
] as const;
export type NextStepFields = Pick<NextStep, (typeof NEXT_STEP_FIELDS)[number]>;

/** The signer's full name under `field`, when their account has one. */
function named<K extends string>(field: K, ctx: WriteContext): Partial<Record<K, string>> {
	const { name } = writtenName(ctx);
	return name ? ({ [field]: name } as Record<K, string>) : {};
}

export async function createNextStep(
	ctx: WriteContext,
	input: { schoolId: string; year: string; visitId?: string } & NextStepFields
): Promise<NextStep> {
	const doc = {
		_id: nextStepDocId(input.year, crypto.randomUUID()),
		schemaVersion: SCHEMA_VERSION,
		type: 'next-step' as const,
		...input,
		createdBy: ctx.user.name ?? '',
		...named('createdByName', ctx),
		createdAt: new Date().toISOString(),
		edit: editStamp(ctx)
	};
	return createDoc(ctx, schoolDbName(input.schoolId), NextStep, doc);
}

export async function updateNextStep(
	ctx: WriteContext,
	schoolId: string,
	id: string,
	fields: Partial<NextStepFields>
): Promise<NextStep> {
	return updateDoc(ctx, schoolDbName(schoolId), id, NextStep, (current) => ({
		...current,
		...fields,
		edit: editStamp(ctx)
	}));
}

/**
 * Save what the person changed in the next step's form since `base` (see `saveChanges`). A date
 * field cleared is no due date.
 */
export async function saveNextStep(
	ctx: WriteContext,
	base: NextStep,
	draft: NextStep
): Promise<NextStep> {
	const changes = { ...draft, dueDate: draft.dueDate || undefined };
	return saveChanges(ctx, schoolDbName(base.schoolId), base._id, NextStep, base, changes);
}

/** A new progress update: its own document, so a head and a visitor never edit the same one. */
export async function addProgressUpdate(
	ctx: WriteContext,
	input: {
		schoolId: string;
		nextStepId: string;
		status: NextStepStatus;
		/** The step's status when the update was written: a note on a step done keeps it done. */
		statusBefore?: NextStepStatus;
		note: string;
		evidence?: string;
	}
): Promise<ProgressUpdate> {
	const at = new Date().toISOString();
	const evidence = input.evidence?.trim();
	const doc = {
		_id: progressDocId(input.nextStepId, at, crypto.randomUUID().slice(0, 8)),
		schemaVersion: SCHEMA_VERSION,
		type: 'progress-update' as const,
		schoolId: input.schoolId,
		nextStepId: input.nextStepId,
		status: input.status,
		...(input.statusBefore ? { statusBefore: input.statusBefore } : {}),
		note: input.note.trim(),
		...(evidence ? { evidence } : {}),
		by: ctx.user.name ?? '',
		...named('byName', ctx),
		at
	};
	return createDoc(ctx, schoolDbName(input.schoolId), ProgressUpdate, doc);
}

/**
 * Remove a next step agreed by mistake (the visitor only, as the rules say). The removed step is
 * given back, so the person can undo: `restoreNextStep` writes it again under the same id, and its
 * progress updates, which name that id, belong to it again.
 */
export async function removeNextStep(
	ctx: WriteContext,
	schoolId: string,
	id: string
): Promise<NextStep> {
	const db = schoolDbName(schoolId);
	const local = ctx.dbFor(db);
	for (let attempt = 0; ; attempt++) {
		const current = (await local.get(id)) as NextStep & { _rev: string };
		const verdict = validateDocUpdate(
			{ _id: id, _rev: current._rev, _deleted: true },
			current,
			ctx.user,
			db
		);
		if (!verdict.ok) throw new RecordRefused(verdict.reason);
		try {
			await local.remove(id, current._rev);
			return current;
		} catch (err) {
			if ((err as { status?: number }).status !== 409 || attempt >= 5) throw err;
		}
	}
}

/** Put back a next step removed a moment ago (see `removeNextStep`). */
export async function restoreNextStep(ctx: WriteContext, step: NextStep): Promise<NextStep> {
	// A new revision on top of the removal: the same body without the old revision's bookkeeping.
	const body = Object.fromEntries(
		Object.entries(step).filter(([k]) => k === '_id' || !k.startsWith('_'))
	) as NextStep;
	return createDoc(ctx, schoolDbName(step.schoolId), NextStep, { ...body, edit: editStamp(ctx) });
}

/**
 * The headteacher's reply to a proposed next step: they agree with it, or say briefly why not (the
 * visitor sees the reason). A later reply replaces an earlier one.
 */
export async function replyToStep(
	ctx: WriteContext,
	schoolId: string,
	id: string,
	reply: { agrees: boolean; reason: string }
): Promise<NextStep> {
	const reason = reply.reason.trim();
	if (!reply.agrees && !reason) throw new RecordRefused('Say briefly why you disagree.');
	return updateDoc(ctx, schoolDbName(schoolId), id, NextStep, (current) => ({
		...current,
		headReply: {
			by: ctx.user.name ?? '',
			at: new Date().toISOString(),
			agrees: reply.agrees,
			reason
		},
		edit: editStamp(ctx)
	}));
}

/**
 * What confirming a visit record writes on the next steps it names (`confirmVisit`): each one
 * written again by the head, with their agreeing reply if it had none (`confirmedStep`). That
 * revision keeps a step the head confirmed: a removal from the visitor's device that had not seen
 * the record confirmed loses to it once both meet (a live leaf beats a deleted one), so the step
 * comes back on that device too. A step no longer on this device is passed over. One that cannot
 * be written throws (`StepsNotKept`): `confirmVisit` writes the steps before the record, so the
 * record is then not confirmed and the head tries again, rather than a confirmed step being left
 * open to such a removal with no one told.
 */
export async function keepConfirmedSteps(
	ctx: WriteContext,
	schoolId: string,
	ids: readonly string[]
): Promise<void> {
	const at = new Date().toISOString();
	for (const id of ids) {
		try {
			await updateDoc(ctx, schoolDbName(schoolId), id, NextStep, (current) => ({
				...confirmedStep(current, ctx.user.name ?? '', at),
				edit: editStamp(ctx)
			}));
		} catch (err) {
			if ((err as { status?: number }).status === 404) continue;
			console.error(`The confirmed next step ${id} could not be written again`, err);
			throw new StepsNotKept();
		}
	}
}

/** A next step the head is confirming could not be written on this device (`keepConfirmedSteps`). */
export class StepsNotKept extends Error {
	constructor() {
		super(
			'The record is not confirmed: one of its next steps could not be saved on this device. ' +
				'Nothing you typed is lost. Try again; if it keeps happening, reload the page.'
		);
		this.name = 'StepsNotKept';
	}
}
