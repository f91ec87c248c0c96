import { afterAll, beforeAll, expect, test } from 'vitest';
import { api, closeClients, nextStep, startServer, type Json, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await closeClients();
	await server.stop();
});

const CLOSED = 'This school has closed: its records are kept read-only.';
const NOW = '2026-11-25T09:00:00.000Z';

/** A replicated batch, as a device's PouchDB pushes it. */
async function push(school: string, docs: Json[]) {
	return api(server, 'POST', `/school-${school}/_bulk_docs`, {
		user: 'sil',
		body: {
			new_edits: false,
			docs: docs.map((d) => ({ ...d, _rev: `1-${'a'.repeat(31)}${docs.indexOf(d)}` }))
		}
	});
}

test('closing and reopening a school takes effect for the very next write to its records', async () => {
	// Writes before the close: the server has read (and may keep) the school's registry entry.
	for (let i = 0; i < 3; i++) {
		const before = await push('hawthorn', [nextStep('hawthorn'), nextStep('hawthorn')]);
		expect(before.status).toBe(201);
		expect(before.body).toEqual([]);
	}
	const entry = (await api(server, 'GET', '/trust/school:hawthorn', { user: 'admin' })).body;
	const closed = await api(server, 'PUT', '/trust/school:hawthorn', {
		user: 'admin',
		body: {
			...entry,
			closed: { on: '2026-11-25', reason: 'Merged with Ashcombe', by: 'admin', at: NOW }
		}
	});
	expect(closed.status).toBe(201);

	const step = nextStep('hawthorn');
	const refused = await push('hawthorn', [step]);
	expect(refused.status).toBe(201);
	expect(refused.body).toEqual([{ id: step._id, error: 'forbidden', reason: CLOSED }]);
	const put = await api(server, 'PUT', `/school-hawthorn/${step._id}`, { user: 'sil', body: step });
	expect(put.status).toBe(403);
	expect(put.body.reason).toBe(CLOSED);
	expect((await api(server, 'GET', `/school-hawthorn/${step._id}`, { user: 'sil' })).status).toBe(
		404
	);

	// Reopened (the administrator removes the closure): the next write is accepted again.
	const { closed: _gone, ...open } = {
		...entry,
		_rev: closed.body.rev
	} as Json;
	void _gone;
	const reopened = await api(server, 'PUT', '/trust/school:hawthorn', {
		user: 'admin',
		body: open
	});
	expect(reopened.status).toBe(201);
	const accepted = await push('hawthorn', [step]);
	expect(accepted.body).toEqual([]);
	expect((await api(server, 'GET', `/school-hawthorn/${step._id}`, { user: 'sil' })).status).toBe(
		200
	);
});

test('a closure that arrives by replication into the trust database also takes effect at once', async () => {
	expect((await push('kingsmead', [nextStep('kingsmead')])).body).toEqual([]);
	const entry = (await api(server, 'GET', '/trust/school:kingsmead?revs=true', { user: 'admin' }))
		.body as unknown as Json & { _rev: string; _revisions: { start: number; ids: string[] } };
	const next = `${entry._revisions.start + 1}-${'b'.repeat(32)}`;
	const replicated = await api(server, 'POST', '/trust/_bulk_docs', {
		user: 'admin',
		body: {
			new_edits: false,
			docs: [
				{
					...entry,
					_rev: next,
					_revisions: {
						start: entry._revisions.start + 1,
						ids: ['b'.repeat(32), ...entry._revisions.ids]
					},
					closed: { on: '2026-11-25', reason: 'Left the trust', by: 'admin', at: NOW }
				}
			]
		}
	});
	expect(replicated.body).toEqual([]);
	const step = nextStep('kingsmead');
	expect((await push('kingsmead', [step])).body).toEqual([
		{ id: step._id, error: 'forbidden', reason: CLOSED }
	]);
});
