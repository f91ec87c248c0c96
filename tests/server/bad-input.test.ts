import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, nextStep, startServer, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer({
		env: { MAX_REQUEST_BYTES: '200000', MAX_DOCUMENT_BYTES: '4096', MAX_ATTACHMENT_BYTES: '50000' }
	});
});
afterAll(async () => {
	await server.stop();
});

const sil = { user: 'sil' };

describe('bad input gets CouchDB status codes and clear reasons; the server keeps serving', () => {
	test('malformed JSON is 400 bad_request', async () => {
		const r = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			...sil,
			raw: '{"docs": [',
			headers: { 'Content-Type': 'application/json' }
		});
		expect(r.status).toBe(400);
		expect(r.body).toEqual({ error: 'bad_request', reason: 'invalid UTF-8 JSON' });
	});

	test('a body that is not JSON is 415', async () => {
		const r = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			...sil,
			raw: 'docs=1',
			headers: { 'Content-Type': 'text/plain' }
		});
		expect(r.status).toBe(415);
		expect(r.body.error).toBe('bad_content_type');
	});

	test('an oversized body is 413, refused before it is read', async () => {
		const big = { docs: [{ ...nextStep('oakfield'), successCriteria: 'x'.repeat(300_000) }] };
		const r = await api(server, 'POST', '/school-oakfield/_bulk_docs', { ...sil, body: big });
		expect(r.status).toBe(413);
		expect(String(r.body.reason)).toContain('200000');
	});

	test('an oversized document is 413 and nothing of its batch is written', async () => {
		const ok = nextStep('oakfield');
		const big = { ...nextStep('oakfield'), successCriteria: 'x'.repeat(5000) };
		const r = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			...sil,
			body: { docs: [ok, big] }
		});
		expect(r.status).toBe(413);
		expect(r.body.error).toBe('document_too_large');
		expect(
			(await api(server, 'GET', `/school-oakfield/${encodeURIComponent(ok._id as string)}`, sil))
				.status
		).toBe(404);
	});

	test('a document written shorter than it stores (numbers as 1e20) is measured as stored', async () => {
		// 1,300 bytes on the wire, 4,400 once stored: over the 4,096-byte limit.
		const doc = { ...nextStep('oakfield'), figures: Array(180).fill(1e20) };
		const raw = JSON.stringify({ docs: [doc] }).replaceAll('100000000000000000000', '1e20');
		expect(raw.length).toBeLessThan(1500);
		const r = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			...sil,
			raw,
			headers: { 'Content-Type': 'application/json' }
		});
		expect(r.status).toBe(413);
		expect(r.body.error).toBe('document_too_large');
	});

	test('an oversized attachment is 413', async () => {
		const doc = {
			...nextStep('oakfield'),
			_attachments: {
				'a.bin': {
					content_type: 'application/octet-stream',
					data: Buffer.alloc(60_000).toString('base64')
				}
			}
		};
		const r = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			...sil,
			body: { docs: [doc] }
		});
		expect(r.status).toBe(413);
	});

	test('invalid database names are 400 illegal_database_name', async () => {
		for (const name of ['School-Oakfield', '_foo', '9lives', 'a%20b']) {
			const r = await api(server, 'GET', `/${name}`, { user: 'admin' });
			expect(r.status, name).toBe(400);
			expect(r.body.error).toBe('illegal_database_name');
		}
		expect((await api(server, 'PUT', '/Not$Valid', { user: 'admin' })).status).toBe(400);
		expect((await api(server, 'GET', '/no-such-db', { user: 'admin' })).status).toBe(404);
	});

	test('reserved document ids are 400, and a batch holding one writes nothing', async () => {
		const r = await api(server, 'PUT', '/school-oakfield/_private', {
			...sil,
			body: nextStep('oakfield')
		});
		expect(r.status).toBe(400);
		expect(r.body).toEqual({
			error: 'illegal_docid',
			reason: 'Only reserved document ids may start with underscore.'
		});
		const ok = nextStep('oakfield');
		const bulk = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			...sil,
			body: { docs: [ok, { ...nextStep('oakfield'), _id: '_sneaky' }] }
		});
		expect(bulk.status).toBe(400);
		expect(
			(await api(server, 'GET', `/school-oakfield/${encodeURIComponent(ok._id as string)}`, sil))
				.status
		).toBe(404);
		expect(
			(
				await api(server, 'POST', '/school-oakfield/_bulk_docs', {
					...sil,
					body: { docs: [{ _id: '' }] }
				})
			).status
		).toBe(400);
	});

	test('invalid base64 in an attachment refuses the whole batch', async () => {
		const ok = nextStep('oakfield');
		const bad = {
			...nextStep('oakfield'),
			_attachments: { 'a.png': { content_type: 'image/png', data: 'not base64!' } }
		};
		const r = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			...sil,
			body: { docs: [ok, bad] }
		});
		expect(r.status).toBe(400);
		expect(
			(await api(server, 'GET', `/school-oakfield/${encodeURIComponent(ok._id as string)}`, sil))
				.status
		).toBe(404);
	});

	test('bad query values are 400; unknown parameters are ignored, as CouchDB does', async () => {
		const r = await api(server, 'GET', '/school-oakfield/_changes?since=0&bogus=1', sil);
		expect(r.status).toBe(200);
		expect((await api(server, 'GET', '/school-oakfield/_changes?limit=-3', sil)).status).toBe(400);
		expect(
			(await api(server, 'GET', '/school-oakfield/_changes?feed=eventsource', sil)).status
		).toBe(400);
		expect(
			(await api(server, 'GET', '/school-oakfield/_changes?filter=app/mine', sil)).status
		).toBe(400);
	});

	test('wrong shapes are 400: _bulk_docs without docs, _revs_diff with non-lists', async () => {
		expect(
			(await api(server, 'POST', '/school-oakfield/_bulk_docs', { ...sil, body: { doc: [] } }))
				.status
		).toBe(400);
		expect(
			(await api(server, 'POST', '/school-oakfield/_bulk_docs', { ...sil, body: [] })).status
		).toBe(400);
		expect(
			(await api(server, 'POST', '/school-oakfield/_revs_diff', { ...sil, body: { a: 'x' } }))
				.status
		).toBe(400);
	});

	test('no credentials is 401, another school is 403', async () => {
		expect((await api(server, 'GET', '/school-oakfield/_all_docs')).status).toBe(401);
		expect((await api(server, 'GET', '/school-millbrook/_all_docs', sil)).status).toBe(403);
	});

	test('malformed revisions never take the server down', async () => {
		const doc = nextStep('oakfield');
		const put = await api(server, 'POST', '/school-oakfield', { ...sil, body: doc });
		expect(put.status).toBe(201);
		const docId = encodeURIComponent(doc._id as string);
		const attempts = [
			api(server, 'POST', '/school-oakfield/_bulk_docs', {
				...sil,
				body: { new_edits: false, docs: [{ ...doc, _rev: 'nonsense' }] }
			}),
			api(server, 'POST', '/school-oakfield/_bulk_docs', {
				...sil,
				body: {
					new_edits: false,
					docs: [{ ...doc, _rev: '2-abc', _revisions: { start: 'x', ids: 5 } }]
				}
			}),
			api(server, 'POST', '/school-oakfield/_bulk_docs', {
				...sil,
				body: { new_edits: false, docs: [{ ...doc, _rev: '-1-' }] }
			}),
			api(server, 'POST', '/school-oakfield/_revs_diff', {
				...sil,
				body: { [doc._id as string]: ['garbage', '1-'] }
			}),
			api(
				server,
				'GET',
				`/school-oakfield/${docId}?open_revs=${encodeURIComponent('["garbage"]')}&latest=true`,
				sil
			),
			api(server, 'GET', `/school-oakfield/${docId}?rev=garbage&latest=true`, sil),
			api(server, 'GET', `/school-oakfield/${docId}?rev=7-abc&revs=true`, sil),
			api(server, 'POST', '/school-oakfield/_bulk_get?latest=true&revs=true', {
				...sil,
				body: { docs: [{ id: doc._id, rev: 'garbage' }, { id: 5 }] }
			}),
			api(server, 'PUT', `/school-oakfield/${docId}?rev=garbage`, { ...sil, body: doc }),
			api(server, 'DELETE', `/school-oakfield/${docId}?rev=garbage`, sil),
			api(server, 'GET', '/school-oakfield/_changes?since=abc', sil),
			api(server, 'POST', '/school-oakfield/_all_docs', { ...sil, body: { keys: [1, 2] } })
		];
		const statuses = (await Promise.all(attempts)).map((r) => r.status);
		for (const s of statuses) expect(s).toBeLessThan(500);
		expect((await api(server, 'GET', '/_up')).status).toBe(200);
	});

	test('after all of that the server still answers', async () => {
		expect((await api(server, 'GET', '/_up')).status).toBe(200);
		expect(
			(await api(server, 'POST', '/school-oakfield', { ...sil, body: nextStep('oakfield') })).status
		).toBe(201);
	});
});

describe('the built app', () => {
	test('without a build every page explains how to build it', async () => {
		const r = await fetch(`${server.url}/visits/123`);
		expect(r.status).toBe(404);
		expect(await r.text()).toContain('npm run build');
	});

	test('files, SPA fallback, content types and caching', async () => {
		const dir = path.join(server.dataDir, 'build');
		fs.mkdirSync(path.join(dir, '_app/immutable/chunks'), { recursive: true });
		fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
		fs.writeFileSync(path.join(dir, 'sw.js'), 'self.x=1');
		fs.writeFileSync(path.join(dir, 'workbox-abc123.js'), 'x');
		fs.writeFileSync(path.join(dir, 'manifest.webmanifest'), '{}');
		fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
		fs.writeFileSync(path.join(dir, '_app/immutable/chunks/app.abc.js'), 'x');
		const s2 = await startServer({ env: { STATIC_DIR: dir }, demo: false });
		try {
			const get = (p: string) => fetch(s2.url + p);
			const immutable = await get('/_app/immutable/chunks/app.abc.js');
			expect(immutable.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
			expect(immutable.headers.get('content-type')).toContain('text/javascript');
			for (const p of [
				'/',
				'/index.html',
				'/sw.js',
				'/workbox-abc123.js',
				'/manifest.webmanifest'
			]) {
				expect((await get(p)).headers.get('cache-control'), p).toBe('no-cache');
			}
			expect((await get('/manifest.webmanifest')).headers.get('content-type')).toBe(
				'application/manifest+json'
			);
			expect((await get('/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
			const deep = await get('/head/next-steps/42');
			expect(deep.status).toBe(200);
			expect(await deep.text()).toContain('<title>app</title>');
			expect((await get('/_app/immutable/chunks/missing.js')).status).toBe(404);
			expect((await get('/../../etc/passwd')).status).toBe(200); // the page, never the file
		} finally {
			await s2.stop();
		}
	});
});
