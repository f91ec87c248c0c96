/**
 * The benchmark's peer: express-pouchdb (the server inside `pouchdb-server`) on the same
 * pouchdb-node/LevelDB storage, in its `minimumForPouchDB` mode: no accounts, no validation.
 * Run as a child process: `node bench/peer-pouchdb-server.ts <port> <dataDir> [flush]`.
 *
 * With `flush`, its LevelDB flushes every write to disk before answering, as our server does
 * (a batch of `_local` checkpoints alone excepted, as ours: see `durableLeveldown` in
 * sync-server/src/storage.ts): the same push with the same durability, for comparison.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
type Handler = (req: unknown, res: unknown, next: unknown) => void;
const express = require('express') as () => {
	use(p: string, h: Handler): void;
	listen(port: number, host: string, cb: () => void): void;
};
const expressPouchDB = require('express-pouchdb') as (pouch: unknown, opts: object) => Handler;
const PouchDB = require('pouchdb-node') as { defaults(o: object): unknown };

type Callback = (...args: unknown[]) => void;
type LevelDown = {
	_batch: (ops: unknown, opts: object, cb: Callback) => unknown;
	_put: (key: unknown, value: unknown, opts: object, cb: Callback) => unknown;
	_del: (key: unknown, opts: object, cb: Callback) => unknown;
};
const leveldown = require('leveldown') as ((location: string) => LevelDown) & { destroy: unknown };

const port = Number(process.argv[2]);
const dir = path.resolve(process.argv[3] ?? 'bench/.tmp/peer');
const flush = process.argv[4] === 'flush';

const LOCAL_STORE = '\u00fflocal-store\u00ff';
/** leveldown that flushes each write (`sync`) but a batch of `_local` documents alone. */
function flushingLeveldown(location: string): LevelDown {
	const db = leveldown(location);
	const batch = db._batch.bind(db);
	const put = db._put.bind(db);
	const del = db._del.bind(db);
	db._batch = (ops: unknown, opts: object, cb: Callback) => {
		const local =
			Array.isArray(ops) &&
			ops.length > 0 &&
			ops.every((op: { key?: unknown }) => String(op?.key).startsWith(LOCAL_STORE));
		return batch(ops, { ...opts, sync: !local }, cb);
	};
	db._put = (k: unknown, v: unknown, opts: object, cb: Callback) =>
		put(k, v, { ...opts, sync: true }, cb);
	db._del = (k: unknown, opts: object, cb: Callback) => del(k, { ...opts, sync: true }, cb);
	return db;
}
flushingLeveldown.destroy = leveldown.destroy;
fs.mkdirSync(dir, { recursive: true });
const app = express();
app.use(
	'/',
	expressPouchDB(
		PouchDB.defaults({ prefix: dir + '/', ...(flush ? { db: flushingLeveldown } : {}) }),
		{
			mode: 'minimumForPouchDB',
			logPath: path.join(dir, 'log.txt')
		}
	)
);
app.listen(port, '127.0.0.1', () => console.log(`peer listening on ${port}`));
