import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	api,
	closeClients,
	eventually,
	localDb,
	PASSWORD,
	remoteDb,
	sleep,
	startServer,
	type Json,
	type Server
} from './helpers.ts';
import { COUCH_ERRORS } from './couch-errors.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer({ env: { LOG_LEVEL: 'debug' } });
});
afterAll(async () => {
	await closeClients();
	await server.stop();
});

const admin = { user: 'admin' };
const sil = { user: 'sil' };
let n = 0;
/** A fresh plain database (not `trust`, `school-*` or `_users`) made by the administrator. */
async function plainDb(): Promise<string> {
	const name = `plain-${Date.now()}-${n++}`;
	expect((await api(server, 'PUT', `/${name}`, admin)).status).toBe(201);
	return name;
}

describe('a database the app does not own is a plain CouchDB database', () => {
	test('takes any JSON document, where an app database keeps its rules', async () => {
		const db = await plainDb();
		const put = await api(server, 'PUT', `/${db}/anything`, { ...admin, body: { a: 1 } });
		expect(put.status).toBe(201);
		const bulk = await api(server, 'POST', `/${db}/_bulk_docs`, {
			...admin,
			body: { docs: [{ _id: 'x', nested: { list: [1, 'two', null] } }, { free: true }] }
		});
		expect(bulk.body.map((r) => r.ok)).toEqual([true, true]);
		expect((await api(server, 'GET', `/${db}/anything`, admin)).body.a).toBe(1);

		const app = await api(server, 'PUT', '/school-oakfield/anything', { ...admin, body: { a: 1 } });
		expect(app.status).toBe(403);
		expect(app.body.error).toBe('forbidden');
	});

	test('is admin-only until an administrator adds members, as CouchDB 3', async () => {
		const db = await plainDb();
		expect((await api(server, 'GET', `/${db}/_security`, admin)).body).toEqual({
			admins: { names: [], roles: ['_admin'] },
			members: { names: [], roles: ['_admin'] }
		});
		expect((await api(server, 'GET', `/${db}`, sil)).status).toBe(403);
		expect((await api(server, 'GET', `/${db}`)).status).toBe(401);
		expect((await api(server, 'PUT', `/${db}/d`, { ...sil, body: { a: 1 } })).status).toBe(403);

		const sec = { admins: { names: [], roles: [] }, members: { names: ['sil'], roles: [] } };
		expect((await api(server, 'PUT', `/${db}/_security`, { ...admin, body: sec })).status).toBe(
			200
		);
		expect((await api(server, 'PUT', `/${db}/d`, { ...sil, body: { a: 1 } })).status).toBe(201);
		expect((await api(server, 'GET', `/${db}/d`, sil)).body.a).toBe(1);
		// A member is not a database administrator: design documents and _security stay closed.
		const ddoc = await api(server, 'PUT', `/${db}/_design/x`, { ...sil, body: { views: {} } });
		expect(ddoc.status).toBe(401);
		expect(ddoc.body).toEqual({
			error: 'unauthorized',
			reason: 'You are not a db or server admin.'
		});
		expect((await api(server, 'PUT', `/${db}/_security`, { ...sil, body: sec })).status).toBe(403);
		// Other people still cannot read it.
		expect((await api(server, 'GET', `/${db}`, { user: 'head.oakfield' })).status).toBe(403);
	});

	test('replicates with PouchDB both ways, any documents', async () => {
		const db = await plainDb();
		const local = localDb('plain');
		await local.bulkDocs([{ _id: 'a', v: 1 }, { _id: 'b', list: [] }, { v: 3 }]);
		const remote = remoteDb(server, db, 'admin');
		const push = await local.replicate.to(remote);
		expect(push.docs_written).toBe(3);
		expect(push.doc_write_failures).toBe(0);
		const back = localDb('plain-back');
		const pull = await back.replicate.from(remote);
		expect(pull.docs_written).toBe(3);
		expect((await back.get('a')).v).toBe(1);
	});
});

describe('CouchDB behaviours the server had wrong', () => {
	test('DELETE /{db} deletes the documents and the files; PUT makes an empty database', async () => {
		const db = await plainDb();
		await api(server, 'PUT', `/${db}/keep-me`, { ...admin, body: { a: 1 } });
		const dir = path.join(server.dataDir, 'dbs', encodeURIComponent(db));
		expect(fs.existsSync(dir)).toBe(true);
		expect((await api(server, 'DELETE', `/${db}`, admin)).body).toEqual({ ok: true });
		expect(fs.existsSync(dir)).toBe(false);
		expect((await api(server, 'GET', `/${db}`, admin)).status).toBe(404);
		expect((await api(server, 'DELETE', `/${db}`, admin)).status).toBe(404);
		expect((await api(server, 'PUT', `/${db}`, admin)).status).toBe(201);
		expect((await api(server, 'GET', `/${db}`, admin)).body.doc_count).toBe(0);
		expect((await api(server, 'GET', `/${db}/keep-me`, admin)).status).toBe(404);
	});

	test('deleting a database while a long-poll _changes reconnects leaves later DELETEs working', async () => {
		const db = await plainDb();
		const remote = remoteDb(server, db, 'admin');
		const local = localDb('live');
		const live = local.replicate.from(remote, { live: true, retry: true });
		try {
			await api(server, 'PUT', `/${db}/one`, { ...admin, body: { a: 1 } });
			await eventually(async () => (await local.get('one').catch(() => null)) !== null);
			for (let round = 0; round < 3; round++) {
				const started = Date.now();
				const del = await api(server, 'DELETE', `/${db}`, admin);
				expect(del.status).toBe(200);
				expect(Date.now() - started).toBeLessThan(5_000);
				// The replicator keeps reconnecting: a long poll may now find the database gone or new.
				await sleep(300);
				expect((await api(server, 'PUT', `/${db}`, admin)).status).toBe(201);
				await api(server, 'PUT', `/${db}/r${round}`, { ...admin, body: { round } });
				await sleep(300);
			}
			const last = await Promise.race([
				api(server, 'DELETE', `/${db}`, admin),
				sleep(5_000).then(() => ({ status: 'hung' }))
			]);
			expect(last.status).toBe(200);
		} finally {
			live.cancel();
		}
		expect(server.output()).not.toContain('cannot call iterator() before open()');
	});

	test('POST /{db}/_compact answers 202 for administrators and compacts', async () => {
		const db = await plainDb();
		const first = await api(server, 'PUT', `/${db}/d`, { ...admin, body: { v: 1 } });
		await api(server, 'PUT', `/${db}/d`, { ...admin, body: { v: 2, _rev: first.body.rev } });
		const old = `/${db}/d?rev=${String(first.body.rev)}`;
		expect((await api(server, 'GET', old, admin)).status).toBe(200);

		const json = { 'Content-Type': 'application/json' };
		const r = await api(server, 'POST', `/${db}/_compact`, { ...admin, headers: json });
		expect(r.status).toBe(202);
		expect(r.body).toEqual({ ok: true });
		// The old revision's body is gone once compaction has run; the current one stays.
		await eventually(async () => (await api(server, 'GET', old, admin)).status === 404);
		expect((await api(server, 'GET', `/${db}/d`, admin)).body.v).toBe(2);

		const noType = await api(server, 'POST', `/${db}/_compact`, admin);
		expect(noType.status).toBe(415);
		expect(noType.body.error).toBe('bad_content_type');
		const bySil = await api(server, 'POST', '/school-oakfield/_compact', { ...sil, headers: json });
		expect(bySil.status).toBe(403);
	});

	test('_bulk_get finds documents named like Object properties, and they replicate', async () => {
		const db = await plainDb();
		const ids = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
		const bulk = await api(server, 'POST', `/${db}/_bulk_docs`, {
			...admin,
			body: { docs: ids.map((id) => ({ _id: id, name: id })) }
		});
		const revs = bulk.body.map((r) => r.rev as string);
		const got = await api(server, 'POST', `/${db}/_bulk_get?revs=true`, {
			...admin,
			body: { docs: ids.map((id, i) => ({ id, rev: revs[i] })) }
		});
		const docs = (got.body.results as unknown as { id: string; docs: Json[] }[]).map(
			(r) => r.docs[0]!
		);
		expect(docs.map((d) => (d.ok as Json | undefined)?.name)).toEqual(ids);
		const diff = await api(server, 'POST', `/${db}/_revs_diff`, {
			...admin,
			body: Object.fromEntries(ids.map((id, i) => [id, [revs[i], '9-x']]))
		});
		expect(diff.body).toEqual(Object.fromEntries(ids.map((id) => [id, { missing: ['9-x'] }])));
		const local = localDb('odd-ids');
		const pull = await local.replicate.from(remoteDb(server, db, 'admin'));
		expect(pull.docs_written).toBe(ids.length);
		// Replicating them back (revisions the server has) is a no-op, not a crash.
		const again = await local.replicate.to(remoteDb(server, db, 'admin'));
		expect(again.doc_write_failures).toBe(0);
	});

	test('malformed revisions in open_revs or rev are 400 Invalid rev format', async () => {
		const db = await plainDb();
		await api(server, 'PUT', `/${db}/d`, { ...admin, body: {} });
		for (const q of ['open_revs=["foo"]', 'open_revs=[1]', 'rev=abc']) {
			const r = await api(server, 'GET', `/${db}/d?${encodeURI(q)}`, admin);
			expect(r.status).toBe(400);
			expect(r.body).toEqual({ error: 'bad_request', reason: 'Invalid rev format' });
		}
		const notJson = await api(server, 'GET', `/${db}/d?open_revs=foo`, admin);
		expect(notJson.body).toEqual({ error: 'bad_request', reason: 'invalid UTF-8 JSON' });
	});

	test('unknown query parameters are ignored, as CouchDB does, and logged at debug', async () => {
		const db = await plainDb();
		await api(server, 'PUT', `/${db}/d`, { ...admin, body: { a: 1 } });
		expect((await api(server, 'GET', `/${db}/d?bogus=1`, admin)).body.a).toBe(1);
		const ch = await api(server, 'GET', `/${db}/_changes?since=0&mine=true`, admin);
		expect(ch.status).toBe(200);
		expect((ch.body.results as unknown[]).length).toBe(1);
		expect(server.output()).toContain('"params":["mine"]');
		// A filter that runs in the client sends its query_params to the server too.
		const local = localDb('qp');
		const r = await local.replicate.from(remoteDb(server, db, 'admin'), {
			filter: (doc: Json) => doc.a === 1,
			query_params: { school: 'oakfield' }
		});
		expect(r.docs_written).toBe(1);
	});

	test('ids longer than 1,024 characters are accepted; the document size limit stays', async () => {
		const db = await plainDb();
		const id = 'x'.repeat(1500);
		const r = await api(server, 'PUT', `/${db}/${id}`, { ...admin, body: { a: 1 } });
		expect(r.status).toBe(201);
		expect((await api(server, 'GET', `/${db}/${id}`, admin)).body.a).toBe(1);
		const huge = await api(server, 'PUT', `/${db}/big`, {
			...admin,
			body: { a: 'x'.repeat(1_100_000) }
		});
		expect(huge.status).toBe(413);
	});

	test('/_session at the root signs in, where CouchDB’s replicator looks for it', async () => {
		const r = await fetch(`${server.url}/_session`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: JSON.stringify({ name: 'sil', password: PASSWORD })
		});
		expect(r.status).toBe(200);
		expect(((await r.json()) as Json).name).toBe('sil');
		expect(r.headers.get('set-cookie')).toContain('AuthSession=');
	});

	test('an attachment stub without a digest keeps the attachment, as CouchDB', async () => {
		const db = await plainDb();
		const first = await api(server, 'PUT', `/${db}/d`, {
			...admin,
			body: { _attachments: { 'w.png': { content_type: 'image/png', data: 'aGVsbG8=' } } }
		});
		const second = await api(server, 'PUT', `/${db}/d`, {
			...admin,
			body: {
				_rev: first.body.rev,
				_attachments: {
					'w.png': { content_type: 'image/png', stub: true },
					'n.txt': { content_type: 'text/plain', data: 'aGk=' }
				}
			}
		});
		expect(second.status).toBe(201);
		const doc = await api(server, 'GET', `/${db}/d?attachments=true`, admin);
		const atts = doc.body._attachments as Record<string, Json>;
		expect([atts['w.png']?.data, atts['n.txt']?.data]).toEqual(['aGVsbG8=', 'aGk=']);
	});

	test("open_revs answers multipart/mixed with the attachments, for CouchDB's replicator", async () => {
		const db = await plainDb();
		const put = await api(server, 'PUT', `/${db}/d`, {
			...admin,
			body: { v: 1, _attachments: { 'w.png': { content_type: 'image/png', data: 'aGVsbG8=' } } }
		});
		const r = await fetch(
			`${server.api}/${db}/d?revs=true&latest=true&open_revs=${encodeURIComponent(JSON.stringify([put.body.rev, '9-x']))}`,
			{
				headers: {
					Accept: 'multipart/mixed',
					Authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64')
				}
			}
		);
		const boundary = /boundary="?([^";]+)"?/.exec(r.headers.get('content-type') ?? '')?.[1];
		expect(boundary).toBeTruthy();
		const parts = (await r.text())
			.split(`--${boundary!}`)
			.slice(1, -1)
			.map((p) => p.split('\r\n\r\n'));
		expect(parts.map(([h]) => h!.trim())).toEqual([
			'Content-Type: application/json',
			'Content-Type: application/json; error="true"'
		]);
		const doc = JSON.parse(parts[0]![1]!) as Json;
		expect((doc._attachments as Record<string, Json>)['w.png']?.data).toBe('aGVsbG8=');
		expect(JSON.parse(parts[1]![1]!)).toEqual({ missing: '9-x' });
	});

	test("a multipart/related PUT (CouchDB's replicator pushing) stores its attachments", async () => {
		const db = await plainDb();
		const doc = {
			_id: 'd',
			_rev: `1-${'ab'.repeat(16)}`,
			_revisions: { start: 1, ids: ['ab'.repeat(16)] },
			_attachments: {
				'a.txt': { content_type: 'text/plain', follows: true, length: 5, encoding: 'gzip' },
				'b.bin': { content_type: 'application/octet-stream', follows: true, length: 3 }
			}
		};
		const { gzipSync } = await import('node:zlib');
		const B = 'bound4ry';
		const body = Buffer.concat([
			Buffer.from(`--${B}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(doc)}\r\n`),
			Buffer.from(`--${B}\r\nContent-Disposition: attachment; filename="a.txt"\r\n\r\n`),
			gzipSync('hello'),
			Buffer.from(`\r\n--${B}\r\nContent-Disposition: attachment; filename="b.bin"\r\n\r\n`),
			Buffer.from([0, 1, 2]),
			Buffer.from(`\r\n--${B}--`)
		]);
		const r = await api(server, 'PUT', `/${db}/d?new_edits=false`, {
			...admin,
			raw: body,
			headers: { 'Content-Type': `multipart/related; boundary="${B}"` }
		});
		expect(r.status).toBe(201);
		const got = await api(server, 'GET', `/${db}/d?attachments=true`, admin);
		const atts = got.body._attachments as Record<string, Json>;
		expect(got.body._rev).toBe(`1-${'ab'.repeat(16)}`);
		expect(Buffer.from(String(atts['a.txt']?.data), 'base64').toString()).toBe('hello');
		expect(atts['b.bin']?.data).toBe('AAEC');
	});

	test('_local documents drop _attachments, as CouchDB', async () => {
		const db = await plainDb();
		const att = { 'a.txt': { content_type: 'text/plain', data: 'aGk=' } };
		const put = await api(server, 'PUT', `/${db}/_local/x`, {
			...admin,
			body: { v: 1, _attachments: att }
		});
		expect(put.status).toBe(201);
		expect((await api(server, 'GET', `/${db}/_local/x`, admin)).body).toEqual({
			_id: '_local/x',
			_rev: '0-1',
			v: 1
		});
	});
});

describe("error reasons in CouchDB's words", () => {
	test.each(COUCH_ERRORS)('%s %s?%s', async (method, p, query, body, status, expected) => {
		const db = 'errors-db';
		if ((await api(server, 'GET', `/${db}`, admin)).status === 404)
			await api(server, 'PUT', `/${db}`, admin);
		const url = p.replace('{db}', db) + (query ? `?${query}` : '');
		const r = await api(server, method, url, { ...admin, body });
		expect({ status: r.status, body: r.body }).toEqual({ status, body: expected });
	});
});
