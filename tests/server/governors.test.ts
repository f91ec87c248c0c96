import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	api,
	closeClients,
	localDb,
	remoteDb,
	startServer,
	uid,
	type Json,
	type Server
} from './helpers.ts';

// The chair of governors (the demo's `chair.oakfield`) reads the copies of the summary sent to them,
// in a database of their own, and nothing else of the school or the trust: read access to a
// database is all or nothing, and the school's holds drafts, walk notes and staff data.

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await closeClients();
	await server.stop();
});

const governor = { user: 'chair.oakfield' };
const GOV = '/governors-oakfield';

const summary = (by: string, over: Json = {}): Json & { _id: string } => ({
	_id: `governors-summary:2026-27:${uid()}`,
	schemaVersion: 1,
	type: 'governors-summary',
	schoolId: 'oakfield',
	schoolName: 'Oakfield Primary School',
	year: '2026-27',
	term: 2,
	sentOn: '2026-12-17',
	by,
	at: '2026-12-17T16:00:00Z',
	photosInPrint: false,
	report: {
		title: 'Summary of school improvement visits',
		subject: 'Oakfield Primary School',
		trustName: 'Riverside Learning Trust',
		termLabel: 'Autumn 2, 2026-27',
		generatedOn: '2026-12-17',
		landscape: false,
		fileName: 'oakfield-governors-2026-27-t2',
		sections: [{ heading: 'Visits this year', blocks: [{ kind: 'paragraph', text: 'Two.' }] }]
	},
	...over
});

describe('the chair of governors', () => {
	test('reads and replicates the copies sent to them', async () => {
		const sent = summary('sil');
		const put = await api(server, 'PUT', `${GOV}/${encodeURIComponent(sent._id)}`, {
			user: 'sil',
			body: sent
		});
		expect(put.status, JSON.stringify(put.body)).toBe(201);
		const all = await api(server, 'GET', `${GOV}/_all_docs?include_docs=true`, governor);
		expect(all.status, JSON.stringify(all.body)).toBe(200);
		const rows = all.body.rows as unknown as { doc: Json }[];
		expect(rows.map((r) => r.doc._id)).toContain(sent._id);
		// Replicated as a device does, checkpoints and all.
		const local = localDb('governor');
		const result = await local.replicate.from(
			remoteDb(server, 'governors-oakfield', 'chair.oakfield')
		);
		expect(result.ok).toBe(true);
		expect((await local.allDocs()).rows.length).toBe(rows.length);
	});

	test('gets 401 signed out and 403 on the school’s records, the trust, concerns and other schools', async () => {
		expect((await api(server, 'GET', GOV)).status).toBe(401);
		for (const db of ['/school-oakfield', '/trust', '/concerns', '/governors-hawthorn']) {
			const r = await api(server, 'GET', `${db}/_all_docs`, governor);
			expect(r.status, db).toBe(403);
		}
		const session = await api(server, 'GET', '/_session', governor);
		expect(session.body.userCtx).toMatchObject({
			name: 'chair.oakfield',
			roles: ['governor', 'governor:oakfield']
		});
	});

	test('writes nothing there, while the SIL and the CEO send copies in their own names', async () => {
		const own = summary('chair.oakfield');
		const refused = await api(server, 'PUT', `${GOV}/${encodeURIComponent(own._id)}`, {
			...governor,
			body: own
		});
		expect(refused.status).toBe(403);
		const sent = summary('sil');
		const ok = await api(server, 'PUT', `${GOV}/${encodeURIComponent(sent._id)}`, {
			user: 'sil',
			body: sent
		});
		expect(ok.status, JSON.stringify(ok.body)).toBe(201);
		const del = await api(
			server,
			'DELETE',
			`${GOV}/${encodeURIComponent(sent._id)}?rev=${String(ok.body.rev)}`,
			governor
		);
		expect(del.status).toBe(403);
		// Another school's head may not write (nor read) Oakfield's copies.
		const other = summary('head.st-aidans');
		const stranger = await api(server, 'PUT', `${GOV}/${encodeURIComponent(other._id)}`, {
			user: 'head.st-aidans',
			body: other
		});
		expect(stranger.status).toBe(403);
	});
});

test('a closed school’s governors get no new copy, and still read those sent', async () => {
	const CLOSED = 'This school has closed: its records are kept read-only.';
	const before = summary('sil');
	expect(
		(
			await api(server, 'PUT', `${GOV}/${encodeURIComponent(before._id)}`, {
				user: 'sil',
				body: before
			})
		).status
	).toBe(201);
	const entry = (await api(server, 'GET', '/trust/school:oakfield', { user: 'admin' })).body;
	const closing = await api(server, 'PUT', '/trust/school:oakfield', {
		user: 'admin',
		body: {
			...entry,
			closed: {
				on: '2026-12-18',
				reason: 'Left the trust',
				by: 'admin',
				at: '2026-12-18T09:00:00Z'
			}
		}
	});
	expect(closing.status, JSON.stringify(closing.body)).toBe(201);

	// Sent by hand or pushed by a device's replication, a new copy is refused.
	const late = summary('sil');
	const put = await api(server, 'PUT', `${GOV}/${encodeURIComponent(late._id)}`, {
		user: 'sil',
		body: late
	});
	expect(put.status).toBe(403);
	expect(put.body.reason).toBe(CLOSED);
	const pushed = await api(server, 'POST', `${GOV}/_bulk_docs`, {
		user: 'sil',
		body: { new_edits: false, docs: [{ ...late, _rev: `1-${'c'.repeat(32)}` }] }
	});
	expect(pushed.body).toEqual([{ id: late._id, error: 'forbidden', reason: CLOSED }]);

	// The chair reads on: every copy sent before the school closed, and nothing after.
	const all = await api(server, 'GET', `${GOV}/_all_docs`, governor);
	expect(all.status).toBe(200);
	const ids = (all.body.rows as unknown as { id: string }[]).map((r) => r.id);
	expect(ids).toContain(before._id);
	expect(ids).not.toContain(late._id);
	const read = await api(server, 'GET', `${GOV}/${encodeURIComponent(before._id)}`, governor);
	expect(read.status).toBe(200);
});
