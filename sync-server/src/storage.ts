import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PouchDB from 'pouchdb-node';
import { guardLastCallback, ownedTask, runOwned } from './contain.ts';
import { LevelReader, type RawLevel } from './level-read.ts';

/** A stored document as it comes out of PouchDB. */
export type Doc = { _id: string; _rev?: string; _deleted?: boolean; [k: string]: unknown };

export interface ChangeRow {
	id: string;
	seq: number | string;
	changes: { rev: string }[];
	deleted?: boolean;
	doc?: Doc;
}

/** The part of PouchDB's API the server uses, typed loosely: CouchDB's shapes pass through. */
export interface Pouch {
	info(): Promise<{ doc_count: number; update_seq: number | string }>;
	get(id: string, opts?: object): Promise<Doc>;
	put(doc: Doc, opts?: object): Promise<{ ok: true; id: string; rev: string }>;
	bulkDocs(docs: Doc[], opts?: object): Promise<BulkResult[]>;
	allDocs(opts: object): Promise<{
		total_rows: number;
		offset: number;
		rows: { id?: string; key: unknown; value?: unknown; doc?: Doc | null; error?: string }[];
		update_seq?: number | string;
	}>;
	changes(opts: object): Promise<{ results: ChangeRow[]; last_seq: number | string }>;
	revsDiff(
		body: object
	): Promise<Record<string, { missing: string[]; possible_ancestors?: string[] }>>;
	getAttachment(docId: string, name: string, opts?: object): Promise<Buffer>;
	close(): Promise<void>;
	destroy(): Promise<void>;
}

export type BulkResult =
	| { ok: true; id: string; rev: string }
	| {
			id?: string;
			error: true | string;
			name?: string;
			status?: number;
			message?: string;
			reason?: string;
	  };

const requireFromPouch = createRequire(createRequire(import.meta.url).resolve('pouchdb-node'));
type Callback = (err: Error | null, value?: unknown) => void;
type GetOpts = { asBuffer?: boolean; fillCache?: boolean };
type LevelDown = RawLevel & {
	_get: (key: unknown, opts: GetOpts, cb: Callback) => void;
	_getMany?: (
		keys: unknown[],
		opts: GetOpts,
		cb: (err: Error | null, v?: unknown[]) => void
	) => void;
	_batch: (ops: unknown, opts: object, cb: unknown) => void;
	_put: (k: unknown, v: unknown, opts: object, cb: unknown) => void;
	_del: (k: unknown, opts: object, cb: unknown) => void;
};
const leveldown = requireFromPouch('leveldown') as (location: string) => LevelDown;

/** The leveldown instance under each open database, by location, for `LevelReader`. */
const instances = new Map<string, LevelDown>();

/**
 * LevelDB's answer for a missing key. A pushed batch of new documents has PouchDB read 100 missing
 * keys, and the stack trace an Error captures costs more than the rest of the read: nobody reads
 * it (PouchDB turns it into "not found"), so none is captured.
 */
function notFound(): Error {
	const limit = Error.stackTraceLimit;
	Error.stackTraceLimit = 0;
	const err = new Error('NotFound: ');
	Error.stackTraceLimit = limit;
	return err;
}

const DOC_STORE = '\u00ffdocument-store\u00ff';
/** Where PouchDB keeps `_local` documents (replication checkpoints) in its LevelDB layout. */
const LOCAL_STORE = '\u00fflocal-store\u00ff';
/** At most this many metadata reads are remembered between two writes (one push batch reads 100). */
const REMEMBERED_MAX = 2000;

/**
 * A pushed batch reads its documents' metadata three times: `_revs_diff`, then the current state the
 * rules see, then PouchDB's own read inside `bulkDocs`, each a trip to LevelDB's thread pool, the
 * last two one after the other inside the `_bulk_docs` request. Metadata read since the last write
 * to the store is answered again from what was read, without LevelDB. Exact, not a cache with a
 * lifetime: every write (issued, not finished) drops all of it, and a read is remembered only if no
 * write was in flight when it was issued and none has been issued since, so what is remembered is
 * what LevelDB holds. Only document metadata (`document-store` keys) and checkpoints (`local-store`:
 * a replicator reads its checkpoint, then PouchDB's write of it reads it again to compare
 * revisions), and at most REMEMBERED_MAX.
 */
function rememberMetadataReads(db: LevelDown): void {
	const getMany = db._getMany?.bind(db);
	if (!getMany) return;
	const get = db._get.bind(db);
	/** Raw values by key; undefined for a document that does not exist. */
	const known = new Map<string, string | Buffer | undefined>();
	/** Bumped by every write issued. */
	let epoch = 0;
	/** Writes issued and not yet answered. */
	let writing = 0;
	const isMeta = (key: unknown): key is string =>
		typeof key === 'string' && (key.startsWith(DOC_STORE) || key.startsWith(LOCAL_STORE));
	const as = (v: string | Buffer | undefined, opts: GetOpts) =>
		v === undefined
			? undefined
			: opts.asBuffer === false
				? Buffer.isBuffer(v)
					? v.toString('utf8')
					: v
				: Buffer.isBuffer(v)
					? Buffer.from(v)
					: Buffer.from(v, 'utf8');
	const remember = (issued: number, keys: unknown[], values: unknown[]) => {
		if (writing > 0 || issued !== epoch) return;
		keys.forEach((key, i) => {
			if (isMeta(key) && known.size < REMEMBERED_MAX)
				known.set(key, values[i] as string | Buffer | undefined);
		});
	};
	db._getMany = (keys, opts, cb) => {
		if (keys.length > 0 && keys.every((k) => isMeta(k) && known.has(k))) {
			const values = keys.map((k) => as(known.get(k as string), opts));
			queueMicrotask(() => cb(null, values));
			return;
		}
		const issued = writing > 0 ? -1 : epoch;
		getMany(keys, opts, (err, values) => {
			if (!err && values) remember(issued, keys, values);
			cb(err, values);
		});
	};
	db._get = (key, opts, cb) => {
		if (isMeta(key) && known.has(key)) {
			const value = as(known.get(key), opts);
			queueMicrotask(() => (value === undefined ? cb(notFound()) : cb(null, value)));
			return;
		}
		const issued = writing > 0 ? -1 : epoch;
		get(key, opts, (err, value) => {
			if (!err) remember(issued, [key], [value]);
			else if (/notfound/i.test(err.message)) remember(issued, [key], [undefined]);
			cb(err, value);
		});
	};
	const writes = db as unknown as Record<string, (...args: unknown[]) => unknown>;
	for (const name of ['_batch', '_put', '_del', '_clear']) {
		const write = writes[name]?.bind(db);
		if (!write) continue;
		writes[name] = (...args: unknown[]) => {
			epoch++;
			writing++;
			known.clear();
			const cb = args.at(-1) as (...a: unknown[]) => void;
			args[args.length - 1] = (...result: unknown[]) => {
				writing--;
				cb(...result);
			};
			return write(...args);
		};
	}
	// A chained batch writes through its own `_write`, not the store's `_batch`.
	const chained = (db as unknown as { _chainedBatch: () => Record<string, unknown> })._chainedBatch;
	writes._chainedBatch = () => {
		const batch = chained.call(db);
		const write = (batch._write as (o: unknown, cb: Callback) => void).bind(batch);
		batch._write = (o: unknown, cb: Callback) => {
			epoch++;
			writing++;
			known.clear();
			write(o, (err) => {
				writing--;
				cb(err);
			});
		};
		return batch;
	};
}

/**
 * Gets issued together go to LevelDB as one `getMany`. PouchDB reads a batch's documents with one
 * `get` each, all in the same tick (100 for a replication batch), and each native call has a fixed
 * cost on the main thread; one call for all of them takes a tenth of the time. Answers are the
 * same, a missing key still a `NotFound` error.
 */
function coalesceGets(db: LevelDown): void {
	const getMany = db._getMany?.bind(db);
	if (!getMany) return;
	const get = db._get.bind(db);
	let queued = new Map<string, { opts: GetOpts; keys: unknown[]; callbacks: Callback[] }>();
	const flush = () => {
		const groups = queued;
		queued = new Map();
		for (const { opts, keys, callbacks } of groups.values()) {
			if (keys.length === 1) {
				get(keys[0], opts, callbacks[0]!);
				continue;
			}
			getMany(keys, opts, (err, values) => {
				callbacks.forEach((cb, i) => {
					if (err) cb(err);
					else if (values?.[i] === undefined) cb(notFound());
					else cb(null, values[i]);
				});
			});
		}
	};
	db._get = (key, opts, cb) => {
		const group = `${opts.asBuffer !== false}|${opts.fillCache !== false}`;
		if (queued.size === 0) queueMicrotask(flush);
		let g = queued.get(group);
		if (!g) queued.set(group, (g = { opts, keys: [], callbacks: [] }));
		g.keys.push(key);
		g.callbacks.push(cb);
	};
}

/**
 * Every callback LevelDB calls runs on behalf of the task or request that made the call, so that
 * what PouchDB throws inside one fails that task or request only (see `contain.ts`).
 */
function containCallbacks(db: LevelDown): void {
	const methods = db as unknown as Record<string, unknown>;
	for (const name of ['_get', '_getMany', '_put', '_del', '_batch', '_clear', '_open', '_close'])
		guardLastCallback(methods, name);
	const iterator = (db as unknown as { _iterator: (opts: object) => object })._iterator.bind(db);
	methods._iterator = (opts: object) => {
		const it = iterator(opts) as Record<string, unknown>;
		guardLastCallback(it, '_next');
		guardLastCallback(it, '_end');
		return it;
	};
}

/**
 * PouchDB runs each database's reads and writes from a queue of `{fun, args, type}` tasks, and a
 * task whose callback is never called stalls the queue for good. Each task is owned: when
 * something it started throws, it finishes with that error and the queue moves on.
 */
const Deque = requireFromPouch('double-ended-queue') as {
	prototype: { push: (...items: unknown[]) => number };
};
const dequePush = Deque.prototype.push;
Deque.prototype.push = function (this: unknown, ...items: unknown[]) {
	const task = items[0] as { fun?: unknown; args?: unknown; type?: unknown } | undefined;
	if (
		items.length === 1 &&
		task &&
		typeof task.fun === 'function' &&
		Array.isArray(task.args) &&
		(task.type === 'read' || task.type === 'write')
	) {
		items[0] = { ...task, fun: ownedTask(task.fun as (...a: unknown[]) => unknown) };
	}
	return dequePush.apply(this, items);
};

/**
 * Each call the server makes to PouchDB owns the storage callbacks it starts: one that throws
 * rejects that call's promise (and so fails whichever requests await it, shared queries included)
 * rather than leaving it pending for ever.
 */
function ownCalls(db: Pouch): void {
	// Calls made before the database has opened wait in PouchDB's task queue and would run in the
	// context of whatever opened it: each runs in the context of its own caller instead.
	const queue = (db as unknown as { taskqueue: { addTask: (fun: () => void) => void } }).taskqueue;
	const addTask = queue.addTask.bind(queue);
	queue.addTask = (fun) => addTask(AsyncResource.bind(fun));
	const methods = db as unknown as Record<string, (...args: unknown[]) => unknown>;
	const names = [
		'info',
		'get',
		'put',
		'bulkDocs',
		'allDocs',
		'changes',
		'revsDiff',
		'getAttachment'
	];
	for (const name of names) {
		const call = methods[name]!.bind(db);
		methods[name] = (...args: unknown[]) => {
			// PouchDB calls its own API with callbacks: those run inside the caller's call already.
			if (typeof args.at(-1) === 'function') return call(...args);
			let fail: (err: unknown) => void = () => undefined;
			const failed = new Promise<never>((_, reject) => (fail = reject));
			failed.catch(() => undefined);
			const result = runOwned({ fail: (err) => fail(err) }, () => call(...args));
			const thenable = result as { then?: unknown; on?: unknown };
			if (typeof thenable?.then !== 'function') return result;
			const then = (thenable.then as Promise<unknown>['then']).bind(result);
			const settled = Promise.race([
				new Promise((resolve, reject) => {
					void then(resolve, reject);
				}),
				failed
			]);
			// `changes` returns an event emitter that is also a promise; PouchDB itself listens to it.
			if (typeof thenable.on !== 'function') return settled;
			Object.assign(thenable, {
				then: settled.then.bind(settled),
				catch: settled.catch.bind(settled)
			});
			return result;
		};
	}
}

/** leveldown as PouchDB gets it, remembered so the server can read the same store directly. */
function sharedLeveldown(location: string): LevelDown {
	const db = leveldown(location);
	rememberMetadataReads(db);
	coalesceGets(db);
	containCallbacks(db);
	instances.set(location, db);
	return db;
}

/** A batch that only writes or deletes `_local` documents (PouchDB's `put` of one writes such a batch). */
export function onlyLocalDocs(ops: unknown): boolean {
	return (
		Array.isArray(ops) &&
		ops.length > 0 &&
		ops.every((op: { key?: unknown } | null) => {
			const key = op?.key;
			return typeof key === 'string' && key.startsWith(LOCAL_STORE);
		})
	);
}

/**
 * leveldown with every write flushed to disk (`fsync`) before it is acknowledged. A write already
 * survives `kill -9` once LevelDB has handed it to the kernel; this makes it survive power loss
 * too, which is what "durable once it answers 201" promises. PouchDB keys its open databases by this
 * function's name, so it must differ from plain `leveldown`.
 *
 * Except a batch of `_local` documents alone: those are replication checkpoints, which the
 * replication protocol treats as disposable (one lost makes the replicator start again from an
 * earlier checkpoint, and `_revs_diff` finds everything already here). Such a batch goes to
 * LevelDB's log unflushed, still safe from `kill -9`, and the next flushed write carries it to disk.
 * A checkpoint is only written after the documents it counts were answered, so flushed already: a
 * power cut can lose a checkpoint, never leave one pointing past documents the disk does not hold.
 * That is one fsync fewer for every batch a device pushes.
 */
function durableLeveldown(location: string): LevelDown {
	const db = sharedLeveldown(location);
	const batch = db._batch.bind(db);
	const put = db._put.bind(db);
	const del = db._del.bind(db);
	db._batch = (ops, opts, cb) => batch(ops, { ...opts, sync: !onlyLocalDocs(ops) }, cb);
	db._put = (k, v, opts, cb) => put(k, v, { ...opts, sync: true }, cb);
	db._del = (k, opts, cb) => del(k, { ...opts, sync: true }, cb);
	return db;
}

// PouchDB deletes a database's files through its leveldown factory's `destroy`: without it
// `DELETE /{db}` closes the store and leaves every document on disk.
type Destroy = { destroy: (location: string, cb: (err?: Error | null) => void) => void };
const destroyFiles = (leveldown as unknown as Destroy).destroy.bind(leveldown);
Object.assign(sharedLeveldown, { destroy: destroyFiles });
Object.assign(durableLeveldown, { destroy: destroyFiles });

/**
 * Revisions of history kept per document (CouchDB's default `revs_limit`). Offline devices can make
 * many edits before they sync: keep history so they do not conflict. A replicated write may not
 * carry a longer `_revisions` list (PouchDB's stemming of one is quadratic in its length).
 */
export const REVS_LIMIT = 1000;

/** CouchDB's rule for database names (plus `_users`, the one system database we keep). */
export const DB_NAME = /^[a-z][a-z0-9_$()+/-]*$/;
export const isValidDbName = (name: string) =>
	name === '_users' || (DB_NAME.test(name) && name.length <= 238);

export interface Security {
	admins: { names: string[]; roles: string[] };
	members: { names: string[]; roles: string[] };
}

/**
 * The databases in the data folder: one PouchDB (LevelDB) per database, opened on first use and
 * kept open. Writes to one database are serialised so that validation sees the state it writes on.
 */
export class Storage {
	readonly dir: string;
	/** Emits the database name after every committed write, for `_changes` feeds. */
	readonly events = new EventEmitter();
	private readonly durable: boolean;
	private readonly open = new Map<string, Pouch>();
	private readonly locks = new Map<string, Promise<unknown>>();
	private readonly security = new Map<string, Security | null>();
	private readonly readers = new Map<string, Promise<LevelReader | null>>();
	/** Databases being deleted, until their files are gone. */
	private readonly destroying = new Map<string, Promise<void>>();

	constructor(dataDir: string, durable: boolean) {
		this.dir = path.join(dataDir, 'dbs');
		this.durable = durable;
		fs.mkdirSync(this.dir, { recursive: true });
		this.events.setMaxListeners(0);
	}

	private location(name: string): string {
		return path.join(this.dir, encodeURIComponent(name));
	}

	exists(name: string): boolean {
		if (this.destroying.has(name)) return false;
		return this.open.has(name) || fs.existsSync(path.join(this.location(name), 'CURRENT'));
	}

	list(): string[] {
		return fs
			.readdirSync(this.dir, { withFileTypes: true })
			.filter((e) => e.isDirectory() && fs.existsSync(path.join(this.dir, e.name, 'CURRENT')))
			.map((e) => decodeURIComponent(e.name))
			.filter((name) => !this.destroying.has(name))
			.sort();
	}

	/** The database, or null if it does not exist. */
	get(name: string): Promise<Pouch | null> {
		const db = this.open.get(name);
		if (db) return Promise.resolve(db);
		if (!this.exists(name)) return Promise.resolve(null);
		return Promise.resolve(this.openDb(name));
	}

	/** Creates the database if needed; returns whether it was created. */
	async create(name: string, security: Security): Promise<boolean> {
		await this.destroying.get(name);
		if (this.exists(name)) return false;
		const db = this.openDb(name);
		await db.info();
		this.writeSecurity(name, security);
		return true;
	}

	async ensure(name: string, security: Security): Promise<Pouch> {
		await this.create(name, security);
		return (await this.get(name))!;
	}

	/**
	 * Closes the database and deletes its files. From the moment it starts the database does not
	 * exist for anyone: a live feed reconnecting meanwhile must not open the half-deleted store
	 * again (that left the next `DELETE` waiting for ever).
	 */
	async destroy(name: string): Promise<void> {
		const db = await this.get(name);
		if (!db) return;
		let done!: () => void;
		this.destroying.set(name, new Promise<void>((resolve) => (done = resolve)));
		try {
			await this.withLock(name, async () => {
				this.open.delete(name);
				this.readers.delete(name);
				this.events.emit('deleted', name);
				await db.destroy();
				instances.delete(this.location(name));
				fs.rmSync(this.securityPath(name), { force: true });
				this.security.delete(name);
			});
		} finally {
			this.destroying.delete(name);
			done();
		}
	}

	/**
	 * The database's direct reader, once PouchDB has opened its store (null if it never opens):
	 * for the replication hot paths, see `level-read.ts`.
	 */
	reader(name: string): Promise<LevelReader | null> {
		let reader = this.readers.get(name);
		if (!reader) {
			const db = this.open.get(name);
			if (!db) return Promise.resolve(null);
			const location = this.location(name);
			reader = db.info().then(
				async (info) => {
					const level = instances.get(location);
					if (!level) return null;
					const reader = new LevelReader(level);
					return (await reader.matchesLayout(Number(info.update_seq))) ? reader : null;
				},
				() => null
			);
			this.readers.set(name, reader);
		}
		return reader;
	}

	private openDb(name: string): Pouch {
		this.readers.delete(name);
		const db = new PouchDB(this.location(name), {
			db: this.durable ? durableLeveldown : sharedLeveldown,
			revs_limit: REVS_LIMIT,
			auto_compaction: false,
			// LevelDB's memtable: 8 MB (default 4) halves the flushes and compactions while a device
			// pushes a term of records. Memory is taken only as writes arrive, and at most twice this.
			writeBufferSize: 8 * 1024 * 1024
		} as PouchDB.Configuration.DatabaseConfiguration) as unknown as Pouch;
		ownCalls(db);
		this.open.set(name, db);
		return db;
	}

	private securityPath(name: string): string {
		return this.location(name) + '.security.json';
	}

	readSecurity(name: string): Security | null {
		if (this.security.has(name)) return this.security.get(name)!;
		let sec: Security | null;
		try {
			sec = JSON.parse(fs.readFileSync(this.securityPath(name), 'utf8')) as Security;
		} catch {
			sec = null;
		}
		this.security.set(name, sec);
		return sec;
	}

	/** Written to a temporary file, flushed and renamed, so a crash leaves the old or the new one. */
	writeSecurity(name: string, security: Security): void {
		const file = this.securityPath(name);
		const tmp = file + '.tmp';
		const fd = fs.openSync(tmp, 'w', 0o600);
		fs.writeSync(fd, JSON.stringify(security));
		fs.fsyncSync(fd);
		fs.closeSync(fd);
		fs.renameSync(tmp, file);
		this.security.set(name, security);
	}

	/** Runs `fn` with the database's write lock held: one validated write after another. */
	withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
		const prev = this.locks.get(name) ?? Promise.resolve();
		const next = prev.then(fn, fn);
		const settled = next.catch(() => undefined);
		this.locks.set(name, settled);
		void settled.then(() => {
			if (this.locks.get(name) === settled) this.locks.delete(name);
		});
		return next;
	}

	/** How many writes each database has announced: lets live feeds share one query per write. */
	readonly writes = new Map<string, number>();

	notify(name: string): void {
		this.writes.set(name, (this.writes.get(name) ?? 0) + 1);
		this.events.emit('change', name);
	}

	async closeAll(): Promise<void> {
		await Promise.all([...this.locks.values()]);
		const dbs = [...this.open.values()];
		this.open.clear();
		this.readers.clear();
		await Promise.all(dbs.map((db) => db.close().catch(() => undefined)));
	}
}
