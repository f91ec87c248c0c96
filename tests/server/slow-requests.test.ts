import { afterAll, beforeAll, expect, test } from 'vitest';
import { once } from 'node:events';
import net from 'node:net';
import { api, PASSWORD, sleep, startServer, type Server } from './helpers.ts';

// A request the server has not answered long after it came is named in the log, so that an
// operator can see a client waiting for ever (PouchDB sets no time limit); a live feed, which is
// meant to wait, is not.

let server: Server;
beforeAll(async () => {
	server = await startServer({ env: { SLOW_REQUEST_SECONDS: '1' } });
});
afterAll(async () => {
	await server.stop();
});

const basic = (user: string) => 'Basic ' + Buffer.from(`${user}:${PASSWORD}`).toString('base64');

/** The log's "not yet answered" lines so far. */
const named = () =>
	server
		.output()
		.split('\n')
		.filter((l) => l.startsWith('{'))
		.map((l) => JSON.parse(l) as Record<string, unknown>)
		.filter((l) => l.msg === 'request not yet answered');

test('a request left unanswered is named once in the log; a live feed and a quick answer are not', async () => {
	// A batch whose body stops coming part-way: the server waits for the rest, and says so.
	const socket = net.connect(server.port, '127.0.0.1');
	await once(socket, 'connect');
	socket.on('error', () => undefined);
	socket.write(
		`POST /couchdb/school-oakfield/_bulk_docs HTTP/1.1\r\nHost: x\r\n` +
			`Authorization: ${basic('head.oakfield')}\r\nContent-Type: application/json\r\n` +
			`Content-Length: 1000\r\n\r\n{"docs": [`
	);
	// A live feed held open over the same time, and quick requests meanwhile.
	const feed = api(
		server,
		'GET',
		'/school-oakfield/_changes?feed=longpoll&since=now&timeout=2500',
		{
			user: 'head.oakfield'
		}
	);
	for (let i = 0; i < 5; i++) {
		expect((await api(server, 'GET', '/_up')).status).toBe(200);
		await sleep(100);
	}
	await sleep(1500);
	expect((await feed).status).toBe(200);
	await sleep(500);

	expect(named()).toEqual([
		expect.objectContaining({
			level: 'warn',
			method: 'POST',
			path: '/couchdb/school-oakfield/_bulk_docs',
			seconds: 1,
			bodyReceived: false
		})
	]);
	socket.destroy();
});
