import {
	ATTAINMENT_FRAMEWORK_ID,
	AttainmentBooklet,
	attainmentBookletDocId,
	AttainmentFramework,
	newAttainmentBooklet,
	previousYearId,
	schoolDbName,
	takeSnapshot,
	TRUST_DB,
	withLastYear,
	type EntryOutcome
} from '$lib/domain';
import { createDoc, RecordRefused, updateDoc, type WriteContext } from './repository';
import { editStamp } from './save-changes';

/** Figures that could not be taken: every bad cell, by row and column; nothing was changed. */
export class FiguresRefused extends RecordRefused {
	readonly errors: Extract<EntryOutcome, { ok: false }>['errors'];
	constructor(errors: Extract<EntryOutcome, { ok: false }>['errors']) {
		super(errors.map((e) => e.message).join('\n'));
		this.errors = errors;
	}
}

/**
 * Change a school's booklet for a year (made on first use) with an all-or-nothing edit: a grid
 * edit, a paste or a CSV import. The edit is applied to the latest revision on the device.
 */
export async function editBooklet(
	ctx: WriteContext,
	schoolId: string,
	year: string,
	edit: (current: AttainmentBooklet) => EntryOutcome
): Promise<AttainmentBooklet> {
	const db = schoolDbName(schoolId);
	const stamp = { updatedAt: new Date().toISOString(), updatedBy: ctx.user.name ?? '' };
	// A grid edit is already a change: only the cells typed or pasted are set, on the latest
	// revision, so two people entering different figures never overwrite each other.
	const apply = (current: AttainmentBooklet) => {
		const outcome = edit(current);
		if (!outcome.ok) throw new FiguresRefused(outcome.errors);
		return { ...outcome.booklet, ...stamp, edit: editStamp(ctx) };
	};
	const id = attainmentBookletDocId(year);
	try {
		await ctx.dbFor(db).get(id);
	} catch (err) {
		if ((err as { status?: number }).status !== 404) throw err;
		const fresh = await startOfYear(
			ctx,
			db,
			newAttainmentBooklet(schoolId, year, stamp.updatedBy, stamp.updatedAt)
		);
		return createDoc(ctx, db, AttainmentBooklet, apply(fresh));
	}
	return updateDoc(ctx, db, id, AttainmentBooklet, apply);
}

/**
 * Keep the booklet's figures as they stand as the snapshot of a visit's term (issue 15), applied
 * to the latest revision on the device like any other edit, so figures typed meanwhile elsewhere
 * are kept too.
 */
export async function keepSnapshot(
	ctx: WriteContext,
	schoolId: string,
	year: string,
	visit: { _id: string; term: number; date: string }
): Promise<AttainmentBooklet> {
	const at = new Date().toISOString();
	const by = ctx.user.name ?? '';
	return updateDoc(
		ctx,
		schoolDbName(schoolId),
		attainmentBookletDocId(year),
		AttainmentBooklet,
		(current) => ({
			...takeSnapshot(current, visit, by, at),
			updatedAt: at,
			updatedBy: by,
			edit: editStamp(ctx)
		})
	);
}

/** A new year's booklet, with last year's outcomes where the school has last year's booklet. */
async function startOfYear(
	ctx: WriteContext,
	db: string,
	fresh: AttainmentBooklet
): Promise<AttainmentBooklet> {
	const read = async <T>(dbName: string, id: string, parse: (d: unknown) => T) => {
		try {
			return parse(await ctx.dbFor(dbName).get(id));
		} catch {
			return null;
		}
	};
	const [previous, framework] = await Promise.all([
		read(db, attainmentBookletDocId(previousYearId(fresh.year)), (d) => AttainmentBooklet.parse(d)),
		read(TRUST_DB, ATTAINMENT_FRAMEWORK_ID, (d) => AttainmentFramework.parse(d))
	]);
	return withLastYear(fresh, previous, framework);
}
