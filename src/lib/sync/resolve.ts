import {
	SCHEMAS,
	describeIssues,
	validateDocUpdate,
	type DocType,
	type UserCtx
} from '$lib/domain';
import type { PendingChoice } from '$lib/domain/changes';
import { compareRevs, foldLeaves, type Doc } from './merge';

/**
 * Automatic resolution of replicated conflicts (issue 12), the same on every device: every leaf of
 * the document, in CouchDB's winner order, folded with `merge3` against its common ancestor with
 * the winner; the merged body written on top of the winner, then every other leaf removed by a
 * tombstone that names the merged revision. PouchDB's revisions are deterministic (a hash of the body and its parent), and the
 * merged body is a function of the leaves and ancestors only, so two devices that resolve the same
 * conflict write the same revisions and replication has nothing to disagree about (pouchdb#4630).
 */

export type ResolveOutcome =
	/**
	 * Merged and written as `rev`; the leaves in `removed` were folded into it. `added` holds the
	 * choices a person now has to make.
	 */
	| { id: string; kind: 'resolved'; rev: string; removed: string[]; added: PendingChoice[] }
	/** Nothing to do: the document has one leaf (or none). */
	| { id: string; kind: 'not-conflicted' }
	/** This user may not write the document: a device of someone who may will resolve it. */
	| { id: string; kind: 'not-allowed'; reason: string }
	/** The merge does not pass the document's schema (a list grew past its limit): left for a person. */
	| { id: string; kind: 'invalid'; reason: string }
	/** Another write changed the document meanwhile; the next pass resolves it. */
	| { id: string; kind: 'raced' };

type Leaf = Doc & {
	mergedInto?: unknown;
	_rev: string;
	_revisions?: { start: number; ids: string[] };
	_deleted?: boolean;
};

/** The revisions of a leaf's history, newest first. */
function history(leaf: Leaf): string[] {
	const r = leaf._revisions;
	if (!r) return [leaf._rev];
	return r.ids.map((id, i) => `${r.start - i}-${id}`);
}

/**
 * The revision to merge a leaf against: the newest one that both the winner and the leaf contain.
 * A leaf contains its own history, and every revision an earlier resolution folded into a
 * revision it contains: each folded leaf was ended by a tombstone saying which merged revision
 * took it in (`mergedInto`). History alone is not enough: a device that went on editing a version
 * another device had folded into its merge (on either side) would be merged against an older
 * revision, and whatever it had re-typed since that one would look unchanged and be dropped.
 */
export function commonAncestor(
	winner: Leaf,
	leaf: Leaf,
	folded: ReadonlyMap<string, readonly string[]> = new Map()
): string | null {
	const contains = (hist: Set<string>, rev: string, depth: number): boolean =>
		hist.has(rev) ||
		(depth < 50 && (folded.get(rev) ?? []).some((into) => contains(hist, into, depth + 1)));
	const ofWinner = new Set(history(winner));
	const ofLeaf = new Set(history(leaf));
	const both = [...new Set([...ofWinner, ...ofLeaf])].filter(
		(rev) => contains(ofWinner, rev, 0) && contains(ofLeaf, rev, 0)
	);
	return both.sort(compareRevs)[0] ?? null;
}

async function bodyAt(
	id: string,
	rev: string,
	local: PouchDB.Database,
	remote: PouchDB.Database | null
): Promise<Doc | null> {
	for (const db of remote ? [local, remote] : [local]) {
		try {
			const doc = (await db.get(id, { rev })) as unknown as Doc;
			if ((doc as { _deleted?: boolean })._deleted) return null;
			return doc;
		} catch {
			// Compacted here, or unreachable: try the next place, else merge without an ancestor.
		}
	}
	return null;
}

/**
 * Every leaf that is not a deletion, with its history, in CouchDB's winner order; and, from the
 * tombstones of earlier resolutions, which revision each folded leaf went into.
 */
async function readLeaves(
	local: PouchDB.Database,
	id: string
): Promise<{ live: Leaf[]; folded: Map<string, string[]> }> {
	const found = (await local.get(id, { open_revs: 'all', revs: true })) as unknown as {
		ok?: Leaf;
	}[];
	const leaves = found.map((r) => r.ok).filter((d): d is Leaf => d !== undefined);
	const folded = new Map<string, string[]>();
	for (const t of leaves) {
		const parent = history(t)[1];
		if (!t._deleted || !parent || typeof t.mergedInto !== 'string') continue;
		folded.set(parent, [...(folded.get(parent) ?? []), t.mergedInto]);
	}
	const live = leaves.filter((d) => !d._deleted).sort((x, y) => compareRevs(x._rev, y._rev));
	return { live, folded };
}

export interface ResolveContext {
	user: UserCtx;
	/** The database's name (`school-oakfield`), for the role rules. */
	db: string;
	local: PouchDB.Database;
	/** The trust's copy, asked for an ancestor's body this device no longer holds. */
	remote?: PouchDB.Database | null;
}

/** Resolve one document's conflict, if it has one. */
export async function resolveDoc(ctx: ResolveContext, id: string): Promise<ResolveOutcome> {
	let leaves: Leaf[];
	let folded: Map<string, string[]>;
	try {
		({ live: leaves, folded } = await readLeaves(ctx.local, id));
	} catch (err) {
		if ((err as { status?: number }).status === 404) return { id, kind: 'not-conflicted' };
		throw err;
	}
	const winner = leaves[0];
	if (!winner || leaves.length < 2) return { id, kind: 'not-conflicted' };

	const ancestors = new Map<string, Doc | null>();
	for (const leaf of leaves.slice(1)) {
		const rev = commonAncestor(winner, leaf, folded);
		ancestors.set(leaf._rev, rev ? await bodyAt(id, rev, ctx.local, ctx.remote ?? null) : null);
	}
	const { doc, added } = foldLeaves(
		leaves,
		(_w, leaf) => ancestors.get(leaf._rev as string) ?? null
	);

	const schema = SCHEMAS[String(doc.type ?? '') as DocType]?.schema;
	if (schema) {
		const parsed = schema.safeParse(doc);
		if (!parsed.success) return { id, kind: 'invalid', reason: describeIssues(parsed.error) };
	}
	const verdict = validateDocUpdate(doc, winner, ctx.user, ctx.db);
	if (!verdict.ok) return { id, kind: 'not-allowed', reason: verdict.reason };

	// Two writes, not one: each tombstone names the merged revision, known only once written. If
	// the device stops between them, the next pass merges the same leaves into the merged revision
	// again, which changes nothing, and removes them then.
	const [written] = await ctx.local.bulkDocs([doc] as PouchDB.Core.PutDocument<object>[]);
	if (!written || ('error' in written && written.error)) {
		if ((written as { status?: number } | undefined)?.status === 409) return { id, kind: 'raced' };
		throw new Error(`The conflict could not be settled: ${JSON.stringify(written)}`);
	}
	const rev = (written as { rev: string }).rev;
	const removals = leaves
		.slice(1)
		.map((l) => ({ _id: id, _rev: l._rev, _deleted: true, mergedInto: rev }));
	const results = await ctx.local.bulkDocs(removals as PouchDB.Core.PutDocument<object>[]);
	const failed = results.find((r) => 'error' in r && r.error);
	if (failed && (failed as { status?: number }).status !== 409) {
		throw new Error(`The conflict could not be settled: ${JSON.stringify(failed)}`);
	}
	return { id, kind: 'resolved', rev, removed: removals.map((r) => r._rev), added };
}

/** Resolve each of these documents; a failure on one does not stop the others. */
export async function resolveDocs(
	ctx: ResolveContext,
	ids: Iterable<string>
): Promise<ResolveOutcome[]> {
	const out: ResolveOutcome[] = [];
	for (const id of new Set(ids)) {
		try {
			let result = await resolveDoc(ctx, id);
			// A write landed between reading the leaves and writing: read them again, once.
			if (result.kind === 'raced') result = await resolveDoc(ctx, id);
			out.push(result);
		} catch {
			// The conflict stays listed; the conflict screen and the next pass still see it.
		}
	}
	return out;
}

/** Which of these documents are in conflict here: one read for a whole replication batch. */
export async function conflictedAmong(local: PouchDB.Database, ids: string[]): Promise<string[]> {
	const keys = [...new Set(ids)].filter((id) => !id.startsWith('_'));
	if (keys.length === 0) return [];
	const res = await local.allDocs({ keys, include_docs: true, conflicts: true });
	return res.rows.flatMap((row) => {
		const doc = 'doc' in row ? (row.doc as { _conflicts?: string[] } | undefined) : undefined;
		return doc?._conflicts?.length ? [row.key] : [];
	});
}

/**
 * Storage stays bounded without losing the ancestors merges need. Local databases keep old bodies
 * (no auto-compaction), and a database is compacted only when nothing in it waits to be sent and
 * none of its documents is in conflict: then every document's leaf is the revision the trust also
 * has, the one a future conflict will start from, and compaction keeps leaves.
 */
export async function compactIfSettled(
	local: PouchDB.Database,
	waiting: number,
	conflicted: number
): Promise<boolean> {
	if (waiting > 0 || conflicted > 0) return false;
	await local.compact();
	return true;
}
