import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PASSWORD, startServer, type Server } from './helpers.ts';

// Three failures lock an account from one address; nine over all addresses lock it for everyone.
let server: Server;
beforeAll(async () => {
	server = await startServer({
		env: {
			TRUST_PROXY: 'true',
			LOGIN_MAX_FAILURES: '3',
			LOGIN_MAX_FAILURES_PER_ACCOUNT: '9',
			LOG_LEVEL: 'warn'
		}
	});
});
afterAll(async () => {
	await server.stop();
});

async function signIn(name: string, password: string, address: string) {
	const r = await fetch(`${server.api}/_session`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
		body: JSON.stringify({ name, password })
	});
	return {
		status: r.status,
		cookie: r.headers.get('set-cookie')?.split(';')[0] ?? '',
		body: (await r.json()) as { error?: string; reason?: string }
	};
}

function basicRead(name: string, address: string) {
	return fetch(`${server.api}/school-oakfield/_all_docs`, {
		headers: {
			'X-Forwarded-For': address,
			Authorization: 'Basic ' + Buffer.from(`${name}:${PASSWORD}`).toString('base64')
		}
	}).then((r) => r.status);
}

describe('failed sign-ins', () => {
	test("a school's devices signing in at once behind one address all get in", async () => {
		const all = await Promise.all(
			Array.from({ length: 30 }, () => signIn('head.st-aidans', PASSWORD, '10.5.5.5'))
		);
		expect(all.map((r) => r.status)).toEqual(all.map(() => 200));
	});

	test('a guesser at one address is stopped there, and the owner elsewhere carries on syncing', async () => {
		for (let i = 0; i < 3; i++)
			expect((await signIn('head.oakfield', `guess-${i}`, '10.1.1.1')).status).toBe(401);
		const guesser = await signIn('head.oakfield', PASSWORD, '10.1.1.1');
		expect(guesser.status).toBe(429);
		expect(guesser.body.reason).toContain('this account from this address');
		// The owner's device at school syncs with Basic auth, and signs in afresh, as usual.
		expect(await basicRead('head.oakfield', '10.2.2.2')).toBe(200);
		expect((await signIn('head.oakfield', PASSWORD, '10.2.2.2')).status).toBe(200);
	});

	test('a spread attack from many addresses locks the account for everyone, and says so in the log', async () => {
		const owner = await signIn('sil', PASSWORD, '10.3.0.1');
		expect(owner.status).toBe(200);
		for (const address of ['10.4.0.1', '10.4.0.2', '10.4.0.3'])
			for (let i = 0; i < 3; i++)
				expect((await signIn('sil', `guess-${i}`, address)).status).toBe(401);
		const locked = await signIn('sil', PASSWORD, '10.3.0.2');
		expect(locked.status).toBe(429);
		expect(locked.body.reason).toBe(
			'Too many failed sign-in attempts for this account. Try again in 15 minute(s).'
		);
		expect(await basicRead('sil', '10.3.0.3')).toBe(429);
		const log = server
			.output()
			.split('\n')
			.filter((l) => l.includes('account locked'))
			.map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(log).toEqual([
			expect.objectContaining({ level: 'warn', user: 'sil', failures: 9, addresses: 3 })
		]);
		// A session signed in before the attack is not a password check: it carries on.
		const read = await fetch(`${server.api}/school-oakfield/_all_docs`, {
			headers: { Cookie: owner.cookie }
		});
		expect(read.status).toBe(200);
	});
});
