/**
 * A reference for the push benchmark: answers PouchDB's push replication (`_revs_diff` says every
 * revision is missing, `_bulk_docs` accepts everything, checkpoints are kept in memory) and stores
 * nothing. What a client pushes to it at most is the client's own ceiling.
 * Run as a child process: `node bench/noop-server.ts <port>`.
 */
import http from 'node:http';

const port = Number(process.argv[2]);
const checkpoints = new Map<string, Record<string, unknown>>();

http
	.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = chunks.length
				? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
				: {};
			const send = (status: number, answer: unknown) => {
				const text = JSON.stringify(answer);
				res.writeHead(status, {
					'Content-Type': 'application/json',
					'Content-Length': Buffer.byteLength(text)
				});
				res.end(text);
			};
			const { pathname } = new URL(req.url ?? '/', 'http://localhost');
			if (pathname === '/') return send(200, { couchdb: 'Welcome', version: '3.3.3' });
			if (pathname.endsWith('/_revs_diff')) {
				const missing = Object.entries(body).map(([id, revs]) => [id, { missing: revs }]);
				return send(200, Object.fromEntries(missing));
			}
			if (pathname.endsWith('/_bulk_docs')) return send(201, []);
			if (pathname.includes('/_local/')) {
				if (req.method !== 'PUT') {
					const doc = checkpoints.get(pathname);
					return doc ? send(200, doc) : send(404, { error: 'not_found', reason: 'missing' });
				}
				const rev = `0-${checkpoints.size + 1}`;
				checkpoints.set(pathname, { ...body, _rev: rev });
				return send(201, { ok: true, id: body._id, rev });
			}
			if (req.method === 'GET' || req.method === 'PUT') {
				return send(200, { db_name: 'noop', update_seq: 0, instance_start_time: '0' });
			}
			send(404, { error: 'not_found', reason: 'missing' });
		});
	})
	.listen(port, '127.0.0.1', () => console.log(`no-op server listening on ${port}`));
