import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
	api,
	closeClients,
	eventually,
	localDb,
	nextStep,
	progressUpdate,
	remoteDb,
	startServer,
	type Json,
	type Server
} from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await closeClients();
	await server.stop();
});

describe('replication with real PouchDB clients', () => {
	test('one-shot pull of a school database', async () => {
		const device = localDb();
		const result = await device.replicate.from(remoteDb(server, 'school-oakfield', 'sil'));
		expect(result.ok).toBe(true);
		expect(result.docs_written).toBeGreaterThanOrEqual(8);
		const visits = await device.allDocs({ startkey: 'visit:', endkey: 'visit:\uffff' });
		expect(visits.rows.length).toBe(2);
	});

	test('one-shot push; a document the rules refuse is denied, the rest are written', async () => {
		const device = localDb();
		const steps = Array.from({ length: 20 }, () => nextStep('oakfield'));
		await device.bulkDocs(steps);
		await device.put({ ...nextStep('oakfield'), _id: 'next-step:2026-27:bad', action: '' });
		const denied: string[] = [];
		const rep = device.replicate.to(remoteDb(server, 'school-oakfield', 'sil'));
		void rep.on('denied', (e: unknown) => denied.push((e as { id: string }).id));
		const result = await rep;
		expect(result.docs_written).toBe(20);
		expect(denied).toEqual(['next-step:2026-27:bad']);
		const check = await api(
			server,
			'GET',
			`/school-oakfield/${encodeURIComponent(steps[7]!._id as string)}`,
			{ user: 'ceo' }
		);
		expect(check.status).toBe(200);
		expect(check.body.action).toBe(steps[7]!.action);
		const bad = await api(server, 'GET', '/school-oakfield/next-step%3A2026-27%3Abad', {
			user: 'ceo'
		});
		expect(bad.status).toBe(404);
	});

	test('live sync carries a write from one device to another both ways', async () => {
		const silDevice = localDb('sil');
		const headDevice = localDb('head');
		const a = silDevice.sync(remoteDb(server, 'school-oakfield', 'sil'), {
			live: true,
			retry: true
		});
		const b = headDevice.sync(remoteDb(server, 'school-oakfield', 'head.oakfield'), {
			live: true,
			retry: true
		});
		try {
			const step = nextStep('oakfield', 'sil', 'Live: share the new phonics tracker.');
			await silDevice.put(step);
			await eventually(() =>
				headDevice.get(step._id as string).then(
					() => true,
					() => false
				)
			);
			const update = progressUpdate(
				'oakfield',
				'head.oakfield',
				'Live: tracker shared with staff.'
			);
			await headDevice.put(update);
			await eventually(() =>
				silDevice.get(update._id as string).then(
					() => true,
					() => false
				)
			);
		} finally {
			a.cancel();
			b.cancel();
		}
	});

	test('attachments go up inline and come back byte for byte', async () => {
		const a = localDb();
		const bytes = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7) % 256));
		const doc = {
			_id: 'visit:2026-27:t1:walk-photos',
			schemaVersion: 1,
			type: 'learning-walk',
			schoolId: 'oakfield',
			visitId: 'visit:2026-27:t1:x',
			visitor: 'sil',
			date: '2026-09-24',
			lookFors: ['Vocabulary'],
			rooms: [],
			summary: '',
			createdAt: new Date().toISOString(),
			updatedAt: new Date().toISOString(),
			_attachments: { 'books.png': { content_type: 'image/png', data: bytes } }
		};
		await a.put(doc);
		await a.replicate.to(remoteDb(server, 'school-oakfield', 'sil'));

		const raw = await fetch(
			`${server.api}/school-oakfield/${encodeURIComponent(doc._id)}/books.png`,
			{
				headers: { Authorization: 'Basic ' + Buffer.from('ceo:test-password-1').toString('base64') }
			}
		);
		expect(raw.status).toBe(200);
		expect(raw.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await raw.arrayBuffer()).equals(bytes)).toBe(true);

		const b = localDb();
		await b.replicate.from(remoteDb(server, 'school-oakfield', 'head.oakfield'));
		const got = (await b.getAttachment(doc._id, 'books.png')) as Buffer;
		expect(Buffer.from(got).equals(bytes)).toBe(true);
	});

	test('a conflict ends with the same winner on both devices and the conflict visible', async () => {
		const a = localDb('a');
		const b = localDb('b');
		const remote = remoteDb(server, 'school-hawthorn', 'sil');
		const step = nextStep('hawthorn');
		await a.put(step);
		await a.replicate.to(remote);
		await b.replicate.from(remote);
		const id = step._id as string;
		const onA = await a.get(id);
		const onB = await b.get(id);
		await a.put({ ...onA, action: 'Edited on the laptop.' });
		await b.put({ ...onB, action: 'Edited on the tablet.' });
		await a.replicate.to(remote);
		await b.replicate.to(remote);
		await a.replicate.from(remote);
		await b.replicate.from(remote);
		const finalA = await a.get(id, { conflicts: true });
		const finalB = await b.get(id, { conflicts: true });
		expect(finalA._rev).toBe(finalB._rev);
		expect(finalA._conflicts).toHaveLength(1);
		expect(finalB._conflicts).toEqual(finalA._conflicts);
		const onServer = await api(
			server,
			'GET',
			`/school-hawthorn/${encodeURIComponent(id)}?conflicts=true`,
			{ user: 'sil' }
		);
		expect(onServer.body._rev).toBe(finalA._rev);
		expect(onServer.body._conflicts).toEqual(finalA._conflicts);
	});
});

describe('checkpoints', () => {
	test('a push resumes from its checkpoint after the server is restarted mid-way', async () => {
		const device = localDb();
		const docs = Array.from({ length: 400 }, (_, i) => nextStep('kingsmead', 'sil', `Step ${i}`));
		await device.bulkDocs(docs);
		const first = device.replicate.to(remoteDb(server, 'school-kingsmead', 'sil'), {
			batch_size: 20
		});
		let written = 0;
		let killed: Promise<void> | null = null;
		void first.on('change', (info: { docs_written: number }) => {
			written = info.docs_written;
			if (written >= 100 && !killed) killed = server.kill9();
		});
		await first.then(
			() => undefined,
			() => undefined
		);
		await killed;
		expect(written).toBeGreaterThanOrEqual(100);
		expect(written).toBeLessThan(400);

		server = await server.restart();
		const second = await device.replicate.to(remoteDb(server, 'school-kingsmead', 'sil'), {
			batch_size: 20
		});
		expect(second.ok).toBe(true);
		// It read on from the checkpoint rather than from the start.
		expect(second.docs_read).toBeLessThanOrEqual(400 - 100 + 20);
		const all = await api(server, 'POST', '/school-kingsmead/_all_docs', {
			user: 'sil',
			body: { keys: docs.map((d) => d._id) }
		});
		const rows = all.body.rows as unknown as Json[];
		expect(rows.filter((r) => r.value && !r.error)).toHaveLength(400);
	});
});
