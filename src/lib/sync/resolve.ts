import {
	SCHEMAS,
	describeIssues,
	validateDocUpdate,
	withItemIds,
	type DocType,
	type UserCtx
} from '$lib/domain';
import type { PendingChoice } from '$lib/domain/changes';
import { isConfirmedVisit, lateChanges, withLateAddenda, type Describe } from './late-changes';
import { compareRevs, foldLeaves, merge3, type Doc } from './merge';

/**
 * Automatic resolution of replicated conflicts (issue 12), the same on every device: every leaf of
 * the document, in CouchDB's winner order, folded with `merge3` into what the leaves before it
 * made, against the newest revisions both contain (merged into one when there are several); the merged body written on top of the winner, then every other leaf removed by a
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
	/**
	 * The merge does not pass the document's schema: left for a person. `overfull` names the lists
	 * that the versions together make longer than a record may hold (each side added items).
	 */
	| { id: string; kind: 'invalid'; reason: string; overfull: Overfull[] }
	/** Another write changed the document meanwhile; the next pass resolves it. */
	| { id: string; kind: 'raced' };

/** A list the merged versions make too long: where, how many items, and how many a record holds. */
export interface Overfull {
	path: (string | number)[];
	count: number;
	max: number;
}

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
 * What each revision descends from, as far as this device knows: its parent in every history read,
 * and every revision an earlier resolution folded into it (each folded leaf was ended by a
 * tombstone naming the merged revision that took it in, `mergedInto`). History alone is not
 * enough: a device that went on editing a version another device had folded into its merge would
 * be merged against an older revision, and whatever it had re-typed since would look unchanged
 * and be dropped.
 */
export class Ancestry {
	private readonly parents = new Map<string, Set<string>>();
	private readonly memo = new Map<string, Set<string>>();

	constructor(leaves: readonly Leaf[]) {
		for (const leaf of leaves) {
			const h = history(leaf);
			for (let i = 0; i + 1 < h.length; i++) this.link(h[i]!, h[i + 1]!);
			if (leaf._deleted && typeof leaf.mergedInto === 'string' && h[1])
				this.link(leaf.mergedInto, h[1]);
		}
	}

	private link(child: string, parent: string) {
		const set = this.parents.get(child) ?? new Set<string>();
		set.add(parent);
		this.parents.set(child, set);
	}

	/** The revision and every revision it contains. */
	of(rev: string): Set<string> {
		const known = this.memo.get(rev);
		if (known) return known;
		const out = new Set<string>();
		const todo = [rev];
		while (todo.length > 0) {
			const r = todo.pop()!;
			if (out.has(r)) continue;
			out.add(r);
			for (const p of this.parents.get(r) ?? []) todo.push(p);
		}
		this.memo.set(rev, out);
		return out;
	}

	/**
	 * The newest revisions contained in both sets that no other such revision contains, newest
	 * first. Two of them (a criss-cross: each side took in a different one of two versions) have no
	 * single ancestor to merge against; `mergeBase` then merges them into one, as git's recursive
	 * strategy does.
	 */
	bases(x: ReadonlySet<string>, y: ReadonlySet<string>): string[] {
		const both = [...x].filter((r) => y.has(r)).sort(compareRevs);
		const out: string[] = [];
		for (const rev of both) if (!out.some((newer) => this.of(newer).has(rev))) out.push(rev);
		return out;
	}
}

/**
 * The body to merge against, given the revisions `bases` found: the one revision's body, or, for
 * several, their own merge against their bases in turn (depth-limited; a missing body is left out,
 * which can only make the merge keep more).
 */
async function mergeBase(
	revs: readonly string[],
	g: Ancestry,
	body: (rev: string) => Promise<Doc | null>,
	depth = 0
): Promise<Doc | null> {
	let acc: Doc | null = null;
	let contained = new Set<string>();
	for (const rev of revs) {
		const next = await body(rev);
		if (!next) continue;
		if (!acc || depth > 8) {
			acc ??= next;
			contained = new Set([...contained, ...g.of(rev)]);
			continue;
		}
		const base = await mergeBase(g.bases(contained, g.of(rev)), g, body, depth + 1);
		acc = { ...merge3(base, acc, next).doc, _id: acc._id };
		contained = new Set([...contained, ...g.of(rev)]);
	}
	return acc;
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
			return withItemIds(doc);
		} catch {
			// Compacted here, or unreachable: try the next place, else merge without an ancestor.
		}
	}
	return null;
}

/**
 * Every leaf that is not a deletion, with its history, in CouchDB's winner order; and all leaves,
 * tombstones of earlier resolutions included, for the ancestry.
 */
async function readLeaves(
	local: PouchDB.Database,
	id: string
): Promise<{ live: Leaf[]; all: Leaf[] }> {
	const found = (await local.get(id, { open_revs: 'all', revs: true })) as unknown as {
		ok?: Leaf;
	}[];
	const all = found.map((r) => r.ok).filter((d): d is Leaf => d !== undefined);
	// Versions written before list items had ids are given them as every reader does (from their
	// content), so they merge item by item with versions that have them.
	const live = all
		.filter((d) => !d._deleted)
		.map((d) => withItemIds(d))
		.sort((x, y) => compareRevs(x._rev, y._rev));
	return { live, all };
}

export interface ResolveContext {
	user: UserCtx;
	/** The database's name (`school-oakfield`), for the role rules. */
	db: string;
	local: PouchDB.Database;
	/** The trust's copy, asked for an ancestor's body this device no longer holds. */
	remote?: PouchDB.Database | null;
	/** Field names and values in people's words, for an addendum of late changes. */
	describe?: Describe;
}

/** The merge `resolveDoc` would write, or why it would not write one; nothing is written. */
export async function planResolution(
	ctx: ResolveContext,
	id: string
): Promise<
	| Exclude<ResolveOutcome, { kind: 'resolved' }>
	| { id: string; kind: 'planned'; doc: Doc; added: PendingChoice[]; leaves: Leaf[] }
> {
	let leaves: Leaf[];
	let all: Leaf[];
	try {
		({ live: leaves, all } = await readLeaves(ctx.local, id));
	} catch (err) {
		if ((err as { status?: number }).status === 404) return { id, kind: 'not-conflicted' };
		throw err;
	}
	const winner = leaves[0];
	if (!winner || leaves.length < 2) return { id, kind: 'not-conflicted' };

	// Each leaf merges into what the leaves before it made, against what both contain.
	const g = new Ancestry(all);
	const bodies = new Map<string, Promise<Doc | null>>();
	const body = (rev: string) => {
		let b = bodies.get(rev);
		if (!b) bodies.set(rev, (b = bodyAt(id, rev, ctx.local, ctx.remote ?? null)));
		return b;
	};
	const ancestors = new Map<string, Doc | null>();
	let contained = g.of(winner._rev);
	for (const leaf of leaves.slice(1)) {
		const mine = g.of(leaf._rev);
		ancestors.set(leaf._rev, await mergeBase(g.bases(contained, mine), g, body));
		contained = new Set([...contained, ...mine]);
	}
	const ancestorOf = (_w: Doc, leaf: Doc) => ancestors.get(leaf._rev as string) ?? null;
	const schema = SCHEMAS[String(winner.type ?? '') as DocType]?.schema;
	// Texts both devices only added to, or changed in different lines, are joined (`join-text.ts`);
	// a join the record cannot hold (too long) is left a choice instead, as every other clash is.
	let { doc, added } = foldLeaves(leaves, ancestorOf, { joinTexts: true });
	if (schema && !schema.safeParse(doc).success) ({ doc, added } = foldLeaves(leaves, ancestorOf));

	if (schema) {
		const parsed = schema.safeParse(doc);
		if (!parsed.success) {
			const overfull = parsed.error.issues.flatMap((i): Overfull[] => {
				if (i.code !== 'too_big' || i.origin !== 'array') return [];
				const list = i.path.reduce<unknown>(
					(at, k) => (at as Record<PropertyKey, unknown> | undefined)?.[k as string],
					doc
				);
				const count = Array.isArray(list) ? list.length : 0;
				return [{ path: i.path as (string | number)[], count, max: Number(i.maximum) }];
			});
			return {
				id,
				kind: 'invalid',
				reason: describeIssues(parsed.error, typeof doc.type === 'string' ? doc.type : undefined),
				overfull
			};
		}
	}
	// A confirmed version meeting a later change to what it says: what the head confirmed stays as
	// it is, whoever's device resolves (the rules, which compare with one version only, could
	// otherwise let a head's device confirm text the head never read).
	const confirmed = leaves.find(isConfirmedVisit);
	if (confirmed && lateChanges(confirmed, doc).length > 0) {
		const late = afterConfirmation(ctx, confirmed, leaves, doc);
		if (late) return { id, kind: 'planned', doc: late, added: [], leaves };
		return {
			id,
			kind: 'not-allowed',
			reason: 'The visitor’s device adds the later changes to the confirmed record as an addendum.'
		};
	}
	const verdict = validateDocUpdate(doc, winner, ctx.user, ctx.db);
	if (!verdict.ok) return { id, kind: 'not-allowed', reason: verdict.reason };
	return { id, kind: 'planned', doc, added, leaves };
}

/**
 * A visit the headteacher confirmed while the visitor's other device went on changing it: the
 * merge would change a confirmed record, which nobody may. On the visitor's device the confirmed
 * version is kept as it is, and the visitor's late changes are appended to it as an addendum in
 * their name (`late-changes.ts`); null when that is not the case or not allowed.
 */
function afterConfirmation(
	ctx: ResolveContext,
	confirmed: Leaf,
	leaves: Leaf[],
	merged: Doc
): Doc | null {
	const visitor = ctx.user.name;
	if (!visitor || confirmed.visitor !== visitor) return null;
	const others = leaves.filter((l) => l !== confirmed);
	const stamps = others
		.map((l) => (l.edit as { at?: unknown } | undefined)?.at ?? l.updatedAt)
		.filter((at): at is string => typeof at === 'string')
		.sort();
	const at = stamps[stamps.length - 1] ?? String(confirmed.updatedAt);
	const id = `late-${(others[0]?._rev ?? confirmed._rev).split('-')[1]?.slice(0, 32) ?? 'x'}`;
	const { _revisions: _r, _conflicts: _c, ...body } = confirmed as Leaf & { _conflicts?: unknown };
	const doc = withLateAddenda(body, merged, visitor, at, id, ctx.describe);
	const schema = SCHEMAS.visit.schema;
	if (!schema.safeParse(doc).success) return null;
	return validateDocUpdate(doc, confirmed, ctx.user, ctx.db).ok ? doc : null;
}

/** Resolve one document's conflict, if it has one. */
export async function resolveDoc(ctx: ResolveContext, id: string): Promise<ResolveOutcome> {
	const plan = await planResolution(ctx, id);
	if (plan.kind !== 'planned') return plan;
	const { doc, added, leaves } = plan;

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
		.filter((l) => l._rev !== doc._rev)
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
