/**
 * A pushing device writes a checkpoint after every batch it sends. The batch must be on disk
 * (fsync) before it is answered; the checkpoint need not be (see `durableLeveldown` in storage.ts),
 * which saves one fsync per batch. In process, with every LevelDB batch the store writes recorded
 * with its `sync` option, through the same write path the HTTP routes use.
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
const leveldown = createRequire(createRequire(import.meta.url).resolve('pouchdb-node'))(
	'leveldown'
) as { prototype: { _batch: Batch } };

/** Every batch written to LevelDB: which stores its keys are in, and whether it was flushed. */
let written: { stores: string[]; sync: boolean }[] = [];
const original = leveldown.prototype._batch;

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
	leveldown.prototype._batch = original;
	await storage.closeAll();
});

beforeEach(() => {
	written = [];
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
