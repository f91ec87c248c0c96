/**
 * What the store does for each batch a device pushes, counted at LevelDB: in process, with every
 * batch written recorded with its `sync` option and every key read counted, through the same write
 * path the HTTP routes use.
 *
 * A device writes a checkpoint after every batch. The batch must be on disk (fsync) before it is
 * answered; the checkpoint need not be (see `durableLeveldown` in storage.ts), one fsync fewer per
 * batch. And the batch's metadata, read by `_revs_diff`, is not read from LevelDB again by the
 * write (see `rememberMetadataReads`), unless something was written in between.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Auth } from '../../sync-server/src/auth.ts';
import type { Config } from '../../sync-server/src/config.ts';
import { Storage, type Pouch } from '../../sync-server/src/storage.ts';
import { writeDocs, writeOne, type WriteCtx } from '../../sync-server/src/writes.ts';
import { tmpDir } from './helpers.ts';

type Op = { type: string; key: unknown };
type Batch = (ops: Op[], opts: { sync?: boolean }, cb: unknown) => void;
type Read = (keys: unknown, opts: unknown, cb: unknown) => void;
const leveldown = createRequire(createRequire(import.meta.url).resolve('pouchdb-node'))(
	'leveldown'
) as { prototype: { _batch: Batch; _get: Read; _getMany: Read } };

/** Every batch written to LevelDB: which stores its keys are in, and whether it was flushed. */
let written: { stores: string[]; sync: boolean }[] = [];
const original = leveldown.prototype._batch;
const { _get: get, _getMany: getMany } = leveldown.prototype;
/** Called once a batch has been handed to LevelDB, before it is answered. */
let duringWrite: (() => void) | null = null;
/** Document metadata keys read from LevelDB itself. */
let metadataReads = 0;
/** Checkpoint (`_local`) keys read from LevelDB itself. */
let checkpointReads = 0;
const countMetadata = (keys: unknown[]) => {
	metadataReads += keys.filter((k) => String(k).startsWith('\u00ffdocument-store\u00ff')).length;
	checkpointReads += keys.filter((k) => String(k).startsWith('\u00fflocal-store\u00ff')).length;
};

let dir: string;
let storage: Storage;
let db: Pouch;
let ctx: WriteCtx;

beforeAll(async () => {
	// Before the store opens: the durable leveldown binds the method when it is made.
	leveldown.prototype._batch = function (this: unknown, ops, opts, cb) {
		const stores = ops.map((op) => String(op.key).split('\u00ff')[1] ?? '');
		written.push({ stores: [...new Set(stores)].sort(), sync: opts.sync === true });
		original.call(this, ops, opts, cb);
		duringWrite?.();
	};
	leveldown.prototype._get = function (this: unknown, key, opts, cb) {
		countMetadata([key]);
		get.call(this, key, opts, cb);
	};
	leveldown.prototype._getMany = function (this: unknown, keys, opts, cb) {
		countMetadata(keys as unknown[]);
		getMany.call(this, keys, opts, cb);
	};
	dir = tmpDir('checkpoint-writes');
	storage = new Storage(dir, true);
	// A database the app does not own: the write path without the domain rules.
	db = await storage.ensure('plain', {
		admins: { names: [], roles: [] },
		members: { names: [], roles: [] }
	});
	ctx = {
		cfg: {} as Config,
		storage,
		auth: {} as Auth,
		user: { name: 'admin', roles: ['admin'] },
		dbName: 'plain',
		db
	};
});

afterAll(async () => {
	Object.assign(leveldown.prototype, { _batch: original, _get: get, _getMany: getMany });
	await storage.closeAll();
});

beforeEach(() => {
	written = [];
	metadataReads = 0;
	checkpointReads = 0;
});

const rev = (n: number, c: string) => `${n}-${c.repeat(32)}`;

describe('checkpoint writes', () => {
	it('a replicated batch is flushed to disk before it is answered', async () => {
		const results = await writeDocs(
			ctx,
			[
				{ _id: 'a', _rev: rev(1, 'a'), v: 1 },
				{ _id: 'b', _rev: rev(1, 'b'), v: 2 }
			],
			false
		);
		expect(results.every((r) => 'ok' in r)).toBe(true);
		expect(written).toEqual([
			{ stores: ['by-sequence', 'document-store', 'meta-store'], sync: true }
		]);
	});

	it('a checkpoint alone is written without a flush, and reads back', async () => {
		const first = await writeOne(ctx, { _id: '_local/replication-1', last_seq: 100 });
		expect(first.rev).toBe('0-1');
		const second = await writeOne(ctx, {
			_id: '_local/replication-1',
			_rev: first.rev,
			last_seq: 200
		});
		expect(second.rev).toBe('0-2');
		expect(written).toEqual([
			{ stores: ['local-store'], sync: false },
			{ stores: ['local-store'], sync: false }
		]);
		expect((await db.get('_local/replication-1')).last_seq).toBe(200);
	});

	it('a stale checkpoint revision is a conflict, as before', async () => {
		await expect(
			writeOne(ctx, { _id: '_local/replication-1', _rev: '0-1', last_seq: 300 })
		).rejects.toMatchObject({ status: 409, error: 'conflict' });
		expect((await db.get('_local/replication-1')).last_seq).toBe(200);
	});

	it('a checkpoint read by the replicator is not read from LevelDB again by its write', async () => {
		await writeOne(ctx, { _id: '_local/replication-3', last_seq: 10 });
		checkpointReads = 0;
		// A replicator reads its checkpoint, then writes it with the revision it read: PouchDB's
		// write reads it once more to compare revisions.
		const read = await db.get('_local/replication-3');
		expect(checkpointReads).toBe(1);
		const next = await writeOne(ctx, {
			_id: '_local/replication-3',
			_rev: read._rev,
			last_seq: 20
		});
		expect(next.rev).toBe('0-2');
		expect(checkpointReads).toBe(1);
		// The write forgets what was read: the next read goes to LevelDB and sees it.
		expect((await db.get('_local/replication-3')).last_seq).toBe(20);
		expect(checkpointReads).toBe(2);
		await expect(
			writeOne(ctx, { _id: '_local/replication-3', _rev: read._rev, last_seq: 30 })
		).rejects.toMatchObject({ status: 409, error: 'conflict' });
		expect((await db.get('_local/replication-3')).last_seq).toBe(20);
	});

	it('documents and a checkpoint sent together: the documents flushed, the checkpoint not', async () => {
		const results = await writeDocs(
			ctx,
			[
				{ _id: '_local/replication-2', last_seq: 1 },
				{ _id: 'c', v: 3 }
			],
			true
		);
		expect(results.map((r) => ('ok' in r ? r.id : r.error))).toEqual(['_local/replication-2', 'c']);
		expect(written).toEqual([
			{ stores: ['by-sequence', 'document-store', 'meta-store'], sync: true },
			{ stores: ['local-store'], sync: false }
		]);
	});

	it('deleting a checkpoint is not flushed either; deleting a document is', async () => {
		const cp = await db.get('_local/replication-2');
		await writeOne(ctx, { _id: '_local/replication-2', _rev: cp._rev, _deleted: true });
		const c = await db.get('c');
		await writeOne(ctx, { _id: 'c', _rev: c._rev, _deleted: true });
		expect(written).toEqual([
			{ stores: ['local-store'], sync: false },
			{ stores: ['by-sequence', 'document-store', 'meta-store'], sync: true }
		]);
		await expect(db.get('_local/replication-2')).rejects.toMatchObject({ status: 404 });
	});
});

describe('metadata reads of a pushed batch', () => {
	const batch = (n: number, gen = 1) =>
		Array.from({ length: n }, (_, k) => {
			const hash = `${k}`.padStart(32, String(gen));
			return {
				_id: `pushed-${k}`,
				_rev: `${gen}-${hash}`,
				_revisions: { start: gen, ids: [hash] },
				v: gen
			};
		});

	it('_revs_diff reads them from LevelDB; the write that follows does not read them again', async () => {
		const docs = batch(100);
		const reader = (await storage.reader('plain'))!;
		const diff = await reader.revsDiff(Object.fromEntries(docs.map((d) => [d._id, [d._rev]])));
		expect(Object.keys(diff)).toHaveLength(100);
		expect(metadataReads).toBe(100);
		const results = await writeDocs(ctx, docs, false);
		expect(results.every((r) => 'ok' in r)).toBe(true);
		// Before: the rules' read and PouchDB's own read, 100 keys each.
		expect(metadataReads).toBe(100);
		expect((await db.get('pushed-7')).v).toBe(1);
	});

	it('after a write, every read goes to LevelDB and sees it', async () => {
		const reader = (await storage.reader('plain'))!;
		const before = await reader.metadata(['pushed-1']);
		expect(before[0]?.rev_tree).toBeDefined();
		metadataReads = 0;
		const parent = batch(2)[1]!._revisions.ids[0]!;
		const child = 'a'.repeat(32);
		const next = {
			_id: 'pushed-1',
			_rev: `2-${child}`,
			_revisions: { start: 2, ids: [child, parent] },
			v: 2
		};
		await writeDocs(ctx, [next], false);
		const [after] = await reader.metadata(['pushed-1']);
		expect(metadataReads).toBeGreaterThan(0);
		expect(after && Object.keys(after.rev_map)).toContain(next._rev);
	});

	it('a read made while a write is on its way is not answered again', async () => {
		const reader = (await storage.reader('plain'))!;
		for (let round = 3; round < 13; round++) {
			const doc = { _id: 'raced', v: round };
			const [current] = await reader.winners(await reader.metadata(['raced']));
			let during: Promise<unknown> = Promise.resolve();
			duringWrite = () => {
				duringWrite = null;
				during = reader.metadata(['raced']);
			};
			const { rev } = await writeOne(ctx, current ? { ...doc, _rev: current._rev } : doc);
			await during;
			const [meta] = await reader.metadata(['raced']);
			expect(meta && Object.keys(meta.rev_map)).toContain(rev);
			expect((await db.get('raced')).v).toBe(round);
		}
	});
});
