import { SCHEMAS, validateDocUpdate, describeIssues, type DocType } from '$lib/domain';
import { resolveDoc } from '$lib/sync/resolve';
import { RecordRefused, type WriteContext } from './repository';

type Doc = { _id: string; _rev: string; _conflicts?: string[] } & Record<string, unknown>;

export interface ConflictVersion {
	rev: string;
	doc: Doc;
	/** The version CouchDB's rules picked as the winner (the same on every device). */
	winner: boolean;
}

/** Every current version of a conflicted document, the winner first. */
export async function loadConflict(
	ctx: WriteContext,
	db: string,
	id: string
): Promise<ConflictVersion[]> {
	const local = ctx.dbFor(db);
	const winner = (await local.get(id, { conflicts: true })) as Doc;
	const losers = await Promise.all(
		(winner._conflicts ?? []).map((rev) => local.get(id, { rev }) as Promise<Doc>)
	);
	return [
		{ rev: winner._rev, doc: winner, winner: true },
		...losers.map((doc) => ({ rev: doc._rev, doc, winner: false }))
	];
}

const comparable = (doc: Doc, field: string) => JSON.stringify(doc[field] ?? null);

/** The fields the versions disagree on (CouchDB's own fields aside). */
export function differingFields(versions: ConflictVersion[]): string[] {
	const fields = new Set(versions.flatMap((v) => Object.keys(v.doc)));
	return [...fields]
		.filter((f) => !f.startsWith('_'))
		.filter((f) => new Set(versions.map((v) => comparable(v.doc, f))).size > 1)
		.sort();
}

/**
 * Settle a conflict: the winning revision gets the chosen value of each field (from whichever
 * version the person picked) and every other version is removed, in one write.
 */
export async function resolveConflict(
	ctx: WriteContext,
	db: string,
	versions: ConflictVersion[],
	pick: Record<string, string>
): Promise<void> {
	const winner = versions.find((v) => v.winner) ?? versions[0];
	if (!winner) return;
	const merged: Doc = { ...winner.doc };
	delete merged._conflicts;
	for (const [field, rev] of Object.entries(pick)) {
		const from = versions.find((v) => v.rev === rev);
		if (!from) continue;
		if (field in from.doc) merged[field] = from.doc[field];
		else delete merged[field];
	}
	const type = String(merged.type ?? '') as DocType;
	const schema = SCHEMAS[type]?.schema;
	if (schema) {
		const parsed = schema.safeParse(merged);
		if (!parsed.success) throw new RecordRefused(describeIssues(parsed.error));
	}
	const verdict = validateDocUpdate(merged, winner.doc, ctx.user, db);
	if (!verdict.ok) throw new RecordRefused(verdict.reason);
	const removals = versions
		.filter((v) => v.rev !== winner.rev)
		.map((v) => ({ _id: v.doc._id, _rev: v.rev, _deleted: true }));
	const results = await ctx.dbFor(db).bulkDocs([merged, ...removals]);
	const failed = results.find((r) => 'error' in r && r.error);
	if (failed) throw new Error(`The conflict could not be settled: ${JSON.stringify(failed)}`);
}

/**
 * Settle a conflict without asking, as every device does after a pull (`src/lib/sync/resolve.ts`):
 * the versions are merged against their common ancestor and only real disagreements are left, as
 * choices on the record. True when nothing is left to settle here; false when this person may not
 * write the record or the merge does not fit its rules, and the versions are for a person to see.
 */
export async function resolveAutomatically(
	ctx: WriteContext,
	db: string,
	id: string
): Promise<boolean> {
	const out = await resolveDoc({ user: ctx.user, db, local: ctx.dbFor(db) }, id);
	return out.kind === 'resolved' || out.kind === 'not-conflicted';
}

/** The old name of `resolveAutomatically`, which once merged identical versions only. */
export const resolveIfIdentical = resolveAutomatically;
