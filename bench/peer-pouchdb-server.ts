/**
 * The benchmark's peer: express-pouchdb (the server inside `pouchdb-server`) on the same
 * pouchdb-node/LevelDB storage, in its `minimumForPouchDB` mode: no accounts, no validation.
 * Run as a child process: `node bench/peer-pouchdb-server.ts <port> <dataDir>`.
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

const port = Number(process.argv[2]);
const dir = path.resolve(process.argv[3] ?? 'bench/.tmp/peer');
fs.mkdirSync(dir, { recursive: true });
const app = express();
app.use(
	'/',
	expressPouchDB(PouchDB.defaults({ prefix: dir + '/' }), {
		mode: 'minimumForPouchDB',
		logPath: path.join(dir, 'log.txt')
	})
);
app.listen(port, '127.0.0.1', () => console.log(`peer listening on ${port}`));
