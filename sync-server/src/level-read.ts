/**
 * Reads for the replication hot paths straight from PouchDB's LevelDB layout, many keys per native
 * call, instead of through PouchDB's API.
 *
 * Why: PouchDB's LevelDB `changes()` reads one document's metadata after another (about 200 µs
 * each under load, so 20 ms for a page of 100), `allDocs({keys})` runs one iterator per key, and
 * every `get` queues behind the adapter's task queue. leveldown's `getMany` fetches a whole batch
 * in one call. Writes never come here: PouchDB writes, so the layout stays PouchDB's own.
 *
 * The layout (pouchdb-adapter-leveldb-core, unchanged since PouchDB 6): keys are
 * `\xff<store>\xff<key>`; `document-store` holds each document's metadata (rev tree, map from
 * revision to sequence, winning revision), `by-sequence` each stored revision's body under its
 * zero-padded sequence number. LevelDB applies each PouchDB write as one atomic batch, so every read
 * sees a document before or after a write, never half of it.
 *
 * Every result matches PouchDB's own for the same question (`tests/server/level-read.test.ts`
 * compares them case by case). Anything this reader does not understand throws `Unreadable`, and
 * the caller asks PouchDB instead.
 */
import type { ChangeRow, Doc } from './storage.ts';

/** The parts of leveldown 6 used here. */
export interface RawLevel {
	getMany(
		keys: string[],
		opts: { asBuffer: false },
		cb: (err: Error | null, values: (string | undefined)[]) => void
	): void;
	iterator(opts: {
		gt: string;
		lt: string;
		limit: number;
		keyAsBuffer: false;
		valueAsBuffer: false;
	}): RawIterator;
}

interface RawIterator {
	next(cb: (err: Error | null, key?: string, value?: string) => void): void;
	end(cb: (err?: Error | null) => void): void;
}

type RevOpts = { status?: string; deleted?: boolean };
type RevNode = [hash: string, opts: RevOpts, children: RevNode[]];
type RevTree = { pos: number; ids: RevNode }[];

/** One document's entry in `document-store`. */
export interface Metadata {
	id: string;
	rev_tree: RevTree;
	rev_map: Record<string, number>;
	seq: number;
	winningRev?: string;
	deleted?: boolean;
}

/** Stored data in a shape this reader does not know: use PouchDB's API for this request. */
export class Unreadable extends Error {}

const DOC_STORE = '\u00ffdocument-store\u00ff';
const UPDATE_SEQ = '\u00ffmeta-store\u00ff_local_last_update_seq';
const BY_SEQ = '\u00ffby-sequence\u00ff';
const seqKey = (seq: number) => BY_SEQ + String(seq).padStart(16, '0');
/** Sorts after every sequence key and before the next store's keys. */
const BY_SEQ_END = BY_SEQ + '\u00ff';

function parse(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		// PouchDB falls back to another encoding for rev trees too deep for JSON.stringify.
		throw new Unreadable('a stored value is not plain JSON');
	}
}

function asMetadata(value: unknown): Metadata {
	const m = value as Metadata;
	if (
		typeof m !== 'object' ||
		m === null ||
		typeof m.id !== 'string' ||
		!Array.isArray(m.rev_tree) ||
		typeof m.rev_map !== 'object' ||
		typeof m.seq !== 'number'
	) {
		throw new Unreadable('document metadata in an unknown shape');
	}
	return m;
}

// Rev-tree walks. Each visits nodes in the same order as PouchDB's own (a stack, last root first),
// because the order of some answers (leaves in `style=all_docs`) follows it.

function traverse(tree: RevTree, visit: (pos: number, node: RevNode) => void): void {
	const stack = tree.map((t) => ({ pos: t.pos, node: t.ids }));
	let item: (typeof stack)[number] | undefined;
	while ((item = stack.pop())) {
		visit(item.pos, item.node);
		for (const child of item.node[2]) stack.push({ pos: item.pos + 1, node: child });
	}
}

type Link = { pos: number; hash: string; parent: Link | null };

/**
 * Every root-to-leaf path, in PouchDB's `rootToLeaf` order: `pos` is the root's, `hashes` run
 * root first. Parent links, not copied histories, so a long chain of edits stays linear.
 */
function rootToLeaf(tree: RevTree): { pos: number; hashes: string[] }[] {
	const paths: { pos: number; hashes: string[] }[] = [];
	const stack = tree.map((t) => ({ pos: t.pos, node: t.ids, parent: null as Link | null }));
	let item: (typeof stack)[number] | undefined;
	while ((item = stack.pop())) {
		const link: Link = { pos: item.pos, hash: item.node[0], parent: item.parent };
		if (item.node[2].length === 0) {
			const hashes: string[] = [];
			let root = link;
			for (let l: Link | null = link; l; l = l.parent) {
				hashes.push(l.hash);
				root = l;
			}
			paths.push({ pos: root.pos, hashes: hashes.reverse() });
		}
		for (const child of item.node[2]) stack.push({ pos: item.pos + 1, node: child, parent: link });
	}
	return paths.reverse();
}

/** The leaf revisions, longest branch first (PouchDB's `collectLeaves`). */
function leafRevs(tree: RevTree): string[] {
	const leaves: { rev: string; pos: number }[] = [];
	traverse(tree, (pos, node) => {
		if (node[2].length === 0) leaves.push({ rev: `${pos}-${node[0]}`, pos });
	});
	return leaves
		.sort((a, b) => a.pos - b.pos)
		.reverse()
		.map((l) => l.rev);
}

/** CouchDB's winner: not deleted, then the longest branch, then the greatest hash. */
function winningRev(m: Metadata): string {
	if (typeof m.winningRev === 'string') return m.winningRev;
	let best: { pos: number; id: string; deleted: boolean } | null = null;
	traverse(m.rev_tree, (pos, [id, opts, children]) => {
		if (children.length) return;
		const deleted = !!opts.deleted;
		const b = best as { pos: number; id: string; deleted: boolean } | null;
		if (!b || (b.deleted !== deleted ? b.deleted : b.pos !== pos ? b.pos < pos : b.id < id)) {
			best = { pos, id, deleted };
		}
	});
	if (!best) throw new Unreadable('a rev tree without leaves');
	const { pos, id } = best as { pos: number; id: string };
	return `${pos}-${id}`;
}

/** Whether a revision is a deletion; by hash, as PouchDB's `isDeleted` looks it up. */
function isDeletedRev(m: Metadata, rev: string): boolean {
	const hash = rev.slice(rev.indexOf('-') + 1);
	const stack = m.rev_tree.map((t) => t.ids);
	let node: RevNode | undefined;
	while ((node = stack.pop())) {
		if (node[0] === hash) return !!node[1].deleted;
		stack.push(...node[2]);
	}
	return false;
}

const isDeleted = (m: Metadata): boolean =>
	typeof m.deleted === 'boolean' ? m.deleted : isDeletedRev(m, winningRev(m));

/** The leaf whose history holds `rev` (PouchDB's `latest`), or null if there is none. */
function latestLeaf(m: Metadata, rev: string): string | null {
	const dash = rev.indexOf('-');
	const pos = Number(rev.slice(0, dash));
	const hash = rev.slice(dash + 1);
	for (const path of rootToLeaf(m.rev_tree).reverse()) {
		if (path.hashes[pos - path.pos] === hash) {
			return `${path.pos + path.hashes.length - 1}-${path.hashes.at(-1)!}`;
		}
	}
	return null;
}

/** `_revisions` for a stored revision: its ancestry, newest first, as PouchDB's `get(revs)`. */
function revisionsOf(m: Metadata, rev: string): { start: number; ids: string[] } {
	const dash = rev.indexOf('-');
	const pos = Number(rev.slice(0, dash));
	const hash = rev.slice(dash + 1);
	let path: { pos: number; hashes: string[] } | null = null;
	for (const candidate of rootToLeaf(m.rev_tree)) {
		const index = candidate.hashes.indexOf(hash);
		if (index === pos - 1 || (!path && index !== -1)) path = candidate;
	}
	if (!path) throw new Unreadable('a revision missing from its own rev tree');
	const ids = path.hashes.slice(0, path.hashes.indexOf(hash) + 1).reverse();
	return { start: path.pos + ids.length - 1, ids };
}

/** A stored body as PouchDB's `get` hands it out: id, revision, attachment stubs, deletion. */
function asDoc(body: Doc, m: Metadata, rev: string): Doc {
	if (body._id !== undefined && body._id !== m.id) {
		throw new Unreadable('a body stored under another document');
	}
	const doc: Doc = { ...body, _id: m.id, _rev: rev };
	const atts = body._attachments as Record<string, object> | undefined;
	if (atts) {
		doc._attachments = Object.fromEntries(
			Object.entries(atts).map(([name, att]) => [name, { ...att, stub: true }])
		);
	}
	if (isDeletedRev(m, rev)) doc._deleted = true;
	return doc;
}

export type RevsDiff = Record<string, { missing: string[] }>;

/** One `_bulk_get` answer for one requested revision, in CouchDB's shape. */
export type BulkGetDoc =
	{ ok: Doc } | { error: { id: string; rev: string; error: string; reason: string } };

export class LevelReader {
	private readonly level: RawLevel;

	constructor(level: RawLevel) {
		this.level = level;
	}

	private getMany(keys: string[]): Promise<(string | undefined)[]> {
		if (keys.length === 0) return Promise.resolve([]);
		return new Promise((resolve, reject) =>
			this.level.getMany(keys, { asBuffer: false }, (err, values) =>
				err ? reject(err) : resolve(values)
			)
		);
	}

	/**
	 * Whether the store is laid out as this reader expects: the update sequence PouchDB keeps in
	 * its meta store is at least the one PouchDB reported a moment before (a write may land in
	 * between). A PouchDB that stored things elsewhere would fail this, and the server would keep
	 * to PouchDB's API for that database.
	 */
	async matchesLayout(updateSeq: number): Promise<boolean> {
		const [stored] = await this.getMany([UPDATE_SEQ]);
		if (stored === undefined) return updateSeq === 0;
		try {
			const seq: unknown = JSON.parse(stored);
			return typeof seq === 'number' && seq >= updateSeq;
		} catch {
			return false;
		}
	}

	/** Each document's metadata, or null where there is no such document. */
	async metadata(ids: string[]): Promise<(Metadata | null)[]> {
		const values = await this.getMany(ids.map((id) => DOC_STORE + id));
		return values.map((v) => (v === undefined ? null : asMetadata(parse(v))));
	}

	/** Stored revision bodies by sequence number, or null where one is gone (compacted). */
	async bodies(seqs: number[]): Promise<(Doc | null)[]> {
		const values = await this.getMany(seqs.map(seqKey));
		return values.map((v) => (v === undefined ? null : (parse(v) as Doc)));
	}

	/** The winning revision of each document that exists and is not deleted, as `get(id)` gives it. */
	winners(metas: (Metadata | null)[]): Promise<(Doc | null)[]> {
		return this.#winners(metas, false);
	}

	/**
	 * The winning revision of each document, a deletion's too (what a read filter judges a row of
	 * `_changes` or `_all_docs` by), or null where there is no such document or body.
	 */
	async winnerBodies(ids: string[]): Promise<(Doc | null)[]> {
		return this.#winners(await this.metadata(ids), true);
	}

	async #winners(metas: (Metadata | null)[], deleted: boolean): Promise<(Doc | null)[]> {
		const wanted = metas.map((m) => {
			if (!m || (!deleted && isDeleted(m))) return null;
			const rev = winningRev(m);
			const seq = m.rev_map[rev];
			return typeof seq === 'number' ? { m, rev, seq } : null;
		});
		const found = wanted.filter((w) => w !== null);
		const bodies = await this.bodies(found.map((w) => w.seq));
		const byWinner = new Map(found.map((w, i) => [w, bodies[i]]));
		return wanted.map((w) => {
			const body = w && byWinner.get(w);
			return w && body ? asDoc(body, w.m, w.rev) : null;
		});
	}

	/** `_revs_diff` as PouchDB answers it: revisions not stored, or stored but compacted away. */
	async revsDiff(request: Record<string, string[]>): Promise<RevsDiff> {
		const ids = Object.keys(request);
		const metas = await this.metadata(ids);
		return revsDiffOf(request, ids, metas);
	}

	/**
	 * One page of `_changes` (no filter, no documents), exactly as PouchDB's LevelDB adapter pages
	 * it: revisions in sequence order, each kept only if it is its document's latest; `last_seq` is
	 * the last kept one's. Entries are read in chunks and their metadata fetched a chunk at a time.
	 */
	async changes(
		since: number,
		limit: number | undefined,
		style: 'main_only' | 'all_docs'
	): Promise<{ results: ChangeRow[]; last_seq: number }> {
		const max = limit === undefined ? Infinity : Math.max(1, limit);
		const results: ChangeRow[] = [];
		let lastSeq = since;
		let from = since;
		const chunk = Number.isFinite(max) ? Math.min(Math.max(max * 2, 64), 1000) : 500;
		for (;;) {
			const entries = await this.range(from, chunk);
			if (entries.length === 0) break;
			from = entries.at(-1)!.seq;
			const ids = [...new Set(entries.map((e) => e.id))];
			const metas = new Map<string, Metadata | null>();
			(await this.metadata(ids)).forEach((m, i) => metas.set(ids[i]!, m));
			for (const { seq, id } of entries) {
				const m = metas.get(id);
				if (!m || m.seq !== seq) continue; // a later revision of this document follows
				lastSeq = seq;
				const winner = winningRev(m);
				const row: ChangeRow = {
					id: m.id,
					changes:
						style === 'all_docs' ? leafRevs(m.rev_tree).map((rev) => ({ rev })) : [{ rev: winner }],
					seq
				};
				if (isDeletedRev(m, winner)) row.deleted = true;
				results.push(row);
				if (results.length >= max) return { results, last_seq: lastSeq };
			}
			if (entries.length < chunk) break;
		}
		return { results, last_seq: lastSeq };
	}

	/** Up to `count` `by-sequence` entries after `since`: their sequence and document id. */
	private range(since: number, count: number): Promise<{ seq: number; id: string }[]> {
		const it = this.level.iterator({
			gt: seqKey(since),
			lt: BY_SEQ_END,
			limit: count,
			keyAsBuffer: false,
			valueAsBuffer: false
		});
		const out: { seq: number; id: string }[] = [];
		return new Promise((resolve, reject) => {
			const finish = (err: Error | null) => it.end(() => (err ? reject(err) : resolve(out)));
			const step = (): void =>
				it.next((err, key, value) => {
					if (err) return finish(err);
					if (key === undefined || value === undefined) return finish(null);
					const doc = parse(value) as { _id?: unknown };
					if (typeof doc?._id !== 'string') return finish(new Unreadable('a body without _id'));
					out.push({ seq: Number(key.slice(BY_SEQ.length)), id: doc._id });
					step();
				});
			step();
		});
	}

	/**
	 * `_bulk_get` for requests without attachment data. An answer is `null` where this reader
	 * cannot give PouchDB's (attachments asked for): the caller asks PouchDB for those.
	 */
	async bulkGet(
		requests: { id: string; rev?: string }[],
		opts: { revs: boolean; latest: boolean; attachments: boolean }
	): Promise<(BulkGetDoc | null)[]> {
		const ids = [...new Set(requests.map((r) => r.id))];
		const metas = new Map<string, Metadata | null>();
		(await this.metadata(ids)).forEach((m, i) => metas.set(ids[i]!, m));

		type Plan = { rev: string; seq: number; meta: Metadata } | BulkGetDoc;
		const missing = (id: string, rev: string | undefined, reason: string): BulkGetDoc => ({
			error: { id, rev: rev ?? 'undefined', error: 'not_found', reason }
		});
		const plans: Plan[] = requests.map(({ id, rev }) => {
			const m = metas.get(id);
			if (!m) return missing(id, rev, 'missing');
			let target: string;
			if (rev === undefined) {
				target = winningRev(m);
				if (isDeleted(m)) return missing(id, rev, 'deleted');
			} else {
				// Only revisions the database holds the body of, as `_revs_diff` says.
				if (Object.hasOwn(revsDiffOf({ [id]: [rev] }, [id], [m]), id))
					return missing(id, rev, 'missing');
				target = opts.latest ? (latestLeaf(m, rev) ?? rev) : rev;
			}
			const seq = m.rev_map[target];
			if (typeof seq !== 'number') return missing(id, rev, 'missing');
			return { rev: target, seq, meta: m };
		});
		const toRead = plans.filter((p): p is Exclude<Plan, BulkGetDoc> => 'seq' in p);
		const bodies = await this.bodies(toRead.map((p) => p.seq));
		const byPlan = new Map(toRead.map((p, i) => [p, bodies[i]!]));

		return plans.map((plan, i) => {
			if (!('seq' in plan)) return plan;
			const { id, rev } = requests[i]!;
			const body = byPlan.get(plan);
			if (!body) return missing(id, rev, 'missing');
			if (body._attachments && opts.attachments) return null;
			const doc = asDoc(body, plan.meta, plan.rev);
			if (opts.revs) doc._revisions = revisionsOf(plan.meta, plan.rev);
			return { ok: doc };
		});
	}
}

/**
 * PouchDB's `revsDiff` over metadata already read, step for step (the order of `missing` follows
 * it): a revision is missing unless the tree holds it with its body available.
 */
export function revsDiffOf(
	request: Record<string, string[]>,
	ids: string[],
	metas: (Metadata | null)[]
): RevsDiff {
	// Ids are anyone's strings: `constructor` or `__proto__` must not find Object's own properties.
	const out: RevsDiff = Object.create(null) as RevsDiff;
	ids.forEach((id, i) => {
		const m = metas[i];
		const revs = (Object.hasOwn(request, id) ? request[id] : undefined) ?? [];
		if (!m) {
			out[id] = { missing: revs };
			return;
		}
		const notFound = revs.slice();
		const missing: string[] = [];
		traverse(m.rev_tree, (pos, [hash, opts]) => {
			const k = notFound.indexOf(`${pos}-${hash}`);
			if (k === -1) return;
			notFound.splice(k, 1);
			if (opts.status !== 'available') missing.push(`${pos}-${hash}`);
		});
		missing.push(...notFound);
		if (missing.length) out[id] = { missing };
	});
	return out;
}

/**
 * Runs `read` on the database's reader; null when there is no reader or the stored data is not in
 * a shape it knows, and the caller should ask PouchDB.
 */
export async function readOrNull<T>(
	reader: Promise<LevelReader | null>,
	read: (r: LevelReader) => Promise<T>
): Promise<T | null> {
	const r = await reader;
	if (!r) return null;
	try {
		return await read(r);
	} catch (err) {
		if (err instanceof Unreadable) return null;
		throw err;
	}
}
