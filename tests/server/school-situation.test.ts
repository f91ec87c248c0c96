import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.stop();
});

const NOW = '2026-11-25T10:00:00.000Z';

async function schoolDoc(id: string) {
	const r = await api(server, 'GET', `/trust/school:${id}`, { user: 'admin' });
	expect(r.status).toBe(200);
	return r.body as unknown as Record<string, unknown> & { _rev: string };
}

describe('a school’s situation is the administrator’s to change', () => {
	it('refuses the SIL, the CEO and the head a change of category, and takes the admin’s', async () => {
		const current = await schoolDoc('oakfield');
		const recategorised = {
			...current,
			category: '3',
			strand: 'corrective',
			carterStage: 'stabilise',
			history: [
				{
					id: 'c1',
					on: '2026-11-20',
					from: { category: current.category, strand: current.strand },
					to: { category: '3', strand: 'corrective', carterStage: 'stabilise' },
					reason: 'Results fell sharply; the trust board agreed targeted support.',
					by: 'admin',
					at: NOW
				}
			]
		};
		for (const user of ['sil', 'ceo', 'head.oakfield']) {
			const r = await api(server, 'PUT', '/trust/school:oakfield', { user, body: recategorised });
			expect(r.status, user).toBe(403);
			expect(r.body).toEqual({
				error: 'forbidden',
				reason: 'Only a trust administrator may change trust settings.'
			});
		}
		const saved = await api(server, 'PUT', '/trust/school:oakfield', {
			user: 'admin',
			body: recategorised
		});
		expect(saved.status).toBe(201);
		const now = await schoolDoc('oakfield');
		expect(now.category).toBe('3');
		expect((now.history as unknown[]).length).toBe(1);
	});

	it('refuses a change with no reason, as a bad document', async () => {
		const current = await schoolDoc('hawthorn');
		const r = await api(server, 'PUT', '/trust/school:hawthorn', {
			user: 'admin',
			body: {
				...current,
				history: [
					{
						id: 'c1',
						on: '2026-11-20',
						from: { category: current.category, strand: current.strand },
						to: { category: '1', strand: 'preventative' },
						reason: ' ',
						by: 'admin',
						at: NOW
					}
				]
			}
		});
		expect(r.status).toBe(403);
		expect(String(r.body.reason)).toContain('say why the situation changed');
	});
});

describe('adding and closing a school', () => {
	it('lets only the administrator add a school’s database and registry entry', async () => {
		expect((await api(server, 'PUT', '/school-elmtree', { user: 'sil' })).status).toBe(403);
		expect((await api(server, 'PUT', '/school-elmtree', { user: 'admin' })).status).toBe(201);
		const school = {
			_id: 'school:elmtree',
			schemaVersion: 1,
			type: 'school',
			id: 'elmtree',
			name: 'Elm Tree Primary School',
			phase: 'primary',
			category: '2b',
			strand: 'preventative'
		};
		expect(
			(await api(server, 'PUT', '/trust/school:elmtree', { user: 'ceo', body: school })).status
		).toBe(403);
		expect(
			(await api(server, 'PUT', '/trust/school:elmtree', { user: 'admin', body: school })).status
		).toBe(201);
	});

	it('keeps a closed school’s records and refuses every change to them but the admin’s', async () => {
		const current = await schoolDoc('ashcombe');
		const step = {
			_id: 'next-step:2026-27:closing-test',
			schemaVersion: 1,
			type: 'next-step',
			schoolId: 'ashcombe',
			year: '2026-27',
			action: 'Share the reading audit with governors',
			owner: 'Headteacher',
			dueTerm: 3,
			successCriteria: 'Governors have discussed it',
			createdBy: 'sil',
			createdAt: NOW
		};
		// Open, the SIL may record a next step.
		const open = await api(server, 'PUT', `/school-ashcombe/${step._id}`, {
			user: 'sil',
			body: step
		});
		expect(open.status).toBe(201);

		const closed = await api(server, 'PUT', '/trust/school:ashcombe', {
			user: 'admin',
			body: {
				...current,
				closed: { on: '2026-11-24', reason: 'Joined another trust', by: 'admin', at: NOW }
			}
		});
		expect(closed.status).toBe(201);

		const edit = await api(server, 'PUT', `/school-ashcombe/${step._id}`, {
			user: 'sil',
			body: { ...step, _rev: open.body.rev, action: 'Changed after closing' }
		});
		expect(edit.status).toBe(403);
		expect(edit.body).toEqual({
			error: 'forbidden',
			reason: 'This school has closed: its records are kept read-only.'
		});
		const removal = await api(
			server,
			'DELETE',
			`/school-ashcombe/${step._id}?rev=${String(open.body.rev)}`,
			{
				user: 'sil'
			}
		);
		expect(removal.status).toBe(403);
		// Still readable by those who could read it.
		const read = await api(server, 'GET', `/school-ashcombe/${step._id}`, { user: 'sil' });
		expect(read.status).toBe(200);
		expect(read.body.action).toBe('Share the reading audit with governors');
		// Other schools are unaffected.
		const other = await api(server, 'PUT', '/school-oakfield/next-step:2026-27:still-open', {
			user: 'sil',
			body: { ...step, _id: 'next-step:2026-27:still-open', schoolId: 'oakfield' }
		});
		expect(other.status).toBe(201);
	});
});
