import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, PASSWORD, startServer, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.stop();
});

async function signIn(name: string, password = PASSWORD) {
	const r = await fetch(`${server.api}/_session`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ name, password })
	});
	expect(r.status).toBe(200);
	return r.headers.get('set-cookie')!.split(';')[0]!;
}

const readWith = (cookie: string) =>
	api(server, 'GET', '/school-oakfield/_all_docs', { headers: { Cookie: cookie } }).then(
		(r) => r.status
	);

const formPost = (headers: Record<string, string>) =>
	fetch(`${server.api}/_session`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
		body: `name=sil&password=${PASSWORD}`
	}).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

describe('signing out', () => {
	test('a copy of the cookie stops working at sign-out, also after a restart; other sessions carry on', async () => {
		const cookie = await signIn('head.oakfield');
		const otherDevice = await signIn('head.oakfield');
		expect(await readWith(cookie)).toBe(200);
		const out = await api(server, 'DELETE', '/_session', { headers: { Cookie: cookie } });
		expect(out.status).toBe(200);
		// Someone who copied the cookie before sign-out (the browser forgets it; they do not).
		expect(await readWith(cookie)).toBe(401);
		const who = await api(server, 'GET', '/_session', { headers: { Cookie: cookie } });
		expect(who.body.userCtx).toEqual({ name: null, roles: [] });
		expect(await readWith(otherDevice)).toBe(200);

		await server.stop();
		server = await server.restart();
		expect(await readWith(cookie)).toBe(401);
		expect(await readWith(otherDevice)).toBe(200);
	});

	test('a password change ends the sessions signed in with the old one', async () => {
		const cookie = await signIn('ceo');
		const doc = await api(server, 'GET', '/_users/org.couchdb.user:ceo', { user: 'ceo' });
		const changed = await api(server, 'PUT', '/_users/org.couchdb.user:ceo', {
			user: 'ceo',
			body: { ...doc.body, password: 'a-new-password-2' }
		});
		expect(changed.status).toBe(201);
		expect(await readWith(cookie)).toBe(401);
		expect(await readWith(await signIn('ceo', 'a-new-password-2'))).toBe(200);
	});
});

describe('signing in from another site (login CSRF)', () => {
	test('a form posted from another site is refused; JSON, scripts and our own pages sign in', async () => {
		const foreign = await formPost({ Origin: 'https://evil.example' });
		expect(foreign.status).toBe(403);
		expect(foreign.body).toEqual({
			error: 'forbidden',
			reason: 'Sign-in from another site is refused: send the name and password as JSON.'
		});
		expect((await formPost({ Origin: 'null' })).status).toBe(403);
		expect((await formPost({})).status).toBe(200); // curl, a script: no Origin
		const own = new URL(server.url);
		expect((await formPost({ Origin: own.origin })).status).toBe(200);
	});
});
