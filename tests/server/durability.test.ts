import { describe, expect, test } from 'vitest';
import { api, nextStep, PASSWORD, sleep, startServer, type Json } from './helpers.ts';

describe('durability and shutdown', () => {
	test('every write acknowledged before kill -9 is there after a restart', async () => {
		const server = await startServer();
		const acked: string[] = [];
		let stopped = false;
		const writer = async () => {
			while (!stopped) {
				const doc = nextStep('oakfield');
				try {
					const r = await api(server, 'POST', '/school-oakfield/_bulk_docs', {
						user: 'sil',
						body: { docs: [doc, nextStep('oakfield')] }
					});
					if (r.status === 201) acked.push(doc._id as string);
				} catch {
					return; // the connection died with the server
				}
			}
		};
		const writers = Array.from({ length: 4 }, writer);
		await sleep(1500);
		await server.kill9();
		stopped = true;
		await Promise.all(writers);
		expect(acked.length).toBeGreaterThan(10);

		const again = await server.restart();
		try {
			const r = await api(again, 'POST', '/school-oakfield/_all_docs', {
				user: 'sil',
				body: { keys: acked }
			});
			const rows = r.body.rows as unknown as Json[];
			const missing = rows.filter((row) => row.error || !row.value);
			expect(missing).toEqual([]);
		} finally {
			await again.stop();
		}
	});

	test('a checkpoint acknowledged before kill -9 is there after a restart (it is not fsynced)', async () => {
		const server = await startServer();
		const put = await api(server, 'PUT', '/school-oakfield/_local/replication-a', {
			user: 'sil',
			body: { last_seq: 42, session_id: 's1' }
		});
		expect(put.status).toBe(201);
		await server.kill9();
		const again = await server.restart();
		try {
			const got = await api(again, 'GET', '/school-oakfield/_local/replication-a', { user: 'sil' });
			expect(got.status).toBe(200);
			expect(got.body).toMatchObject({ last_seq: 42, _rev: '0-1' });
		} finally {
			await again.stop();
		}
	});

	test('SIGTERM ends live feeds with their last_seq and the process exits cleanly', async () => {
		const server = await startServer();
		const auth = { Authorization: 'Basic ' + Buffer.from(`sil:${PASSWORD}`).toString('base64') };
		const feed = await fetch(
			`${server.api}/school-oakfield/_changes?feed=continuous&since=now&heartbeat=1000`,
			{ headers: auth }
		);
		const poll = fetch(
			`${server.api}/school-oakfield/_changes?feed=longpoll&since=now&heartbeat=1000`,
			{ headers: auth }
		);
		await sleep(300);
		const started = Date.now();
		const code = await server.stop();
		expect(code).toBe(0);
		expect(Date.now() - started).toBeLessThan(5000);
		const text = await feed.text();
		expect(text.trim().split('\n').at(-1)).toMatch(/^\{"last_seq":\d+\}$/);
		const longpoll = (await (await poll).json()) as Json;
		expect(longpoll.results).toEqual([]);
	});
});
