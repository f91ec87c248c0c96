import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	api,
	closeClients,
	localDb,
	now,
	remoteDb,
	startServer,
	uid,
	type Json,
	type Server
} from './helpers.ts';

// Issue 15: a SIL alerts the CEO to a concern about a school they support; the CEO records what
// was done and closes it. A head neither reads nor writes concerns, and another school's lead
// cannot raise one. Every write goes over HTTP to the real server, which runs the shared rules.

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await closeClients();
	await server.stop();
});

const DB = '/concerns';
const sil = { user: 'sil' };
const head = { user: 'head.oakfield' };
const ceo = { user: 'ceo' };
const docPath = (id: string) => `${DB}/${encodeURIComponent(id)}`;

const concern = (over: Json = {}): Json & { _id: string } => ({
	_id: `concern:${uid()}`,
	schemaVersion: 1,
	type: 'concern',
	schoolId: 'oakfield',
	raisedOn: '2026-11-20',
	raisedBy: 'sil',
	title: 'Year 5 attendance falling',
	seen: 'Registers show 88% attendance in year 5 since half term.',
	level: 'action',
	actions: [],
	updatedBy: 'sil',
	updatedAt: now(),
	...over
});

async function put(who: { user: string }, doc: Json & { _id: string }) {
	return api(server, 'PUT', docPath(doc._id), { ...who, body: doc });
}

describe('concerns on the trust’s server', () => {
	test('a head can neither write nor read them', async () => {
		const own = concern({ raisedBy: 'head.oakfield', updatedBy: 'head.oakfield' });
		expect((await put(head, own)).status).toBe(403);
		const raised = await put(sil, concern());
		expect(raised.status).toBe(201);
		const read = await api(server, 'GET', docPath(String(raised.body.id)), head);
		expect(read.status).toBe(403);
		// Nor does replication hand them over.
		const phone = localDb('head-phone');
		await expect(
			phone.replicate.from(remoteDb(server, 'concerns', 'head.oakfield'))
		).rejects.toMatchObject({ status: 403 });
		expect((await phone.allDocs()).rows).toHaveLength(0);
	});

	test('a lead raises one only for a school they support', async () => {
		// The demo SIL does not support Millbrook (it has its own NLE support).
		const elsewhere = await put(sil, concern({ schoolId: 'millbrook' }));
		expect(elsewhere).toMatchObject({
			status: 403,
			body: {
				error: 'forbidden',
				reason: 'Only a school improvement lead who supports this school raises a concern.'
			}
		});
		expect((await put(ceo, concern({ raisedBy: 'ceo', updatedBy: 'ceo' }))).status).toBe(403);
	});

	test('the CEO records what was done and closes it; it is kept and never deleted', async () => {
		const doc = concern();
		const first = await put(sil, doc);
		expect(first.status).toBe(201);
		const action = {
			id: 'a1',
			on: '2026-11-24',
			text: 'Met the headteacher; the attendance officer visits weekly.',
			by: 'ceo',
			at: now()
		};
		const acted = await put(ceo, {
			...doc,
			_rev: first.body.rev,
			actions: [action],
			updatedBy: 'ceo'
		});
		expect(acted.status).toBe(201);
		// The lead cannot record actions or close it in the CEO's stead.
		const forged = await put(sil, {
			...doc,
			_rev: acted.body.rev,
			actions: [action],
			updatedBy: 'sil',
			closed: { by: 'ceo', at: now(), on: '2026-11-26', note: '' }
		});
		expect(forged.status).toBe(403);
		const closed = await put(ceo, {
			...doc,
			_rev: acted.body.rev,
			actions: [action],
			updatedBy: 'ceo',
			closed: { by: 'ceo', at: now(), on: '2026-11-26', note: 'Attendance back to 95%.' }
		});
		expect(closed.status).toBe(201);
		const gone = await api(server, 'DELETE', `${docPath(doc._id)}?rev=${closed.body.rev}`, ceo);
		expect(gone).toMatchObject({
			status: 403,
			body: { reason: 'A concern is never deleted: the chief executive closes it instead.' }
		});
		const read = await api(server, 'GET', docPath(doc._id), sil);
		expect(read.status).toBe(200);
		expect(read.body.actions).toEqual([action]);
		expect(read.body.closed).toMatchObject({ by: 'ceo', on: '2026-11-26' });
	});
});
