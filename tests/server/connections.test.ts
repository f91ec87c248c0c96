import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PASSWORD, sleep, startServer, type Server } from './helpers.ts';

// Short limits so that a slow client is cut off within the test: headers in 2 s, a whole request
// in 3 s, five connections per address, twelve in all.
let server: Server;
beforeAll(async () => {
	server = await startServer({
		env: {
			HEADERS_TIMEOUT: '2',
			REQUEST_TIMEOUT: '3',
			MAX_CONNECTIONS_PER_ADDRESS: '5',
			MAX_CONNECTIONS: '12'
		}
	});
});
afterAll(async () => {
	await server.stop();
});

const open: net.Socket[] = [];
afterEach(async () => {
	for (const s of open.splice(0)) s.destroy();
	await sleep(200); // let the server see the sockets close
});

interface Slow {
	socket: net.Socket;
	/** Resolves when the server closes the connection, with what it answered and after how long. */
	closed: Promise<{ ms: number; answer: string }>;
}

/** A raw connection from `from` (any 127.x.y.z address reaches the server on loopback). */
function connect(from: string): Promise<Slow> {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const socket = net.connect({ host: '127.0.0.1', port: server.port, localAddress: from });
		open.push(socket);
		let answer = '';
		socket.on('data', (d: Buffer) => (answer += d.toString()));
		// Still open after 8 s counts as never closed (Infinity), so a missing limit fails quickly.
		const closed = new Promise<{ ms: number; answer: string }>((done) => {
			socket.once('close', () => done({ ms: performance.now() - started, answer }));
			setTimeout(() => done({ ms: Infinity, answer }), 8000).unref();
		});
		socket.on('error', () => undefined);
		socket.once('connect', () => resolve({ socket, closed }));
		socket.once('error', reject);
	});
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function dribble(socket: net.Socket, text: string, everyMs: number): void {
	let i = 0;
	const timer = setInterval(() => {
		if (socket.destroyed || i >= text.length) return clearInterval(timer);
		socket.write(text[i++]!);
	}, everyMs);
	socket.once('close', () => clearInterval(timer));
}

const SLOW_POST =
	'POST /couchdb/_session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';

/** A real request, from the default address, with Basic auth. */
async function realRequest(path = '/school-oakfield/_all_docs'): Promise<number> {
	const r = await fetch(`${server.api}${path}`, {
		headers: {
			Authorization: 'Basic ' + Buffer.from(`head.oakfield:${PASSWORD}`).toString('base64')
		}
	});
	await r.arrayBuffer();
	return r.status;
}

describe('slow clients', () => {
	test('a body sent one byte at a time is cut off at the request timeout; others are served meanwhile', async () => {
		const slow = await connect('127.0.0.2');
		slow.socket.write(SLOW_POST);
		dribble(slow.socket, '{"name":"head.oakfield","password":"x"}'.padEnd(1000), 1000);
		expect(await realRequest()).toBe(200);
		const { ms, answer } = await slow.closed;
		expect(ms).toBeGreaterThan(2500);
		expect(ms).toBeLessThan(6000);
		expect(answer).toMatch(/^HTTP\/1\.1 408/);
		expect(await realRequest()).toBe(200);
	});

	test('headers sent one byte at a time are cut off at the headers timeout', async () => {
		const slow = await connect('127.0.0.2');
		dribble(slow.socket, SLOW_POST, 300);
		const { ms } = await slow.closed;
		expect(ms).toBeGreaterThan(1500);
		expect(ms).toBeLessThan(4500);
		expect(await realRequest()).toBe(200);
	});

	test('one address holds at most its cap of connections; other addresses are still served', async () => {
		const held = await Promise.all(Array.from({ length: 5 }, () => connect('127.0.0.3')));
		for (const h of held) h.socket.write('GET /couchdb/_up HTTP/1.1\r\nHost: x\r\n'); // unfinished
		await sleep(100);
		const extra = await connect('127.0.0.3');
		const refused = await extra.closed;
		expect(refused.ms).toBeLessThan(1500);
		expect(refused.answer).toMatch(/^HTTP\/1\.1 503/);
		expect(refused.answer).toContain('Retry-After: 5');
		expect(refused.answer).toContain('Too many connections');
		expect(await realRequest()).toBe(200);
		// Once the address lets go of its connections it is served again.
		for (const h of held) h.socket.destroy();
		await sleep(200);
		const again = await connect('127.0.0.3');
		again.socket.write('GET /couchdb/_up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
		expect((await again.closed).answer).toMatch(/^HTTP\/1\.1 200/);
	});

	test('the server as a whole holds at most its total cap', async () => {
		const held: Slow[] = [];
		for (const from of ['127.0.0.4', '127.0.0.5', '127.0.0.6'])
			for (let i = 0; i < 4; i++) held.push(await connect(from));
		await sleep(100);
		const extra = await connect('127.0.0.7');
		expect((await extra.closed).answer).toMatch(/^HTTP\/1\.1 503/);
		for (const h of held) h.socket.destroy();
		await sleep(200);
		expect(await realRequest()).toBe(200);
	});

	test('a long-poll answered after the request timeout is not cut off', async () => {
		const started = performance.now();
		const body = await new Promise<string>((resolve, reject) => {
			const req = http.get(
				`${server.api}/school-oakfield/_changes?feed=longpoll&since=now&timeout=4500`,
				{
					headers: {
						Authorization: 'Basic ' + Buffer.from(`head.oakfield:${PASSWORD}`).toString('base64')
					}
				},
				(res) => {
					let text = '';
					res.on('data', (d: Buffer) => (text += d.toString()));
					res.on('end', () => resolve(text));
				}
			);
			req.on('error', reject);
		});
		expect(performance.now() - started).toBeGreaterThan(4000);
		expect(JSON.parse(body)).toHaveProperty('last_seq');
	});
});
