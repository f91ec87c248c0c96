import { recordLink, type RecordLink } from '$lib/db/choices';
import { fieldLabel, recordName, valueText, type NameContext } from '$lib/db/names';
import { schoolIdFromDbName } from '$lib/domain/databases';
import type { RecordName } from '$lib/db/names';
import type { WriteContext } from '$lib/db/repository';
import { withItemIds } from '$lib/domain/item-ids';
import { lateChanges } from '$lib/sync/late-changes';
import { merge3, type Doc } from '$lib/sync/merge';
import type { LeftNote } from './save-unsaved';
import { readUnsaved } from './unsaved';

/** Typing the start could not save, as the Sync page shows it. */
export interface LeftNoteView {
	key: string;
	name: RecordName;
	/** Where the record is opened; null when it is gone. */
	href: RecordLink | null;
	reason: string;
	/** When it was typed (ms since 1970); null for a note kept before this was noted. */
	at: number | null;
	/** What was typed and is not in the record, place by place, in people's words. */
	typed: { label: string; text: string }[];
}

/** The kind of record an id names, for a note whose record is gone (ids start with their kind). */
const KIND_OF_ID: Record<string, string> = {
	visit: 'visit',
	walk: 'learning-walk',
	'next-step': 'next-step',
	overview: 'school-overview'
};

/**
 * The notes `saveUnsaved` left, with what each holds that its record does not: for a record still
 * on the device, what saving the note would change in it (the save's own merge); for one that is
 * gone, what the note changed. A note no longer kept (its editor saved it, or it was discarded in
 * another tab) is left out.
 */
export async function describeLeftNotes(
	ctx: WriteContext,
	left: readonly LeftNote[],
	names: NameContext
): Promise<LeftNoteView[]> {
	const out: LeftNoteView[] = [];
	// Named for the person whose notes they are: the school's head reads "Your comment".
	const named: NameContext = { ...names, reader: ctx.user };
	for (const note of left) {
		if (note.typed) {
			const found = await ctx
				.dbFor(note.db)
				.get<Doc>(note.id)
				.catch(() => null);
			const doc = found ?? { _id: note.id, type: 'attainment-booklet' };
			const { key, reason, typed } = note;
			const href = found ? recordLink(found) : null;
			out.push({ key, name: recordName(note.db, doc, names), href, reason, at: null, typed });
			continue;
		}
		const kept = readUnsaved(note.key);
		if (!kept) continue;
		const found = await ctx
			.dbFor(note.db)
			.get<Doc>(note.id)
			.catch(() => null);
		let before: Doc;
		let after: Doc;
		if (found) {
			before = withItemIds(found);
			after = merge3({ ...before, ...kept.base }, { ...before, ...kept.draft }, before).doc;
		} else {
			const kind = KIND_OF_ID[note.id.split(':')[0] ?? ''];
			const schoolId = schoolIdFromDbName(note.db);
			const own: Doc = {
				...(kind ? { type: kind } : {}),
				...(schoolId ? { schoolId } : {}),
				...kept.own,
				_id: note.id
			};
			before = { ...own, ...kept.base };
			after = { ...own, ...kept.draft };
		}
		const typed = lateChanges(before, after).map((c) => {
			// A removed item is named from the record, where it still is.
			const doc = c.value === undefined ? before : after;
			return {
				label: fieldLabel(doc, c.path, named),
				text: c.value === undefined ? 'removed' : valueText(doc, c.path, c.value, named)
			};
		});
		out.push({
			key: note.key,
			name: recordName(note.db, found ?? after, names),
			href: found ? recordLink(found) : null,
			reason: note.reason,
			at: kept.at ?? null,
			typed
		});
	}
	return out;
}
