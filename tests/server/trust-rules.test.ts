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
		// The head changes a figure and nothing else (the booklet keeps its snapshots, which only
		// the SIL keeps).
		const edited = {
			...(current.body as Record<string, unknown>),
			cells: { 'ks2-rwm-expected:all:end-of-year': { cohort: 30, count: 21 } },
			updatedAt: '2026-11-23T10:00:00.000Z',
			updatedBy: 'head.oakfield'
		};
		const refused = await api(server, 'PUT', '/school-oakfield/attainment:2026-27', {
			user: 'head.oakfield',
			body: edited
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
			body: edited
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
		// The copies sent to the school's governors too: a head sends them (made with the school).
		expect((all.body.results as { db_name: string }[]).map((r) => r.db_name).sort()).toEqual([
			'governors-st-aidans',
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

/** The demo school's visits in `status`, written by the SIL. */
async function visitIn(
	status: string
): Promise<Record<string, unknown> & { _id: string; _rev: string }> {
	const all = await api(server, 'GET', '/school-oakfield/_all_docs?include_docs=true', {
		user: 'sil'
	});
	const docs = (all.body.rows as { doc: Record<string, unknown> }[]).map((r) => r.doc);
	const found = docs.find((d) => d.type === 'visit' && d.status === status && d.visitor === 'sil');
	if (!found) throw new Error(`the demo school has no ${status} visit`);
	return found as Record<string, unknown> & { _id: string; _rev: string };
}

const put = (user: string, doc: Record<string, unknown> & { _id: string }) =>
	api(server, 'PUT', `/school-oakfield/${encodeURIComponent(doc._id)}`, { user, body: doc });

describe('who did what is written only by that person', () => {
	it('refuses a SIL forging the head’s confirmation, or changing the visitor', async () => {
		const shared = await visitIn('shared');
		const forged = await put('sil', {
			...shared,
			confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00.000Z', comment: 'I agree' }
		});
		expect(forged.status).toBe(403);
		expect(forged.body.reason).toBe('Only the headteacher confirms a record.');
		const moved = await put('sil', { ...shared, visitor: 'head.oakfield' });
		expect(moved.status).toBe(403);
		expect(moved.body.reason).toBe('The visitor of a record cannot be changed.');
		// The head confirms it themselves.
		const confirmed = await put('head.oakfield', {
			...shared,
			status: 'confirmed',
			confirmation: { by: 'head.oakfield', at: '2026-11-21T09:00:00.000Z', comment: 'Agreed' },
			edit: { by: 'head.oakfield', device: 'Phone', at: '2026-11-21T09:00:00.000Z' }
		});
		expect(confirmed.status).toBe(201);
	});

	it('refuses a SIL changing who recorded a next step', async () => {
		const all = await api(server, 'GET', '/school-oakfield/_all_docs?include_docs=true', {
			user: 'sil'
		});
		const step = (all.body.rows as { doc: Record<string, unknown> & { _id: string } }[])
			.map((r) => r.doc)
			.find((d) => d.type === 'next-step')!;
		const r = await put('sil', { ...step, createdBy: 'head.oakfield' });
		expect(r.status).toBe(403);
		expect(r.body.reason).toBe('Who recorded a next step, and when, cannot be changed.');
	});

	it('keeps a confirmed record’s photos as they were, addendum or not', async () => {
		const confirmed = await visitIn('confirmed');
		const addenda = [
			...(confirmed.addenda as unknown[]),
			{ by: 'sil', at: '2026-11-25T10:00:00.000Z', text: 'Photo of the board added.' }
		];
		const photo = {
			'board.jpg': { content_type: 'image/jpeg', data: Buffer.from('a photo').toString('base64') }
		};
		const withPhoto = await put('sil', { ...confirmed, addenda, _attachments: photo });
		expect(withPhoto.status).toBe(403);
		const replicated = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			user: 'sil',
			body: {
				new_edits: false,
				docs: [
					{
						...confirmed,
						addenda,
						_attachments: photo,
						_rev: `${parseInt(confirmed._rev, 10) + 1}-${'c'.repeat(32)}`,
						_revisions: {
							start: parseInt(confirmed._rev, 10) + 1,
							ids: ['c'.repeat(32), confirmed._rev.split('-')[1]]
						}
					}
				]
			}
		});
		expect(replicated.body).toMatchObject([{ error: 'forbidden' }]);
		const attachment = await api(
			server,
			'PUT',
			`/school-oakfield/${encodeURIComponent(confirmed._id)}/board.jpg?rev=${confirmed._rev}`,
			{ user: 'sil', raw: 'a photo', headers: { 'Content-Type': 'image/jpeg' } }
		);
		expect(attachment.status).toBe(403);
		// The addendum alone is accepted.
		expect((await put('sil', { ...confirmed, addenda })).status).toBe(201);
	});
});
