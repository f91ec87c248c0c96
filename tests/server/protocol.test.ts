import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, nextStep, PASSWORD, startServer, type Json, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	if (process.env.SHOW_SERVER) console.log(server.output());
	await server.stop();
});

const sil = { user: 'sil' };
const basic = 'Basic ' + Buffer.from(`sil:${PASSWORD}`).toString('base64');
const id = (d: Json) => encodeURIComponent(d._id as string);

describe('the replication endpoints, shape by shape', () => {
	test('GET /{db} has update_seq and instance_start_time', async () => {
		const r = await api(server, 'GET', '/school-oakfield', sil);
		expect(r.body).toMatchObject({ db_name: 'school-oakfield', instance_start_time: '0' });
		expect(typeof r.body.update_seq).toBe('number');
	});

	test('_local documents: read, write with rev, 404 when missing', async () => {
		expect((await api(server, 'GET', '/school-oakfield/_local/abc', sil)).status).toBe(404);
		const put = await api(server, 'PUT', '/school-oakfield/_local/abc', {
			...sil,
			body: { last_seq: 5 }
		});
		expect(put.status).toBe(201);
		const got = await api(server, 'GET', '/school-oakfield/_local/abc', sil);
		expect(got.body.last_seq).toBe(5);
		const again = await api(server, 'PUT', '/school-oakfield/_local/abc', {
			...sil,
			body: { _rev: got.body._rev, last_seq: 9 }
		});
		expect(again.status).toBe(201);
	});

	test('_revs_diff, _bulk_get and open_revs', async () => {
		const doc = nextStep('oakfield');
		const put = await api(server, 'PUT', `/school-oakfield/${id(doc)}`, { ...sil, body: doc });
		const rev = put.body.rev as string;
		const diff = await api(server, 'POST', '/school-oakfield/_revs_diff', {
			...sil,
			body: { [doc._id as string]: [rev, '2-abc'], 'no-such': ['1-x'] }
		});
		// No `possible_ancestors`: optional in CouchDB's answer, and PouchDB does not read it.
		expect(diff.body).toEqual({
			[doc._id as string]: { missing: ['2-abc'] },
			'no-such': { missing: ['1-x'] }
		});

		const bulk = await api(server, 'POST', '/school-oakfield/_bulk_get?revs=true&latest=true', {
			...sil,
			body: { docs: [{ id: doc._id, rev }, { id: doc._id, rev: '9-nope' }, { id: 'missing-doc' }] }
		});
		const results = bulk.body.results as unknown as { id: string; docs: Json[] }[];
		expect(results).toHaveLength(3);
		expect((results[0]!.docs[0]!.ok as Json)._revisions).toMatchObject({ start: 1 });
		expect(results[1]!.docs[0]!.error).toMatchObject({
			id: doc._id,
			rev: '9-nope',
			error: 'not_found'
		});
		expect(results[2]!.docs[0]!.error).toMatchObject({ id: 'missing-doc', error: 'not_found' });

		const open = await api(
			server,
			'GET',
			`/school-oakfield/${id(doc)}?revs=true&latest=true&open_revs=${encodeURIComponent(JSON.stringify([rev, '3-zzz']))}`,
			sil
		);
		expect(open.body).toHaveLength(2);
		expect(open.body.find((x: Json) => x.ok)).toBeTruthy();
		expect(open.body.find((x: Json) => x.missing)).toEqual({ missing: '3-zzz' });
	});

	test('_bulk_docs new_edits:false answers 201 with errors only', async () => {
		const doc = {
			...nextStep('oakfield'),
			_rev: '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
			_revisions: { start: 1, ids: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'] }
		};
		const refused = {
			...nextStep('oakfield'),
			action: '',
			_rev: '1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
		};
		const r = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			...sil,
			body: { docs: [doc, refused], new_edits: false }
		});
		expect(r.status).toBe(201);
		expect(r.body).toHaveLength(1);
		expect(r.body[0]).toMatchObject({ id: refused._id, error: 'forbidden' });
		const got = await api(server, 'GET', `/school-oakfield/${id(doc)}`, sil);
		expect(got.body._rev).toBe(doc._rev);
	});

	test('_all_docs with keys, GET and POST', async () => {
		const a = nextStep('oakfield');
		await api(server, 'POST', '/school-oakfield', { ...sil, body: a });
		const post = await api(server, 'POST', '/school-oakfield/_all_docs?include_docs=true', {
			...sil,
			body: { keys: [a._id, 'nope'] }
		});
		const rows = post.body.rows as unknown as Json[];
		expect((rows[0]!.doc as Json).action).toBe(a.action);
		expect(rows[1]).toMatchObject({ key: 'nope', error: 'not_found' });
		const get = await api(
			server,
			'GET',
			`/school-oakfield/_all_docs?keys=${encodeURIComponent(JSON.stringify([a._id]))}`,
			sil
		);
		expect(get.body.rows).toHaveLength(1);
	});

	test('standalone attachments: put, get, atts_since stubs, delete', async () => {
		const doc = nextStep('oakfield');
		const put = await api(server, 'PUT', `/school-oakfield/${id(doc)}`, { ...sil, body: doc });
		const att = await fetch(
			`${server.api}/school-oakfield/${id(doc)}/plan.txt?rev=${put.body.rev as string}`,
			{
				method: 'PUT',
				headers: { Authorization: basic, 'Content-Type': 'text/plain' },
				body: 'the plan'
			}
		);
		expect(att.status).toBe(201);
		const rev2 = ((await att.json()) as Json).rev as string;
		const got = await fetch(`${server.api}/school-oakfield/${id(doc)}/plan.txt`, {
			headers: { Authorization: basic }
		});
		expect(got.headers.get('content-type')).toBe('text/plain');
		expect(await got.text()).toBe('the plan');
		const withData = await api(server, 'GET', `/school-oakfield/${id(doc)}?attachments=true`, sil);
		expect((withData.body._attachments as Record<string, Json>)['plan.txt']!.data).toBe(
			Buffer.from('the plan').toString('base64')
		);
		const since = await api(
			server,
			'GET',
			`/school-oakfield/${id(doc)}?attachments=true&atts_since=${encodeURIComponent(JSON.stringify([rev2]))}`,
			sil
		);
		expect((since.body._attachments as Record<string, Json>)['plan.txt']!.stub).toBe(true);
		const del = await api(
			server,
			'DELETE',
			`/school-oakfield/${id(doc)}/plan.txt?rev=${rev2}`,
			sil
		);
		expect(del.status).toBe(200);
	});

	test('documents: rev, revs, conflicts, delete, 409 on a stale rev', async () => {
		const doc = nextStep('oakfield');
		const first = await api(server, 'PUT', `/school-oakfield/${id(doc)}`, { ...sil, body: doc });
		const second = await api(server, 'PUT', `/school-oakfield/${id(doc)}`, {
			...sil,
			body: { ...doc, _rev: first.body.rev, action: 'Changed.' }
		});
		expect(second.status).toBe(201);
		const stale = await api(server, 'PUT', `/school-oakfield/${id(doc)}`, {
			...sil,
			body: { ...doc, _rev: first.body.rev, action: 'Stale.' }
		});
		expect(stale.status).toBe(409);
		const old = await api(
			server,
			'GET',
			`/school-oakfield/${id(doc)}?rev=${first.body.rev as string}&revs=true`,
			sil
		);
		expect(old.body.action).toBe(doc.action);
		expect(old.body._revisions).toBeTruthy();
		const gone = await api(
			server,
			'DELETE',
			`/school-oakfield/${id(doc)}?rev=${second.body.rev as string}`,
			sil
		);
		expect(gone.status).toBe(200);
		const after = await api(server, 'GET', `/school-oakfield/${id(doc)}`, sil);
		expect(after.body).toEqual({ error: 'not_found', reason: 'deleted' });
	});
});

describe('_changes feeds', () => {
	test('normal feed: since, limit, include_docs, style=all_docs, last_seq', async () => {
		const all = await api(server, 'GET', '/school-oakfield/_changes?style=all_docs', sil);
		const page = await api(
			server,
			'GET',
			'/school-oakfield/_changes?limit=2&include_docs=true',
			sil
		);
		const rows = page.body.results as unknown as Json[];
		expect(rows).toHaveLength(2);
		expect(rows[0]!.doc).toBeTruthy();
		const rest = await api(
			server,
			'GET',
			`/school-oakfield/_changes?since=${page.body.last_seq as number}`,
			sil
		);
		expect((rest.body.results as unknown[]).length).toBe(
			(all.body.results as unknown[]).length - 2
		);
		expect(rest.body.last_seq).toBe(all.body.last_seq);
	});

	test('filters: _doc_ids and _selector by POST, _doc_ids by GET', async () => {
		const a = nextStep('ashcombe');
		const b = nextStep('ashcombe', 'sil', 'Another step.');
		await api(server, 'POST', '/school-ashcombe/_bulk_docs', { ...sil, body: { docs: [a, b] } });
		const byIds = await api(server, 'POST', '/school-ashcombe/_changes?filter=_doc_ids', {
			...sil,
			body: { doc_ids: [b._id] }
		});
		expect((byIds.body.results as unknown as Json[]).map((r) => r.id)).toEqual([b._id]);
		const bySel = await api(
			server,
			'POST',
			'/school-ashcombe/_changes?filter=_selector&include_docs=true',
			{ ...sil, body: { selector: { action: 'Another step.' } } }
		);
		expect((bySel.body.results as unknown as Json[]).map((r) => r.id)).toEqual([b._id]);
		const byGet = await api(
			server,
			'GET',
			`/school-ashcombe/_changes?filter=_doc_ids&doc_ids=${encodeURIComponent(JSON.stringify([a._id]))}`,
			sil
		);
		expect((byGet.body.results as unknown as Json[]).map((r) => r.id)).toEqual([a._id]);
	});

	test('longpoll waits for the next write, with heartbeats while it waits', async () => {
		const info = await api(server, 'GET', '/school-willow-bank', sil);
		const started = Date.now();
		const poll = api(
			server,
			'GET',
			`/school-willow-bank/_changes?feed=longpoll&since=${info.body.update_seq as number}&heartbeat=500`,
			sil
		);
		await new Promise((r) => setTimeout(r, 1200));
		const doc = nextStep('willow-bank');
		await api(server, 'POST', '/school-willow-bank', { ...sil, body: doc });
		const r = await poll;
		expect(Date.now() - started).toBeGreaterThanOrEqual(1100);
		expect((r.body.results as unknown as Json[]).map((x) => x.id)).toEqual([doc._id]);
	});

	test('longpoll with a timeout returns empty results', async () => {
		const r = await api(
			server,
			'GET',
			'/school-willow-bank/_changes?feed=longpoll&since=now&timeout=300',
			sil
		);
		expect(r.body.results).toEqual([]);
		expect(typeof r.body.last_seq).toBe('number');
	});

	test('continuous feed streams one change per line and ends with last_seq', async () => {
		const res = await fetch(
			`${server.api}/school-willow-bank/_changes?feed=continuous&since=now&timeout=1500`,
			{ headers: { Authorization: basic } }
		);
		const doc = nextStep('willow-bank');
		setTimeout(() => void api(server, 'POST', '/school-willow-bank', { ...sil, body: doc }), 200);
		const lines = (await res.text())
			.split('\n')
			.filter(Boolean)
			.map((l) => JSON.parse(l) as Json);
		expect(lines[0]!.id).toBe(doc._id);
		expect(lines.at(-1)).toHaveProperty('last_seq');
	});
});
