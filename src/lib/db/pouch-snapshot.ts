/**
 * A database's changes from the start, read straight from the IndexedDB stores of PouchDB's `idb`
 * adapter: what `changes({ since: 0, include_docs: true, conflicts: true })` yields, in the same
 * order and shape, without its read of each document's metadata one request at a time (10,000
 * requests for a rebuild of 10,000 documents; this takes a few `getAll`s per database).
 *
 * It ties the read model to that adapter's internals, so it checks the layout first and answers
 * null whenever anything is not as expected; the projector then reads the changes feed as before.
 * Checked against pouchdb-browser 9.0.0 (adapter `idb`, IndexedDB version 5: `document-store`
 * keyed by `id` holding the revision tree as JSON in `data`, with `winningRev`, `deletedOrLocal`
 * and `seq`; `by-sequence` keyed by sequence, each body with its `_doc_id_rev`). The mirror of
 * PouchDB's own code (`changes` in the adapter, `processChange`, `collectConflicts`,
 * `winningRev`, `isDeleted`, `filterChange`) is kept line for line where the order matters;
 * src/lib/db/pouch-snapshot.test.ts proves it yields what the feed yields.
 *
 * When the database holds one body per document (pulled, or compacted, and without conflicts)
 * the metadata is not read at all: the bodies, and the index of deleted documents, say it all.
 * That is about half of what a rebuild reads, and the first chunk is ready that much sooner.
 */

export type SnapshotChange = {
	id: string;
	seq: number;
	changes: { rev: string }[];
	deleted?: true;
	doc: { _id: string; _rev: string; _conflicts?: string[] } & Record<string, unknown>;
};
export type Snapshot = { results: SnapshotChange[]; last_seq: number };

const IDB_VERSION = 5;
const DOC_STORE = 'document-store';
const BY_SEQ_STORE = 'by-sequence';
/** The document store's index of whose winning revision is deleted (`'1'`) or not (`'0'`). */
const DELETED_INDEX = 'deletedOrLocal';
/** Read this many records per request, as PouchDB's own batches do. */
const CHUNK = 2000;
/**
 * A database is held in memory whole while it is read (one consistent read). Above this many
 * documents the changes feed, which reads in batches, is used instead.
 */
export const SNAPSHOT_LIMIT = 20_000;

type RevNode = [string, { deleted?: boolean; status?: string }, RevNode[]];
type RevTree = { pos: number; ids: RevNode }[];
type Metadata = { id: string; rev_tree: RevTree };
type StoredMetadata = {
	id: string;
	data: string;
	winningRev: string;
	deletedOrLocal: string;
	seq: number;
};
type StoredBody = { _doc_id_rev: string } & Record<string, unknown>;

/** PouchDB's pick of the winner: not deleted, then the longest branch, then the larger id. */
function winningRev(tree: RevTree): string {
	let winningId: string | undefined;
	let winningPos = 0;
	let winningDeleted = false;
	const toVisit: { pos: number; ids: RevNode }[] = tree.slice();
	let node;
	while ((node = toVisit.pop())) {
		const [id, opts, branches] = node.ids;
		if (branches.length) {
			for (const b of branches) toVisit.push({ pos: node.pos + 1, ids: b });
			continue;
		}
		const deleted = !!opts.deleted;
		if (
			!winningId ||
			(winningDeleted !== deleted
				? winningDeleted
				: winningPos !== node.pos
					? winningPos < node.pos
					: winningId < id)
		) {
			winningId = id;
			winningPos = node.pos;
			winningDeleted = deleted;
		}
	}
	return `${winningPos}-${winningId}`;
}

/** The leaves, longest branch first, in PouchDB's order (its sort, then reversed). */
function leaves(tree: RevTree): { rev: string; pos: number; deleted: boolean }[] {
	const out: { rev: string; pos: number; deleted: boolean }[] = [];
	const toVisit: { pos: number; ids: RevNode }[] = tree.slice();
	let node;
	while ((node = toVisit.pop())) {
		const [id, opts, branches] = node.ids;
		if (!branches.length)
			out.push({ rev: `${node.pos}-${id}`, pos: node.pos, deleted: !!opts.deleted });
		for (const b of branches) toVisit.push({ pos: node.pos + 1, ids: b });
	}
	return out.sort((a, b) => a.pos - b.pos).reverse();
}

function conflictsOf(tree: RevTree): string[] {
	const win = winningRev(tree);
	return leaves(tree)
		.filter((l) => l.rev !== win && !l.deleted)
		.map((l) => l.rev);
}

function isDeleted(tree: RevTree, rev: string): boolean {
	const id = rev.substring(rev.indexOf('-') + 1);
	let toVisit: RevNode[] = tree.map((t) => t.ids);
	let node;
	while ((node = toVisit.pop())) {
		if (node[0] === id) return !!node[1].deleted;
		toVisit = toVisit.concat(node[2]);
	}
	return false;
}

/** The document as PouchDB gives it back, made from the stored body in place (as its `decodeDoc`). */
function decodeBody(stored: StoredBody): SnapshotChange['doc'] {
	const idRev = stored._doc_id_rev;
	const at = idRev.lastIndexOf(':');
	const doc = stored as Partial<StoredBody> & Record<string, unknown>;
	doc._id = idRev.substring(0, at - 1);
	doc._rev = idRev.substring(at + 1);
	delete doc._doc_id_rev;
	return doc as SnapshotChange['doc'];
}

const request = <T>(req: IDBRequest<T>) =>
	new Promise<T>((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});

/** The adapter's database, opened beside PouchDB's own connection, or null if it is not its layout. */
async function openStores(name: string): Promise<IDBDatabase | null> {
	const idb = await new Promise<IDBDatabase | null>((resolve) => {
		let req: IDBOpenDBRequest;
		try {
			req = indexedDB.open(name, IDB_VERSION);
		} catch {
			return resolve(null);
		}
		// PouchDB has opened it already; an upgrade here means it is not the database we expect.
		req.onupgradeneeded = () => req.transaction?.abort();
		let given = false;
		req.onsuccess = () => {
			// Opened after all, once this had given up (blocked): not kept open.
			if (given) req.result.close();
			else resolve(req.result);
			given = true;
		};
		req.onerror = (e) => {
			e.preventDefault();
			given = true;
			resolve(null);
		};
		req.onblocked = () => {
			given = true;
			resolve(null);
		};
	});
	if (!idb) return null;
	// PouchDB destroying or upgrading its database is never held up by this read.
	idb.onversionchange = () => idb.close();
	const fits =
		idb.version === IDB_VERSION &&
		idb.objectStoreNames.contains(DOC_STORE) &&
		idb.objectStoreNames.contains(BY_SEQ_STORE) &&
		(() => {
			const tx = idb.transaction([DOC_STORE, BY_SEQ_STORE], 'readonly');
			const docs = tx.objectStore(DOC_STORE);
			const bySeq = tx.objectStore(BY_SEQ_STORE);
			return (
				docs.keyPath === 'id' &&
				bySeq.keyPath === null &&
				bySeq.autoIncrement &&
				bySeq.indexNames.contains('_doc_id_rev')
			);
		})();
	if (!fits) {
		idb.close();
		return null;
	}
	return idb;
}

/** Every record of the document store (its keys are the records' `id`), a chunk per request. */
async function readMetadata(store: IDBObjectStore): Promise<StoredMetadata[]> {
	const all: StoredMetadata[] = [];
	let range: IDBKeyRange | null = null;
	for (;;) {
		const chunk = await request(store.getAll(range, CHUNK) as IDBRequest<StoredMetadata[]>);
		for (const m of chunk) all.push(m);
		if (chunk.length < CHUNK) return all;
		range = IDBKeyRange.lowerBound(chunk[chunk.length - 1]!.id, true);
	}
}

type Local = PouchDB.Database & { adapter?: string; __opts?: { name?: unknown } };

const validMetadata = (m: StoredMetadata | undefined) =>
	typeof m?.id === 'string' &&
	typeof m.data === 'string' &&
	typeof m.winningRev === 'string' &&
	typeof m.seq === 'number';

/**
 * The by-sequence store in order, a chunk per request: `toChange` makes each body its change,
 * skips it (undefined) or finds the store not as expected (null, and so does this). Attachments
 * come as stubs, as the feed gives them. Each chunk's changes go to `onChunk` as they are made.
 */
async function readBodies(
	bySeqStore: IDBObjectStore,
	onChunk: (changes: SnapshotChange[]) => void,
	toChange: (seq: number, stored: StoredBody) => SnapshotChange | null | undefined
): Promise<{ last_seq: number } | null> {
	let lastSeq = 0;
	let range: IDBKeyRange | null = null;
	for (;;) {
		const [seqs, bodies] = await Promise.all([
			request(bySeqStore.getAllKeys(range, CHUNK)),
			request(bySeqStore.getAll(range, CHUNK) as IDBRequest<StoredBody[]>)
		]);
		if (seqs.length !== bodies.length) return null;
		const changes: SnapshotChange[] = [];
		for (let i = 0; i < bodies.length; i++) {
			const seq = seqs[i];
			const stored = bodies[i];
			if (typeof seq !== 'number' || typeof stored?._doc_id_rev !== 'string') return null;
			const change = toChange(seq, stored);
			if (change === null) return null;
			if (change === undefined) continue;
			const attachments = change.doc._attachments as Record<string, { stub?: boolean }> | undefined;
			for (const att in attachments) {
				if (Object.prototype.hasOwnProperty.call(attachments, att)) attachments[att]!.stub = true;
			}
			changes.push(change);
			lastSeq = seq;
		}
		if (changes.length) onChunk(changes);
		if (bodies.length < CHUNK) return { last_seq: lastSeq };
		range = IDBKeyRange.lowerBound(seqs[seqs.length - 1]!, true);
	}
}

/**
 * The database's changes from the start, as the changes feed yields them, handed to `onChunk` a
 * chunk at a time as they are read (the caller writes one while the next is read), all from one
 * transaction. Null when its storage is not the layout this reads (another adapter, another
 * version, anything unexpected), possibly after some chunks: the caller then reads the changes
 * feed from the start, and what it was given already comes again.
 */
export async function readSnapshot(
	db: PouchDB.Database,
	onChunk: (changes: SnapshotChange[]) => void
): Promise<{ last_seq: number } | null> {
	const local = db as Local;
	const name = local.__opts?.name;
	if (local.adapter !== 'idb' || typeof name !== 'string' || typeof indexedDB === 'undefined') {
		return null;
	}
	// PouchDB opens (or creates) its database first; this only reads one that exists.
	await local.info();
	const idb = await openStores(name);
	if (!idb) return null;
	try {
		// One transaction: the metadata and the bodies are of the same moment.
		const tx = idb.transaction([DOC_STORE, BY_SEQ_STORE], 'readonly');
		const docStore = tx.objectStore(DOC_STORE);
		const bySeqStore = tx.objectStore(BY_SEQ_STORE);
		const [docCount, bodyCount] = await Promise.all([
			request(docStore.count()),
			request(bySeqStore.count())
		]);
		if (docCount > SNAPSHOT_LIMIT) return null;
		// Every document has its winner's body, and every leaf of its tree has one (compaction
		// keeps them). So as many bodies as documents means one each: every body is its
		// document's winner and only leaf, and there is nothing to read in the metadata but which
		// winners are deleted, which its index answers. A device that pulled its records, or
		// compacted them, is in this case; one with history or conflicts reads the metadata.
		if (docCount === bodyCount && docStore.indexNames.contains(DELETED_INDEX)) {
			const deleted = new Set(
				await request(docStore.index(DELETED_INDEX).getAllKeys(IDBKeyRange.only('1')))
			);
			const seen = new Set<string>();
			return await readBodies(bySeqStore, onChunk, (seq, stored) => {
				const doc = decodeBody(stored);
				// Two bodies of one document: the counts agreed by chance of a stray record.
				if (seen.has(doc._id)) return null;
				seen.add(doc._id);
				const change: SnapshotChange = { id: doc._id, changes: [{ rev: doc._rev }], doc, seq };
				if (deleted.has(doc._id)) change.deleted = true;
				return change;
			});
		}
		const metadata = new Map<string, StoredMetadata>();
		for (const m of await readMetadata(docStore)) {
			if (!validMetadata(m)) return null;
			metadata.set(m.id, m);
		}
		// A winning revision written before a losing one: its body comes before the document's
		// latest write, which the feed answers with the winner's (it asks the `_doc_id_rev` index).
		const winners = new Map<string, StoredBody>();
		return await readBodies(bySeqStore, onChunk, (seq, stored) => {
			const idRev = stored._doc_id_rev;
			const meta = metadata.get(idRev.substring(0, idRev.lastIndexOf(':') - 1));
			if (!meta) return undefined;
			if (meta.seq !== seq) {
				if (idRev.endsWith(`::${meta.winningRev}`)) winners.set(idRev, stored);
				return undefined;
			}
			let doc = decodeBody(stored);
			if (meta.winningRev !== doc._rev) {
				const winner = winners.get(`${doc._id}::${meta.winningRev}`);
				if (!winner) return null;
				doc = decodeBody(winner);
			}
			const tree = (JSON.parse(meta.data) as Metadata).rev_tree;
			const change: SnapshotChange = { id: meta.id, changes: [{ rev: doc._rev }], doc, seq };
			if (isDeleted(tree, doc._rev)) change.deleted = true;
			const conflicts = conflictsOf(tree);
			if (conflicts.length) doc._conflicts = conflicts;
			return change;
		});
	} catch (err) {
		console.warn('Read the changes feed instead of PouchDB’s stores', err);
		return null;
	} finally {
		idb.close();
	}
}

/** The whole snapshot at once (what the changes feed from the start answers), or null. */
export async function readSnapshotAll(db: PouchDB.Database): Promise<Snapshot | null> {
	const results: SnapshotChange[] = [];
	const read = await readSnapshot(db, (changes) => results.push(...changes));
	return read && { results, last_seq: read.last_seq };
}
