import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, CLI, NODE, PASSWORD, startServer, TEST_ENV, type Server } from './helpers.ts';

const exec = promisify(execFile);

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.stop();
});

async function postSession(query: string, name: string, password: string) {
	const r = await fetch(`${server.api}/_session${query}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ name, password })
	});
	return {
		status: r.status,
		cookie: r.headers.get('set-cookie'),
		body: (await r.json()) as Record<string, unknown>
	};
}

describe('a wrong password is an answer, not an error, when the app asks for it so', () => {
	test('?refusal=200 answers a refusal with 200, CouchDB’s words and no cookie', async () => {
		const wrong = await postSession('?refusal=200', 'sil', 'not-the-password');
		expect(wrong).toMatchObject({
			status: 200,
			cookie: null,
			body: { ok: false, error: 'unauthorized', reason: 'Name or password is incorrect.' }
		});
		const unknown = await postSession('?refusal=200', 'nobody', 'not-the-password');
		expect(unknown.body).toMatchObject({ ok: false, error: 'unauthorized' });
	});

	test('the right password still signs in, and without the parameter a refusal is a 401', async () => {
		const right = await postSession('?refusal=200', 'sil', PASSWORD);
		expect(right.status).toBe(200);
		expect(right.body).toMatchObject({ ok: true, name: 'sil' });
		expect(right.cookie).toMatch(/^AuthSession=/);
		const plain = await postSession('', 'sil', 'not-the-password');
		expect(plain.status).toBe(401);
		expect(plain.body).toMatchObject({ error: 'unauthorized' });
	});
});

describe('the trust’s list of people', () => {
	test('every member reads full names by user name, the schools each SIL supports, and nothing else of the accounts', async () => {
		const { status, body } = await api(server, 'GET', '/trust/people', { user: 'head.oakfield' });
		expect(status).toBe(200);
		expect(body.type).toBe('people');
		const people = body.people as unknown as Record<string, unknown>[];
		const sil = people.find((p) => p.name === 'sil');
		expect(sil).toMatchObject({ name: 'sil', fullName: 'James Whitfield' });
		expect(sil?.supports).toContain('oakfield');
		expect(sil?.supports).not.toContain('millbrook');
		expect(people).toContainEqual({
			name: 'head.oakfield',
			fullName: 'Sarah Thompson',
			leads: ['oakfield']
		});
		// No roles, passwords or anything else of the accounts; a SIL carries the schools they
		// support, a head those they lead (which each school's details name anyway).
		for (const p of people) {
			const name = String(p.name);
			const schools = name === 'sil' ? ['supports'] : name.startsWith('head.') ? ['leads'] : [];
			expect(Object.keys(p).sort()).toEqual(['fullName', 'name', ...schools].sort());
		}
	});

	test('says no school has a SIL once the last SIL’s account is removed', async () => {
		const other = await startServer();
		try {
			const before = await api(other, 'GET', '/trust/people', { user: 'ceo' });
			const sils = (before.body.people as unknown as { name: string; supports?: string[] }[])
				.filter((p) => p.supports)
				.map((p) => p.name);
			expect(sils.length).toBeGreaterThan(0);
			for (const name of sils) {
				const path = `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;
				const { body } = await api(other, 'GET', path, { user: 'admin' });
				const gone = await api(other, 'DELETE', `${path}?rev=${String(body._rev)}`, {
					user: 'admin'
				});
				expect(gone.status).toBe(200);
			}
			const { body } = await api(other, 'GET', '/trust/people', { user: 'ceo' });
			const people = body.people as unknown as { supports?: string[] }[];
			// The list still says it names every SIL's schools, and now names none: the CEO's dashboard
			// flags every school (`silsBySchool`), rather than reading "the list does not say".
			expect(body.silsListed).toBe(true);
			expect(people.some((p) => p.supports)).toBe(false);
			expect(people.length).toBeGreaterThan(0);
		} finally {
			await other.stop();
		}
	});

	test('only an administrator changes it', async () => {
		const { body } = await api(server, 'GET', '/trust/people', { user: 'sil' });
		const forged = await api(server, 'PUT', '/trust/people', {
			user: 'sil',
			body: { ...body, people: [{ name: 'sil', fullName: 'Somebody Else' }] }
		});
		expect(forged.status).toBe(403);
	});

	test('an administrator gives a visitor a title, which the list carries; they cannot change it themselves', async () => {
		const id = '/_users/org.couchdb.user:lp.title';
		const account = {
			_id: 'org.couchdb.user:lp.title',
			type: 'user',
			name: 'lp.title',
			fullName: 'Priya Shah',
			roles: ['sil', 'school:hawthorn'],
			password: 'lp-title-password'
		};
		const unknown = await api(server, 'PUT', id, {
			user: 'admin',
			body: { ...account, title: 'inspector' }
		});
		expect(unknown.status).toBe(403);
		const made = await api(server, 'PUT', id, {
			user: 'admin',
			body: { ...account, title: 'lead-practitioner' }
		});
		expect(made.status).toBe(201);
		const people = async () =>
			(await api(server, 'GET', '/trust/people', { user: 'sil' })).body.people;
		expect(await people()).toContainEqual({
			name: 'lp.title',
			fullName: 'Priya Shah',
			supports: ['hawthorn'],
			title: 'lead-practitioner'
		});
		// The visitor's own account: a title is the administrator's to give, as a role is.
		const own = await api(server, 'GET', id, { user: 'lp.title', password: account.password });
		const self = await api(server, 'PUT', id, {
			user: 'lp.title',
			password: account.password,
			body: { ...own.body, title: 'school-improvement-adviser' }
		});
		expect(self.status).toBe(403);
		// Taken away: a school improvement lead again, and the list says no title.
		const again = await api(server, 'GET', id, { user: 'admin' });
		const rest = { ...(again.body as Record<string, unknown>) };
		delete rest.title;
		expect((await api(server, 'PUT', id, { user: 'admin', body: rest })).status).toBe(201);
		expect(await people()).toContainEqual({
			name: 'lp.title',
			fullName: 'Priya Shah',
			supports: ['hawthorn']
		});
	});

	test('an account made on the command line is added to it', async () => {
		const other = await startServer();
		await other.stop();
		await exec(
			NODE,
			[
				CLI,
				'create-user',
				'sil2',
				'--roles',
				'sil,school:hawthorn',
				'--full-name',
				'Amira Patel',
				'--password',
				'sil2-password'
			],
			{ env: { ...process.env, ...TEST_ENV, DATA_DIR: other.dataDir } }
		);
		const again = await other.restart();
		try {
			const { body } = await api(again, 'GET', '/trust/people', { user: 'sil' });
			expect(body.people).toContainEqual({
				name: 'sil2',
				fullName: 'Amira Patel',
				supports: ['hawthorn']
			});
		} finally {
			await again.stop();
		}
	});
});
