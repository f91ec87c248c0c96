import {
	GovernorsCopy,
	governorsCopyDocId,
	schoolDbName,
	SCHEMA_VERSION,
	type GovernorsCopy as Copy
} from '$lib/domain';
import { createDoc, type WriteContext } from './repository';

/**
 * The copies of a school's yearly summary sent to the chair of governors, oldest first. Read from
 * the school's database on the device: a copy is a small record that no other screen lists.
 */
export async function governorsCopies(
	ctx: WriteContext,
	schoolId: string,
	year: string
): Promise<Copy[]> {
	const prefix = governorsCopyDocId(year, '');
	const res = await ctx
		.dbFor(schoolDbName(schoolId))
		.allDocs({ include_docs: true, startkey: prefix, endkey: `${prefix}\uffff` });
	return res.rows
		.flatMap((r) => {
			const parsed = GovernorsCopy.safeParse(r.doc);
			return parsed.success ? [parsed.data] : [];
		})
		.sort((a, b) => a.sentOn.localeCompare(b.sentOn) || a.at.localeCompare(b.at));
}

/** Record that this term's copy was sent: a new record each time, in the person's own name. */
export async function recordGovernorsCopy(
	ctx: WriteContext,
	copy: { schoolId: string; year: string; term: number; sentOn: string; to: string }
): Promise<Copy> {
	return createDoc(ctx, schoolDbName(copy.schoolId), GovernorsCopy, {
		_id: governorsCopyDocId(copy.year, crypto.randomUUID()),
		schemaVersion: SCHEMA_VERSION,
		type: 'governors-copy',
		...copy,
		by: ctx.user.name ?? '',
		at: new Date().toISOString()
	});
}
