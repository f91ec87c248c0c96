import {
	SCHEMA_VERSION,
	schoolDbName,
	VulnerableMark,
	vulnerableMarkDocId,
	type SchoolRoute
} from '$lib/domain';
import { createDoc, RecordRefused, updateDoc, type WriteContext } from './repository';
import { editStamp, saveChanges } from './save-changes';
import type { ReadModel } from './read-model';

/** The parts of a mark the CEO keeps up to date while it is in force. */
export const MARK_FIELDS = ['reason', 'meetingOn', 'meetingNotes', 'supportPlan'] as const;

/** A school's vulnerable marks, every year's. */
export async function marksOf(rm: ReadModel, schoolId: string): Promise<VulnerableMark[]> {
	return (await rm.marks.where('schoolId').equals(schoolId).toArray()).map((r) => r.doc);
}

/** The CEO marks a school vulnerable: why, the meeting with the head and the support agreed. */
export async function markVulnerable(
	ctx: WriteContext,
	input: {
		schoolId: string;
		markedOn: string;
		reason: string;
		meetingOn?: string;
		meetingNotes: string;
		supportPlan: string;
	}
): Promise<VulnerableMark> {
	const now = new Date().toISOString();
	const name = ctx.user.name ?? '';
	return createDoc(ctx, schoolDbName(input.schoolId), VulnerableMark, {
		_id: vulnerableMarkDocId(crypto.randomUUID()),
		schemaVersion: SCHEMA_VERSION,
		type: 'vulnerable-mark',
		schoolId: input.schoolId,
		markedOn: input.markedOn,
		markedBy: name,
		reason: input.reason.trim(),
		...(input.meetingOn ? { meetingOn: input.meetingOn } : {}),
		meetingNotes: input.meetingNotes.trim(),
		supportPlan: input.supportPlan.trim(),
		updatedBy: name,
		updatedAt: now,
		edit: editStamp(ctx)
	});
}

/** Save what the CEO changed in a mark's meeting or support since `base` (see `saveChanges`). */
export async function saveMark(
	ctx: WriteContext,
	base: VulnerableMark,
	draft: VulnerableMark
): Promise<VulnerableMark> {
	return saveChanges(ctx, schoolDbName(base.schoolId), base._id, VulnerableMark, base, draft, {
		guard: (latest) => {
			if (latest.removed) throw new RecordRefused('This mark has been removed.');
		},
		finish: (merged) => ({
			...merged,
			updatedBy: ctx.user.name ?? '',
			updatedAt: new Date().toISOString()
		})
	});
}

/** The CEO removes the mark: the school returns to the annual cycle from `on`. */
export async function removeMark(
	ctx: WriteContext,
	mark: VulnerableMark,
	on: string,
	reason: string
): Promise<VulnerableMark> {
	const text = reason.trim();
	if (!text) throw new RecordRefused('Say why the school is no longer vulnerable.');
	const now = new Date().toISOString();
	const name = ctx.user.name ?? '';
	return updateDoc(ctx, schoolDbName(mark.schoolId), mark._id, VulnerableMark, (current) => {
		if (current.removed) throw new RecordRefused('This mark has already been removed.');
		return {
			...current,
			removed: { by: name, at: now, on, reason: text },
			updatedBy: name,
			updatedAt: now,
			edit: editStamp(ctx)
		};
	});
}

/** The route in words for a heading or a badge. */
export const routeLabel = (r: SchoolRoute) =>
	r.kind === 'vulnerable' ? 'Vulnerable: support plan in place' : 'Annual cycle';
