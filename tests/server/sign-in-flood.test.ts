import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PASSWORD, startServer, type Server } from './helpers.ts';

// Real password hashing (600,000 PBKDF2 rounds, the production figure): the flood is only a threat
// when each check is expensive.
let server: Server;

beforeAll(async () => {
	server = await startServer({ env: { PBKDF2_ITERATIONS: '600000', TRUST_PROXY: 'true' } });
});
afterAll(async () => {
	await server.stop();
});

function signIn(name: string, password: string, address: string) {
	return fetch(`${server.api}/_session`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
		body: JSON.stringify({ name, password })
	});
}

describe('a flood of sign-ins', () => {
	test('200 parallel wrong passwords are mostly refused unchecked, and the owner keeps reading', async () => {
		const owner = await signIn('head.oakfield', PASSWORD, '10.0.0.1');
		expect(owner.status).toBe(200);
		const cookie = owner.headers.get('set-cookie')!.split(';')[0]!;

		const flood = Promise.all(
			Array.from({ length: 200 }, (_, i) =>
				signIn('head.oakfield', `wrong-password-${i}`, '10.6.6.6').then(async (r) => ({
					status: r.status,
					retryAfter: r.headers.get('retry-after'),
					body: (await r.json()) as { error: string }
				}))
			)
		);
		await new Promise((r) => setTimeout(r, 100));
		const started = performance.now();
		const read = await fetch(`${server.api}/school-oakfield/_all_docs`, {
			headers: { Cookie: cookie }
		});
		const readMs = performance.now() - started;
		expect(read.status).toBe(200);
		expect(readMs).toBeLessThan(2000);
		const answers = await flood;

		const refused = answers.filter((a) => a.status === 429);
		expect(refused.length).toBeGreaterThanOrEqual(180);
		for (const a of refused) {
			expect(a.body.error).toBe('too_many_requests');
			expect(Number(a.retryAfter)).toBeGreaterThan(0);
		}
		expect(answers.every((a) => a.status === 429 || a.status === 401)).toBe(true);
	});

	test('sign-ins from many addresses at once queue a few password checks and refuse the rest', async () => {
		// Different accounts and addresses, so no failure limit applies: only the checking capacity.
		const answers = await Promise.all(
			Array.from({ length: 100 }, (_, i) =>
				signIn(`nobody-${i}`, 'wrong-password', `10.7.${i >> 8}.${i & 255}`).then(async (r) => ({
					status: r.status,
					retryAfter: r.headers.get('retry-after'),
					body: (await r.json()) as { error: string; reason: string }
				}))
			)
		);
		const busy = answers.filter((a) => a.status === 429);
		expect(busy.length).toBeGreaterThan(50);
		expect(busy[0]!.body.reason).toContain('busy');
		expect(busy[0]!.retryAfter).toBe('2');
		expect(answers.filter((a) => a.status === 401).length).toBeGreaterThan(0);
		// The owner, a moment later, still signs in.
		expect((await signIn('head.oakfield', PASSWORD, '10.0.0.2')).status).toBe(200);
	});
});

describe('user names', () => {
	test('a wrong password takes as long for a name that does not exist as for one that does', async () => {
		const time = async (name: string, i: number) => {
			const started = performance.now();
			const r = await signIn(name, 'wrong-password', `10.8.0.${i}`);
			expect(r.status).toBe(401);
			return performance.now() - started;
		};
		const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
		const known: number[] = [];
		const unknown: number[] = [];
		for (let i = 0; i < 5; i++) {
			known.push(await time('sil', i));
			unknown.push(await time(`no-such-person-${i}`, 100 + i));
		}
		// 600,000 rounds take over 100 ms: an unknown name answered in a few ms gives itself away.
		expect(median(unknown)).toBeGreaterThan(median(known) * 0.6);
	});
});
