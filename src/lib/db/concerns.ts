import {
	Concern,
	concernDocId,
	concernOrder,
	CONCERNS_DB,
	newItemId,
	SCHEMA_VERSION,
	type ConcernLevel
} from '$lib/domain';
import { createDoc, RecordRefused, updateDoc, writtenName, type WriteContext } from './repository';
import { editStamp } from './save-changes';
import type { ReadModel } from './read-model';

/** Every concern on this device (a lead's and the CEO's), open first. */
export async function allConcerns(rm: ReadModel): Promise<Concern[]> {
	return (await rm.concerns.toArray()).map((r) => r.doc).sort(concernOrder);
}

/** One school's concerns, open first. */
export async function concernsOf(rm: ReadModel, schoolId: string): Promise<Concern[]> {
	const rows = await rm.concerns.where('schoolId').equals(schoolId).toArray();
	return rows.map((r) => r.doc).sort(concernOrder);
}

export interface NewConcern {
	schoolId: string;
	visitId?: string;
	raisedOn: string;
	title: string;
	seen: string;
	level: ConcernLevel;
}

/** A lead alerts the CEO to a concern about a school they support. */
export async function raiseConcern(ctx: WriteContext, input: NewConcern): Promise<Concern> {
	const name = ctx.user.name ?? '';
	const full = writtenName(ctx).name;
	return createDoc(ctx, CONCERNS_DB, Concern, {
		_id: concernDocId(crypto.randomUUID()),
		schemaVersion: SCHEMA_VERSION,
		type: 'concern',
		schoolId: input.schoolId,
		...(input.visitId ? { visitId: input.visitId } : {}),
		raisedOn: input.raisedOn,
		raisedBy: name,
		...(full ? { raisedByName: full } : {}),
		title: input.title.trim(),
		seen: input.seen.trim(),
		level: input.level,
		actions: [],
		updatedBy: name,
		updatedAt: new Date().toISOString(),
		edit: editStamp(ctx)
	});
}

/**
 * The CEO records one thing done about a concern, added to the latest revision: an action written
 * on another device meanwhile stays (actions are keyed by id, and only ever added).
 */
export async function recordConcernAction(
	ctx: WriteContext,
	concern: Concern,
	input: { on: string; text: string }
): Promise<Concern> {
	const text = input.text.trim();
	if (!text) throw new RecordRefused('Say what was done.');
	const name = ctx.user.name ?? '';
	const now = new Date().toISOString();
	return updateDoc(ctx, CONCERNS_DB, concern._id, Concern, (current) => ({
		...current,
		actions: [
			...current.actions,
			{ id: newItemId(), on: input.on, text, by: name, ...writtenName(ctx), at: now }
		],
		updatedBy: name,
		updatedAt: now,
		edit: editStamp(ctx)
	}));
}

/** The CEO closes a concern; what was done stays on it. */
export async function closeConcern(
	ctx: WriteContext,
	concern: Concern,
	input: { on: string; note: string }
): Promise<Concern> {
	const name = ctx.user.name ?? '';
	const now = new Date().toISOString();
	return updateDoc(ctx, CONCERNS_DB, concern._id, Concern, (current) => {
		if (current.closed) throw new RecordRefused('This concern has already been closed.');
		if (input.on < current.raisedOn) {
			throw new RecordRefused('A concern cannot be closed before the day it was raised.');
		}
		return {
			...current,
			closed: { by: name, ...writtenName(ctx), at: now, on: input.on, note: input.note.trim() },
			updatedBy: name,
			updatedAt: now,
			edit: editStamp(ctx)
		};
	});
}
