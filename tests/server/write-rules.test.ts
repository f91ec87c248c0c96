import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, progressUpdate, startServer, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.stop();
});

const head = { user: 'head.oakfield' };
const DB = '/school-oakfield';
const hex = () => crypto.randomBytes(16).toString('hex');
const HASH_FIELDS = ['derived_key', 'salt', 'password_scheme', 'iterations', 'pbkdf2_prf'];

describe('a person reading their own account never sees its password hash', () => {
	test('whatever the options of the read', async () => {
		const id = encodeURIComponent('org.couchdb.user:head.oakfield');
		const plain = await api(server, 'GET', `/_users/${id}`, head);
		expect(plain.status).toBe(200);
		const rev = String(plain.body._rev);
		const reads = [
			'?open_revs=all',
			`?open_revs=${encodeURIComponent(JSON.stringify([rev]))}`,
			'?open_revs=all&revs=true&latest=true',
			'?revs=true',
			'?revs_info=true',
			'?conflicts=true&meta=true',
			`?rev=${rev}`
		];
		for (const query of reads) {
			const r = await api(server, 'GET', `/_users/${id}${query}`, head);
			expect(r.status, query).toBe(200);
			const text = JSON.stringify(r.body);
			expect(text, query).toContain('head.oakfield');
			for (const field of HASH_FIELDS) expect(text, `${query} ${field}`).not.toContain(field);
		}
		for (const [method, path, body] of [
			['POST', '/_users/_bulk_get', { docs: [{ id: 'org.couchdb.user:head.oakfield' }] }],
			['GET', '/_users/_all_docs?include_docs=true', undefined],
			['GET', '/_users/_changes?include_docs=true', undefined]
		] as const) {
			expect((await api(server, method, path, { ...head, body })).status, path).toBe(403);
		}
	});
});

describe('append-only means append-only, whatever the route', () => {
	test('revisions 1 and 2 of a progress update sent together are an edit, and refused', async () => {
		const update = progressUpdate('oakfield', 'head.oakfield', 'What was said.');
		const [a, b] = [hex(), hex()];
		const r = await api(server, 'POST', `${DB}/_bulk_docs`, {
			...head,
			body: {
				new_edits: false,
				docs: [
					{
						...update,
						note: 'Rewritten afterwards.',
						_rev: `2-${b}`,
						_revisions: { start: 2, ids: [b, a] }
					},
					{ ...update, _rev: `1-${a}` }
				]
			}
		});
		expect(r.status).toBe(201);
		expect(r.body).toEqual([
			{
				id: update._id,
				error: 'forbidden',
				reason: 'A progress update cannot be changed; add a new one.'
			}
		]);
		const stored = await api(server, 'GET', `${DB}/${encodeURIComponent(update._id)}`, head);
		expect(stored.body._rev).toBe(`1-${a}`);
		expect(stored.body.note).toBe('What was said.');
	});

	test('a deletion carries no content', async () => {
		const update = progressUpdate('oakfield', 'head.oakfield', 'Hidden in a tombstone.');
		const tombstone = { ...update, _deleted: true };
		const direct = await api(server, 'POST', `${DB}/_bulk_docs`, {
			...head,
			body: { docs: [tombstone] }
		});
		expect(direct.body).toEqual([
			{
				id: update._id,
				error: 'forbidden',
				reason: 'A deletion carries no content: send only _id, _rev and _deleted.'
			}
		]);
		const replicated = await api(server, 'POST', `${DB}/_bulk_docs`, {
			...head,
			body: { new_edits: false, docs: [{ ...tombstone, _rev: `1-${hex()}` }] }
		});
		expect(replicated.body).toMatchObject([{ id: update._id, error: 'forbidden' }]);
		const open = await api(
			server,
			'GET',
			`${DB}/${encodeURIComponent(update._id)}?open_revs=all`,
			head
		);
		expect(open.status).toBe(404);
	});
});

describe('bad bytes and retries', () => {
	test('invalid UTF-8 in a body is refused, not replaced', async () => {
		const update = progressUpdate('oakfield', 'head.oakfield', 'NOTE');
		const json = Buffer.from(JSON.stringify(update));
		const at = json.indexOf('NOTE');
		const raw = Buffer.concat([
			json.subarray(0, at),
			Buffer.from([0xc3, 0x28]),
			json.subarray(at + 4)
		]);
		const r = await api(server, 'POST', DB, {
			...head,
			raw,
			headers: { 'Content-Type': 'application/json' }
		});
		expect(r.status).toBe(400);
		expect(r.body).toEqual({ error: 'bad_request', reason: 'invalid UTF-8 JSON' });
		expect((await api(server, 'GET', `${DB}/${encodeURIComponent(update._id)}`, head)).status).toBe(
			404
		);
	});

	test('an id with a lone surrogate is refused', async () => {
		const update = { ...progressUpdate('oakfield', 'head.oakfield'), _id: 'progress:\ud800' };
		for (const r of [
			await api(server, 'POST', DB, { ...head, body: update }),
			await api(server, 'POST', `${DB}/_bulk_docs`, { ...head, body: { docs: [update] } }),
			await api(server, 'PUT', `${DB}/progress%3A%ED%A0%80`, { ...head, body: update })
		]) {
			expect(r.status).toBe(400);
		}
		const r = await api(server, 'POST', DB, { ...head, body: update });
		expect(r.body).toEqual({ error: 'illegal_docid', reason: 'Document id must be valid UTF-8' });
	});

	test('retrying a PUT whose answer was lost is a conflict (409), as in CouchDB', async () => {
		const update = progressUpdate('oakfield', 'head.oakfield');
		const path = `${DB}/${encodeURIComponent(update._id)}`;
		expect((await api(server, 'PUT', path, { ...head, body: update })).status).toBe(201);
		const again = await api(server, 'PUT', path, { ...head, body: update });
		expect(again.status).toBe(409);
		expect(again.body).toEqual({ error: 'conflict', reason: 'Document update conflict.' });
		const stale = await api(server, 'PUT', path, {
			...head,
			body: { ...update, _rev: `1-${hex()}` }
		});
		expect(stale.status).toBe(409);
	});
});
