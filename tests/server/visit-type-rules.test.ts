import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, now, startServer, uid, type Json, type Server } from './helpers.ts';

// Issue 15: the kind of visit and the trust's counting of SI days by kind, through the real server.

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.stop();
});

const DB = '/school-oakfield';
const sil = { user: 'sil' };
const head = { user: 'head.oakfield' };
const admin = { user: 'admin' };

const visit = (extra: Json = {}): Json & { _id: string } => ({
	_id: `visit:2026-27:t2:${uid()}`,
	schemaVersion: 1,
	type: 'visit',
	schoolId: 'oakfield',
	year: '2026-27',
	term: 2,
	date: '2026-11-19',
	visitor: 'sil',
	status: 'planned',
	visitType: 'send',
	attendees: [],
	focus: 'SEND review',
	documents: [{ label: 'SEND report', seen: false }],
	activities: [],
	discussion: [
		{
			id: 'a1',
			area: 'Outcomes for pupils with SEND',
			evidence: '',
			strengths: '',
			development: ''
		}
	],
	frameworkId: 'ofsted-2025',
	evaluations: [],
	safeguarding: null,
	daysUsed: 1,
	addenda: [],
	createdAt: now(),
	updatedAt: now(),
	...extra
});

const put = (path: string, user: { user: string }, body: Json & { _id: string }) =>
	api(server, 'PUT', `${path}/${encodeURIComponent(body._id)}`, { ...user, body });

describe('the kind of visit', () => {
	it('is written by the visitor, and a kind not on the SI menu is refused in words', async () => {
		const planned = visit();
		const made = await put(DB, sil, planned);
		expect(made.status).toBe(201);
		const changed = await put(DB, sil, { ...planned, _rev: made.body.rev, visitType: 'peer' });
		expect(changed.status).toBe(201);

		const bad = await put(DB, sil, { ...visit(), visitType: 'ofsted-inspection' });
		expect(bad.status).toBe(403);
		expect(bad.body.error).toBe('forbidden');
		expect(String(bad.body.reason)).toMatch(/^Invalid visit: visitType: /);
	});

	it('is not changed by the headteacher the record is shared with', async () => {
		const shared = visit({ status: 'shared', shared: { by: 'sil', at: now() } });
		const made = await put(DB, sil, shared);
		expect(made.status).toBe(201);
		const changed = await put(DB, head, { ...shared, _rev: made.body.rev, visitType: 'qa' });
		expect(changed.status).toBe(403);
		expect(changed.body.error).toBe('forbidden');
	});
});

describe('the trust’s counting of SI days by kind of visit', () => {
	it('is set by an administrator, refused from a SIL, and refused when malformed', async () => {
		const current = await api(server, 'GET', '/trust/settings', admin);
		expect(current.status).toBe(200);
		const settings = current.body as unknown as Json & { _id: string };
		const counting = { ...settings, siDaysCounting: { peer: true, send: false } };
		expect((await put('/trust', sil, counting)).status).toBe(403);
		for (const bad of [{ inspection: true }, { peer: 'no' }]) {
			const refused = await put('/trust', admin, { ...settings, siDaysCounting: bad });
			expect(refused.status, JSON.stringify(bad)).toBe(403);
			expect(String(refused.body.reason)).toMatch(/siDaysCounting/);
		}
		const saved = await put('/trust', admin, counting);
		expect(saved.status).toBe(201);
		const read = await api(server, 'GET', '/trust/settings', sil);
		expect(read.body.siDaysCounting).toEqual({ peer: true, send: false });
	});

	it('and each term’s discussion areas are the calendar’s, set by an administrator', async () => {
		const current = await api(server, 'GET', '/trust/visit-calendar', admin);
		expect(current.status).toBe(200);
		const calendar = current.body as unknown as Json & { _id: string; terms: Json[] };
		const terms = calendar.terms.map((t) =>
			t.term === 3 ? { ...t, focusAreas: ['Reading', 'Personal development'] } : t
		);
		expect((await put('/trust', sil, { ...calendar, terms })).status).toBe(403);
		const saved = await put('/trust', admin, { ...calendar, terms });
		expect(saved.status).toBe(201);
		const blank = calendar.terms.map((t) => (t.term === 3 ? { ...t, focusAreas: [' '] } : t));
		expect(
			(await put('/trust', admin, { ...calendar, _rev: saved.body.rev, terms: blank })).status
		).toBe(403);
	});
});
