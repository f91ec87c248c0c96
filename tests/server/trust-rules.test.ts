import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.stop();
});

const booklet = (rev?: string) => ({
	_id: 'attainment:2026-27',
	...(rev ? { _rev: rev } : {}),
	schemaVersion: 1,
	type: 'attainment-booklet',
	schoolId: 'oakfield',
	year: '2026-27',
	cells: { 'ks2-rwm-expected:all:end-of-year': { cohort: 30, count: 21 } },
	nationals: {},
	updatedAt: '2026-11-23T10:00:00.000Z',
	updatedBy: 'head.oakfield'
});

describe('trust settings in the rules', () => {
	it('lets heads enter attainment figures only once the trust allows it', async () => {
		// The demo trust has this year's booklet already: the head edits its latest revision.
		const current = await api(server, 'GET', '/school-oakfield/attainment:2026-27', {
			user: 'head.oakfield'
		});
		const rev = String(current.body._rev);
		const refused = await api(server, 'PUT', '/school-oakfield/attainment:2026-27', {
			user: 'head.oakfield',
			body: booklet(rev)
		});
		expect(refused.status).toBe(403);
		expect(refused.body).toEqual({
			error: 'forbidden',
			reason: 'The trust has not asked headteachers to enter figures: send them to your SIL.'
		});

		const settings = await api(server, 'GET', '/trust/settings', { user: 'admin' });
		const allowed = { ...settings.body, headsMayEnterFigures: true };
		expect(
			(await api(server, 'PUT', '/trust/settings', { user: 'admin', body: allowed })).status
		).toBe(201);
		const saved = await api(server, 'PUT', '/school-oakfield/attainment:2026-27', {
			user: 'head.oakfield',
			body: booklet(rev)
		});
		expect(saved.status).toBe(201);
	});
});

/**
 * Starts a long-poll of `_db_updates` from now, as a device of `user` holds one; `answer` is what
 * it ends with. `since` is fixed before this returns, so later writes count.
 */
async function watchUpdates(user: string) {
	const start = await api(server, 'GET', '/_db_updates?since=now', { user });
	expect(start.status).toBe(200);
	const since = encodeURIComponent(String(start.body.last_seq));
	const path = `/_db_updates?feed=longpoll&timeout=10000&since=${since}`;
	return { answer: api(server, 'GET', path, { user }) };
}

describe('_db_updates', () => {
	it('tells a person which of their databases changed, and nothing about others', async () => {
		const { answer: waiting } = await watchUpdates('head.st-aidans');
		// A change in another school wakes nothing; one in their own school does.
		const other = await api(server, 'GET', '/school-oakfield/attainment:2026-27', {
			user: 'admin'
		});
		await api(server, 'PUT', '/school-oakfield/attainment:2026-27', {
			user: 'admin',
			body: { ...booklet(String(other.body._rev)), updatedBy: 'admin' }
		});
		const theirs = await api(server, 'GET', '/school-st-aidans/attainment:2026-27', {
			user: 'admin'
		});
		await api(server, 'PUT', '/school-st-aidans/attainment:2026-27', {
			user: 'admin',
			body: { ...booklet(String(theirs.body._rev)), schoolId: 'st-aidans', updatedBy: 'admin' }
		});
		const woke = await waiting;
		expect(woke.status).toBe(200);
		expect(woke.body.results).toEqual([{ db_name: 'school-st-aidans', type: 'updated' }]);

		const all = await api(server, 'GET', '/_db_updates', { user: 'head.st-aidans' });
		expect((all.body.results as { db_name: string }[]).map((r) => r.db_name).sort()).toEqual([
			'school-st-aidans',
			'trust'
		]);
		expect((await api(server, 'GET', '/_db_updates')).status).toBe(401);
	});

	it('wakes nobody for a device saving its replication checkpoint', async () => {
		const { answer: waiting } = await watchUpdates('head.st-aidans');
		// Another device of the school saves where its sync got to: not a change to the school.
		const saved = await api(server, 'PUT', '/school-st-aidans/_local/replication-checkpoint', {
			user: 'head.st-aidans',
			body: { last_seq: 42, session_id: 'a-device' }
		});
		expect(saved.status).toBe(201);
		const settings = await api(server, 'GET', '/trust/settings', { user: 'admin' });
		await api(server, 'PUT', '/trust/settings', { user: 'admin', body: settings.body });
		const woke = await waiting;
		expect(woke.body.results).toEqual([{ db_name: 'trust', type: 'updated' }]);
	});
});
