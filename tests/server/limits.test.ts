import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { once } from 'node:events';
import net from 'node:net';
import { api, nextStep, PASSWORD, startServer, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.stop();
});

const head = { user: 'head.oakfield' };
const DB = '/school-oakfield';
const tooLarge = {
	error: 'too_large',
	reason: 'The request body is larger than this server accepts (4194304 bytes).'
};
const basic = (user: string) => 'Basic ' + Buffer.from(`${user}:${PASSWORD}`).toString('base64');

/** Sends `request` and, while it runs, asks `/_up` a few times; returns both timings. */
async function whileUp<T>(
	request: () => Promise<T>
): Promise<{ result: T; ms: number; upMs: number[] }> {
	const started = performance.now();
	let done = false;
	const upMs: number[] = [];
	const running = request().finally(() => (done = true));
	while (!done) {
		const t = performance.now();
		const up = await api(server, 'GET', '/_up');
		expect(up.status).toBe(200);
		upMs.push(performance.now() - t);
		await new Promise((r) => setTimeout(r, 20));
	}
	const result = await running;
	return { result, ms: performance.now() - started, upMs };
}

describe('entries per request are capped (10,000, well above the 100 PouchDB sends)', () => {
	test.each([
		[
			'_all_docs keys',
			'POST',
			'/_all_docs',
			{ keys: Array.from({ length: 200_000 }, (_, i) => `k${i}`) },
			'too_many_entries',
			'This request lists 200000 keys; the server accepts at most 10000 in one request.'
		],
		[
			'_revs_diff ids',
			'POST',
			'/_revs_diff',
			Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`d${i}`, ['1-a']])),
			'too_many_entries',
			'This request lists 20000 document ids; the server accepts at most 10000 in one request.'
		],
		[
			'_revs_diff revisions',
			'POST',
			'/_revs_diff',
			{
				a: Array.from({ length: 6000 }, (_, i) => `1-${i}`),
				b: Array.from({ length: 6000 }, (_, i) => `2-${i}`)
			},
			'too_many_entries',
			'This request lists 12000 revisions; the server accepts at most 10000 in one request.'
		],
		[
			'_bulk_get docs',
			'POST',
			'/_bulk_get',
			{ docs: Array.from({ length: 10_001 }, (_, i) => ({ id: `d${i}` })) },
			'max_bulk_get_count_exceeded',
			'This request lists 10001 documents; the server accepts at most 10000 in one request.'
		],
		[
			'_bulk_docs docs',
			'POST',
			'/_bulk_docs',
			{ docs: Array.from({ length: 10_001 }, () => nextStep('oakfield')) },
			'max_bulk_docs_count_exceeded',
			'This request lists 10001 documents; the server accepts at most 10000 in one request.'
		]
	])(
		'%s over the limit: 413 at once, and the server keeps answering',
		async (_, method, path, body, error, reason) => {
			const { result, ms, upMs } = await whileUp(() =>
				api(server, method, DB + path, { ...head, body })
			);
			expect(result.status).toBe(413);
			expect(result.body).toEqual({ error, reason });
			// Refused in moments (before the limits: 19 s to minutes), /_up answering all along.
			expect(ms).toBeLessThan(5000);
			expect(upMs.length).toBeGreaterThan(0);
		}
	);

	test('a list body far larger than 10,000 entries need is refused before it is parsed', async () => {
		const raw = JSON.stringify(
			Object.fromEntries(Array.from({ length: 600_000 }, (_, i) => [`d${i}`, ['1-a']]))
		);
		const json = { 'Content-Type': 'application/json' };
		// Several times over: the client is still sending when the answer comes, and a server that
		// closed the connection at once made fetch fail with a broken pipe most of the time.
		for (let i = 0; i < 5; i++) {
			const { result, ms, upMs } = await whileUp(() =>
				api(server, 'POST', `${DB}/_revs_diff`, { ...head, raw, headers: json })
			);
			expect(result.status).toBe(413);
			expect(result.body).toEqual(tooLarge);
			expect(ms).toBeLessThan(5000);
			expect(upMs.length).toBeGreaterThan(0);
		}
	});

	test('a body of no declared length is refused as it passes the limit, and the client reads why', async () => {
		const chunk = new Uint8Array(1 << 20).fill(0x20);
		let sent = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(c) {
				if (sent++ < 8) c.enqueue(chunk);
				else c.close();
			}
		});
		const r = await fetch(server.api + `${DB}/_revs_diff`, {
			method: 'POST',
			headers: { Authorization: basic('head.oakfield'), 'Content-Type': 'application/json' },
			body,
			duplex: 'half'
		} as RequestInit);
		expect(r.status).toBe(413);
		expect(await r.json()).toEqual(tooLarge);
		expect((await api(server, 'GET', '/_up')).status).toBe(200);
	});

	test('a refused body that goes on and on is cut off, not read for ever', async () => {
		const socket = net.connect(server.port, '127.0.0.1');
		await new Promise((resolve) => socket.once('connect', resolve));
		let answer = '';
		socket.on('data', (d: Buffer) => (answer += d.toString()));
		const cut = new Promise<void>((resolve) => {
			socket.on('error', () => resolve());
			socket.on('close', () => resolve());
		});
		let ended = false;
		void cut.then(() => (ended = true));
		const declared = 512 << 20;
		socket.write(
			`POST /couchdb${DB}/_revs_diff HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic('head.oakfield')}\r\n` +
				`Content-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`
		);
		const chunk = Buffer.alloc(1 << 20, 0x20);
		let written = 0;
		while (!ended && written < 512) {
			written++;
			if (!socket.write(chunk)) await Promise.race([once(socket, 'drain'), cut]);
		}
		expect(ended).toBe(true);
		expect(answer).toMatch(/^HTTP\/1\.1 413 /);
		expect(answer).toContain(JSON.stringify(tooLarge));
		// 64 MiB are read and thrown away before the cut; what the sockets' buffers held comes on top.
		expect(written).toBeGreaterThan(64);
		expect(written).toBeLessThan(128);
		expect((await api(server, 'GET', '/_up')).status).toBe(200);
	});

	test('a refused body that stops coming is cut off after five seconds, not held open', async () => {
		const socket = net.connect(server.port, '127.0.0.1');
		await once(socket, 'connect');
		let answer = '';
		socket.on('data', (d: Buffer) => (answer += d.toString()));
		socket.on('error', () => undefined);
		const closed = once(socket, 'close');
		socket.write(
			`POST /couchdb${DB}/_revs_diff HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic('head.oakfield')}\r\n` +
				`Content-Type: application/json\r\nContent-Length: ${32 << 20}\r\n\r\n`
		);
		socket.write(Buffer.alloc(1 << 20, 0x20));
		const started = performance.now();
		await closed;
		const ms = performance.now() - started;
		expect(answer).toMatch(/^HTTP\/1\.1 413 /);
		expect(ms).toBeGreaterThan(4000);
		expect(ms).toBeLessThan(15_000);
	});

	test('at the limit, the answer is complete and other requests get in while it is built', async () => {
		const steps = Array.from({ length: 100 }, () => nextStep('oakfield'));
		const written = await api(server, 'POST', `${DB}/_bulk_docs`, {
			user: 'sil',
			body: { docs: steps }
		});
		expect(written.status).toBe(201);
		const keys = Array.from({ length: 10_000 }, (_, i) =>
			i % 100 === 0 ? steps[i / 100]!._id : `none-${i}`
		);
		const { result, ms, upMs } = await whileUp(() =>
			api(server, 'POST', `${DB}/_all_docs?include_docs=true`, { ...head, body: { keys } })
		);
		expect(result.status).toBe(200);
		const rows = result.body.rows as { key: string; error?: string; doc?: { action: string } }[];
		expect(rows).toHaveLength(10_000);
		expect(rows.map((r) => r.key)).toEqual(keys);
		expect(rows.filter((r) => r.doc).length).toBe(100);
		expect(rows[0]!.doc!.action).toBe(steps[0]!.action);
		expect(rows[1]!.error).toBe('not_found');
		// Built in slices, the answer lets /_up in: none waits anywhere near the whole request (on an
		// idle machine each takes a few milliseconds; this one is shared and often loaded).
		expect(upMs.length).toBeGreaterThan(1);
		expect(Math.max(...upMs)).toBeLessThan(Math.max(100, ms / 2));

		const limited = await api(server, 'POST', `${DB}/_all_docs?skip=100&limit=3&descending=true`, {
			...head,
			body: { keys }
		});
		expect((limited.body.rows as { key: string }[]).map((r) => r.key)).toEqual(
			keys.slice(100, 103).reverse()
		);

		const diff = await api(server, 'POST', `${DB}/_revs_diff`, {
			...head,
			body: Object.fromEntries(keys.map((k) => [k, [`1-${'a'.repeat(32)}`]]))
		});
		expect(Object.keys(diff.body)).toHaveLength(10_000);
		const got = await api(server, 'POST', `${DB}/_bulk_get`, {
			...head,
			body: { docs: keys.map((id) => ({ id })) }
		});
		expect((got.body.results as unknown[]).length).toBe(10_000);
	});
});
