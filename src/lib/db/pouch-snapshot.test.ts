import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSnapshotAll } from './pouch-snapshot';

type Put = PouchDB.Core.PutDocument<object>;
let n = 0;

/** What the projector reads without the snapshot: the whole changes feed from the start. */
const feed = (db: PouchDB.Database) =>
	db.changes({ since: 0, include_docs: true, conflicts: true });

const IDS = ['a', 'next-step:2026-27:x', 'progress:2026-27:x:2026-11-20:q'];
const op = fc.oneof(
	fc.record({
		kind: fc.constant('put' as const),
		id: fc.constantFrom(...IDS),
		text: fc.string({ maxLength: 8 }),
		times: fc.integer({ min: 1, max: 4 })
	}),
	fc.record({ kind: fc.constant('remove' as const), id: fc.constantFrom(...IDS) }),
	// A revision from another device, on a branch of its own: a conflict, or a deleted branch.
	fc.record({
		kind: fc.constant('branch' as const),
		id: fc.constantFrom(...IDS),
		hash: fc.constantFrom('0', '7', 'f', 'zz'),
		depth: fc.integer({ min: 1, max: 3 }),
		deleted: fc.boolean()
	}),
	fc.record({
		kind: fc.constant('attach' as const),
		id: fc.constantFrom(...IDS),
		text: fc.string({ minLength: 1, maxLength: 20 })
	}),
	fc.record({ kind: fc.constant('local' as const), text: fc.string({ maxLength: 8 }) }),
	fc.record({ kind: fc.constant('compact' as const) })
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function latest(db: PouchDB.Database, id: string) {
	try {
		return await db.get(id);
	} catch {
		return null;
	}
}

async function run(db: PouchDB.Database, o: Op): Promise<void> {
	if (o.kind === 'put') {
		for (let i = 0; i < o.times; i++) {
			const doc = await latest(db, o.id);
			await db.put({
				_id: o.id,
				...(doc ? { _rev: doc._rev } : {}),
				type: 'note',
				text: o.text,
				i
			});
		}
	} else if (o.kind === 'remove') {
		const doc = await latest(db, o.id);
		if (doc) await db.remove(doc._id, doc._rev);
	} else if (o.kind === 'branch') {
		const ids = Array.from({ length: o.depth }, (_, i) => `${o.hash}${o.depth - i}`);
		await db.bulkDocs(
			[
				{
					_id: o.id,
					_rev: `${o.depth}-${ids[0]}`,
					_revisions: { start: o.depth, ids },
					type: 'note',
					text: 'from another device',
					...(o.deleted ? { _deleted: true } : {})
				} as Put
			],
			{ new_edits: false }
		);
	} else if (o.kind === 'attach') {
		const doc = await latest(db, o.id);
		await db.put({
			_id: o.id,
			...(doc ? { _rev: doc._rev } : {}),
			type: 'note',
			_attachments: {
				'note.txt': { content_type: 'text/plain', data: btoa(encodeURIComponent(o.text)) }
			}
		} as Put);
	} else if (o.kind === 'local') {
		const doc = await latest(db, '_local/checkpoint');
		await db.put({ _id: '_local/checkpoint', ...(doc ? { _rev: doc._rev } : {}), text: o.text });
	} else {
		await db.compact();
	}
}

describe("reading PouchDB's stores for a first load", () => {
	it('yields exactly what the changes feed yields: conflicts, deletions, attachments, local documents, long histories', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(op, { maxLength: 30, size: 'medium' }),
				fc.boolean(),
				async (ops, compacting) => {
					const db = new PouchDB(`snapshot-${++n}`, { auto_compaction: compacting });
					try {
						for (const o of ops) await run(db, o);
						expect(await readSnapshotAll(db)).toEqual(await feed(db));
					} finally {
						await db.destroy();
					}
				}
			),
			{
				numRuns: 80,
				// Three live branches of different lengths (the conflicts' order), a deleted one, a
				// winner written before a losing revision, an attachment and a local document.
				examples: [
					[
						[
							{ kind: 'put', id: 'a', text: 'one', times: 1 },
							{ kind: 'branch', id: 'a', hash: 'f', depth: 3, deleted: false },
							{ kind: 'branch', id: 'a', hash: 'zz', depth: 2, deleted: false },
							{ kind: 'branch', id: 'a', hash: '7', depth: 3, deleted: true },
							{ kind: 'put', id: IDS[1]!, text: 'two', times: 3 },
							{ kind: 'branch', id: IDS[1]!, hash: '0', depth: 1, deleted: false },
							{ kind: 'attach', id: IDS[2]!, text: 'notes' },
							{ kind: 'local', text: 'seq' }
						],
						false
					]
				]
			}
		);
	}, 60_000);

	it('yields the same as the feed for a database of many documents read in several requests', async () => {
		const db = new PouchDB(`snapshot-${++n}`);
		const docs = Array.from({ length: 4500 }, (_, i) => ({ _id: `doc-${i}`, type: 'note', i }));
		const written = await db.bulkDocs(docs);
		// Three documents written again: their first bodies stay behind in the store.
		await db.bulkDocs(
			[10, 2500, 4499].map((i) => ({
				...docs[i]!,
				_rev: (written[i] as { rev: string }).rev,
				i: -1
			}))
		);
		const snapshot = await readSnapshotAll(db);
		expect(snapshot?.results).toHaveLength(4500);
		expect(snapshot).toEqual(await feed(db));
		await db.destroy();
	}, 60_000);

	it('reads no metadata when every document has one body: pulled, compacted or deleted', async () => {
		const db = new PouchDB(`snapshot-${++n}`);
		// Pulled from the trust: one body each, with a history of revisions it does not hold.
		await db.bulkDocs(
			Array.from({ length: 2500 }, (_, i) => ({
				_id: `doc-${i}`,
				_rev: `3-c${i}`,
				_revisions: { start: 3, ids: [`c${i}`, `b${i}`, `a${i}`] },
				type: 'note',
				i
			})),
			{ new_edits: false }
		);
		// Edited and deleted here, then compacted: the old bodies are gone.
		for (const id of ['doc-7', 'doc-2400']) {
			const doc = await db.get<{ i: number }>(id);
			await db.put({ ...doc, i: -1 });
		}
		await db.remove(await db.get('doc-1200'));
		await db.compact();
		const stores: string[] = [];
		const getAll = IDBObjectStore.prototype.getAll;
		IDBObjectStore.prototype.getAll = function (this: IDBObjectStore, ...args) {
			stores.push(this.name);
			return getAll.apply(this, args);
		};
		let snapshot;
		try {
			snapshot = await readSnapshotAll(db);
		} finally {
			IDBObjectStore.prototype.getAll = getAll;
		}
		expect(stores.length).toBeGreaterThan(0);
		expect(stores).not.toContain('document-store');
		expect(snapshot?.results.find((c) => c.id === 'doc-1200')?.deleted).toBe(true);
		expect(snapshot?.results.find((c) => c.id === 'doc-7')?.doc).toMatchObject({ i: -1 });
		expect(snapshot).toEqual(await feed(db));
		await db.destroy();
	}, 60_000);

	it('gives way to the changes feed when the storage is not the layout it knows', async () => {
		// A database of the expected name and version whose stores are not PouchDB's.
		const name = `_pouch_other-${++n}`;
		await new Promise((resolve) => {
			const req = indexedDB.open(name, 5);
			req.onupgradeneeded = () => req.result.createObjectStore('document-store', { keyPath: 'id' });
			req.onsuccess = () => {
				req.result.close();
				resolve(null);
			};
		});
		const pretend = {
			adapter: 'idb',
			__opts: { name },
			info: () => Promise.resolve({})
		} as unknown as PouchDB.Database;
		expect(await readSnapshotAll(pretend)).toBeNull();
		// Another adapter (a remote database, say) is not read at all.
		const remote = { adapter: 'http', __opts: { name: 'x' } } as unknown as PouchDB.Database;
		expect(await readSnapshotAll(remote)).toBeNull();
		// A record PouchDB did not write is not guessed at.
		const db = new PouchDB(`snapshot-${++n}`);
		await db.put({ _id: 'a', type: 'note' });
		await db.close();
		await new Promise((resolve) => {
			const req = indexedDB.open(`_pouch_snapshot-${n}`, 5);
			req.onsuccess = () => {
				const tx = req.result.transaction('by-sequence', 'readwrite');
				tx.objectStore('by-sequence').put({ stray: true });
				tx.oncomplete = () => {
					req.result.close();
					resolve(null);
				};
			};
		});
		const again = new PouchDB(`snapshot-${n}`);
		expect(await readSnapshotAll(again)).toBeNull();
		await again.destroy();
	});
});
