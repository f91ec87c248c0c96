import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	api,
	nextStep,
	PASSWORD,
	progressUpdate,
	sleep,
	startServer,
	type Server
} from './helpers.ts';

let server: Server;
let short: Server;
let expiredCookie: string;

async function signIn(
	s: Server,
	name: string,
	password = PASSWORD,
	headers: Record<string, string> = {}
) {
	const r = await fetch(`${s.api}/_session`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify({ name, password })
	});
	return {
		status: r.status,
		cookie: r.headers.get('set-cookie') ?? '',
		body: (await r.json()) as Record<string, unknown>
	};
}
const cookieValue = (setCookie: string) => setCookie.split(';')[0]!;

beforeAll(async () => {
	[server, short] = await Promise.all([
		startServer(),
		startServer({ env: { SESSION_TIMEOUT: '2', LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' } })
	]);
	const s = await signIn(short, 'head.oakfield');
	expiredCookie = cookieValue(s.cookie);
	await sleep(2200);
});
afterAll(async () => {
	await Promise.all([server.stop(), short.stop()]);
});

type Who = 'anonymous' | 'expired' | 'sil' | 'head.oakfield' | 'ceo' | 'admin';
const WHO: Who[] = ['anonymous', 'expired', 'sil', 'head.oakfield', 'ceo', 'admin'];

// Oakfield is everyone's "own" school; the SIL and the head are not assigned to Millbrook.
const EXPECTED: Record<Who, Record<string, number>> = {
	anonymous: {
		trustR: 401,
		trustW: 401,
		ownR: 401,
		ownW: 401,
		otherR: 401,
		otherW: 401,
		usersR: 401,
		usersW: 401
	},
	expired: {
		trustR: 401,
		trustW: 401,
		ownR: 401,
		ownW: 401,
		otherR: 401,
		otherW: 401,
		usersR: 401,
		usersW: 401
	},
	sil: {
		trustR: 200,
		trustW: 403,
		ownR: 200,
		ownW: 201,
		otherR: 403,
		otherW: 403,
		usersR: 403,
		usersW: 403
	},
	'head.oakfield': {
		trustR: 200,
		trustW: 403,
		ownR: 200,
		ownW: 201,
		otherR: 403,
		otherW: 403,
		usersR: 403,
		usersW: 403
	},
	ceo: {
		trustR: 200,
		trustW: 403,
		ownR: 200,
		ownW: 201,
		otherR: 200,
		otherW: 201,
		usersR: 403,
		usersW: 403
	},
	admin: {
		trustR: 200,
		trustW: 201,
		ownR: 200,
		ownW: 201,
		otherR: 200,
		otherW: 201,
		usersR: 200,
		usersW: 201
	}
};

describe('authorisation matrix', () => {
	for (const who of WHO) {
		test(`${who}: every kind of database, read and write`, async () => {
			const target = who === 'expired' ? short : server;
			const auth =
				who === 'anonymous'
					? {}
					: who === 'expired'
						? { headers: { Cookie: expiredCookie } }
						: { user: who };
			const name = who === 'expired' ? 'head.oakfield' : who;
			const got: Record<string, number> = {};
			got.trustR = (await api(target, 'GET', '/trust/_all_docs', auth)).status;
			got.trustW = (
				await api(target, 'POST', '/trust', {
					...auth,
					body: {
						_id: `school:new-${name.replace('.', '-')}`,
						schemaVersion: 1,
						type: 'school',
						id: `new-${name.replace('.', '-')}`,
						name: 'New Primary School',
						phase: 'primary',
						category: '2a',
						strand: 'preventative'
					}
				})
			).status;
			got.ownR = (
				await api(target, 'GET', '/school-oakfield/_changes?style=all_docs', auth)
			).status;
			got.ownW = (
				await api(target, 'POST', '/school-oakfield', {
					...auth,
					body: progressUpdate('oakfield', name)
				})
			).status;
			got.otherR = (await api(target, 'GET', '/school-millbrook', auth)).status;
			got.otherW = (
				await api(target, 'POST', '/school-millbrook/_bulk_docs', {
					...auth,
					body: { docs: [progressUpdate('millbrook', name)] }
				})
			).status;
			got.usersR = (await api(target, 'GET', '/_users/_all_docs', auth)).status;
			got.usersW = (
				await api(target, 'PUT', `/_users/org.couchdb.user:made-by-${name}`, {
					...auth,
					body: {
						type: 'user',
						name: `made-by-${name}`,
						roles: ['sil'],
						password: 'a-long-password'
					}
				})
			).status;
			// _bulk_docs answers 201 with per-document results: count a refusal inside as 403.
			if (got.otherW === 201) {
				const r = await api(target, 'POST', '/school-millbrook/_bulk_docs', {
					...auth,
					body: { docs: [progressUpdate('millbrook', name)] }
				});
				if ((r.body as unknown as { error?: string }[])[0]?.error) got.otherW = 403;
			}
			expect(got).toEqual(EXPECTED[who]);
		});
	}

	test('refusals carry a reason the app can show', async () => {
		const r = await api(server, 'POST', '/school-oakfield', {
			user: 'head.oakfield',
			body: nextStep('oakfield', 'head.oakfield')
		});
		expect(r.status).toBe(403);
		expect(r.body).toEqual({
			error: 'forbidden',
			reason: 'Only the visitor records agreed next steps.'
		});
		const bulk = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
			user: 'head.oakfield',
			body: { docs: [nextStep('oakfield', 'head.oakfield')] }
		});
		expect(bulk.status).toBe(201);
		expect(bulk.body[0]).toMatchObject({
			error: 'forbidden',
			reason: 'Only the visitor records agreed next steps.'
		});
	});

	test("a person reads their own account without password fields, and no one else's", async () => {
		const own = await api(server, 'GET', '/_users/org.couchdb.user:head.oakfield', {
			user: 'head.oakfield'
		});
		expect(own.status).toBe(200);
		expect(own.body).toMatchObject({
			name: 'head.oakfield',
			fullName: 'Sarah Thompson',
			roles: ['head', 'school:oakfield']
		});
		for (const f of ['derived_key', 'salt', 'iterations', 'password_scheme'])
			expect(own.body).not.toHaveProperty(f);
		const other = await api(server, 'GET', '/_users/org.couchdb.user:sil', {
			user: 'head.oakfield'
		});
		expect(other.status).toBe(403);
		const asAdmin = await api(server, 'GET', '/_users/org.couchdb.user:sil', { user: 'admin' });
		expect(asAdmin.body.password_scheme).toBe('pbkdf2');
		expect(asAdmin.body.pbkdf2_prf).toBe('sha256');
	});

	test('a head cannot give themselves another school', async () => {
		const own = await api(server, 'GET', '/_users/org.couchdb.user:head.oakfield', {
			user: 'head.oakfield'
		});
		const r = await api(server, 'PUT', '/_users/org.couchdb.user:head.oakfield', {
			user: 'head.oakfield',
			body: { ...own.body, roles: ['head', 'school:oakfield', 'school:millbrook'] }
		});
		expect(r.status).toBe(403);
	});

	test('a megabyte of roles sent to your own account is refused at once, not searched', async () => {
		const own = await api(server, 'GET', '/_users/org.couchdb.user:head.oakfield', {
			user: 'head.oakfield'
		});
		// 30,000 schools led, each held too, with `head` last: checked each against the whole list,
		// that was billions of comparisons before an answer.
		const ids = Array.from({ length: 30_000 }, (_, i) => `s${i}`);
		const roles = [...ids.map((id) => `head:${id}`), ...ids.map((id) => `school:${id}`), 'head'];
		const t0 = performance.now();
		const r = await api(server, 'PUT', '/_users/org.couchdb.user:head.oakfield', {
			user: 'head.oakfield',
			body: { ...own.body, roles }
		});
		expect(r.status).toBe(403);
		expect(r.body.reason).toBe('An account holds at most 1000 roles.');
		expect(performance.now() - t0).toBeLessThan(2000);
		expect((await api(server, 'GET', '/_up')).status).toBe(200);
	});

	test('wrong Basic credentials are a 401', async () => {
		const r = await api(server, 'GET', '/school-oakfield', {
			user: 'sil',
			password: 'wrong-password'
		});
		expect(r.status).toBe(401);
		expect(r.body.error).toBe('unauthorized');
	});
});

describe('sessions', () => {
	test('sign in sets an HttpOnly SameSite cookie that GET /_session recognises; DELETE ends it', async () => {
		const s = await signIn(server, 'ceo');
		expect(s.status).toBe(200);
		expect(s.body).toEqual({ ok: true, name: 'ceo', roles: ['ceo'] });
		expect(s.cookie).toMatch(/^AuthSession=[^;]+;/);
		expect(s.cookie).toContain('HttpOnly');
		expect(s.cookie).toContain('SameSite=Lax');
		expect(s.cookie).not.toContain('Secure');
		const who = await api(server, 'GET', '/_session', {
			headers: { Cookie: cookieValue(s.cookie) }
		});
		expect(who.body).toEqual({
			ok: true,
			userCtx: { name: 'ceo', roles: ['ceo'] },
			info: {
				authenticated: 'cookie',
				authentication_db: '_users',
				authentication_handlers: ['cookie', 'default']
			}
		});
		const out = await api(server, 'DELETE', '/_session', {
			headers: { Cookie: cookieValue(s.cookie) }
		});
		expect(out.headers.get('set-cookie')).toMatch(/^AuthSession=;.*Max-Age=0/);
		const anon = await api(server, 'GET', '/_session');
		expect(anon.body.userCtx).toEqual({ name: null, roles: [] });
	});

	test('behind TLS the cookie is Secure; a form post works too', async () => {
		const s = await signIn(server, 'sil', PASSWORD, { 'X-Forwarded-Proto': 'https' });
		expect(s.cookie).toContain('Secure');
		const form = await fetch(`${server.api}/_session`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: `name=sil&password=${PASSWORD}`
		});
		expect(form.status).toBe(200);
	});

	test('an expired session is no session', async () => {
		const r = await api(short, 'GET', '/_session', { headers: { Cookie: expiredCookie } });
		expect(r.body.userCtx).toEqual({ name: null, roles: [] });
	});

	test('a live session is re-issued as it is used (sliding expiry)', async () => {
		const s = await signIn(short, 'sil');
		await sleep(400); // more than a tenth of the 2 s lifetime
		const r = await api(short, 'GET', '/school-oakfield', {
			headers: { Cookie: cookieValue(s.cookie) }
		});
		expect(r.status).toBe(200);
		expect(r.headers.get('set-cookie')).toMatch(/^AuthSession=/);
	});

	test('failed sign-ins are limited per account (429 with a reason), other accounts unaffected', async () => {
		for (let i = 0; i < 3; i++)
			expect((await signIn(short, 'ceo', 'not-the-password')).status).toBe(401);
		const blocked = await signIn(short, 'ceo');
		expect(blocked.status).toBe(429);
		expect(blocked.body.error).toBe('too_many_requests');
		expect(String(blocked.body.reason)).toContain('Too many failed sign-in attempts');
		expect((await signIn(short, 'admin')).status).toBe(200);
	});
});
