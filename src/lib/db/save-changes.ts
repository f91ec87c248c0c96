import type { z } from 'zod';
import { withItemIds, type EditStamp } from '$lib/domain';
import { merge3, type Doc } from '$lib/sync/merge';
import { updateDoc, writtenName, type WriteContext } from './repository';

/** Who is making this edit, on which device, now. */
export function editStamp(ctx: WriteContext): EditStamp {
	return {
		by: ctx.user.name ?? '',
		...writtenName(ctx),
		device: ctx.device ?? '',
		at: new Date().toISOString()
	};
}

export interface SaveChangesOptions<D> {
	/** Refuse the edit, given the latest revision (throw a `RecordRefused`). */
	guard?: (latest: D) => void;
	/** Fields the write sets after the merge, such as `updatedAt` or a planned visit's status. */
	finish?: (merged: D, latest: D) => D;
}

/**
 * Save a form as a change (issue 12): what the person changed since the form's `base` (the
 * revision it opened on, or last saved or took in) is merged onto the latest revision on the
 * device, `merge3(base, draft, latest)`, and nothing else is written. A field someone else changed
 * meanwhile keeps their value; the same field changed differently on both sides keeps both texts as
 * a pending choice, the record showing this edit's text until a person chooses, unless the context
 * allows a join (`WriteContext.joinTexts`: a form's save) and the two changed the text apart. The
 * write retries on a newer revision (`updateDoc`), merging again.
 */
export async function saveChanges<T extends z.ZodType>(
	ctx: WriteContext,
	db: string,
	id: string,
	schema: T,
	base: Doc,
	draft: Doc,
	options: SaveChangesOptions<z.infer<T>> = {}
): Promise<z.infer<T>> {
	return updateDoc(ctx, db, id, schema, (current) => {
		const latest = withItemIds(current as Doc);
		options.guard?.(latest as z.infer<T>);
		const edit = editStamp(ctx);
		const { doc } = merge3(withItemIds(base), withItemIds(draft), latest, {
			stampA: edit,
			joinTexts: ctx.joinTexts === true
		});
		const merged = { ...doc, edit } as z.infer<T>;
		return options.finish ? options.finish(merged, latest as z.infer<T>) : merged;
	});
}
