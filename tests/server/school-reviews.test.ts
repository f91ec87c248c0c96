import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	api,
	closeClients,
	localDb,
	now,
	remoteDb,
	startServer,
	uid,
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

const REFUSED =
	'Only a trust administrator or the chief executive records inspections and reviews.';

function inspection(by: string) {
	return {
		_id: `review:${uid()}`,
		schemaVersion: 1,
		type: 'external-review',
		schoolId: 'oakfield',
		kind: 'ofsted',
		on: '2026-11-12',
		reviewer: 'Ofsted',
		headline: 'Achievement in mathematics needs attention.',
		inspection: {
			framework: 'ofsted-2025',
			grades: { achievement: 'needs-attention', inclusion: 'expected' },
			safeguarding: 'met'
		},
		recordedBy: by,
		updatedBy: by,
		updatedAt: now()
	};
}

describe('Ofsted inspections and external reviews over HTTP', () => {
	it('refuses a head and a SIL, even in their own name, and takes the CEO’s and the admin’s', async () => {
		for (const user of ['head.oakfield', 'sil']) {
			const doc = inspection(user);
			const r = await api(server, 'PUT', `/school-oakfield/${doc._id}`, { user, body: doc });
			expect(r.status, user).toBe(403);
			expect(r.body).toEqual({ error: 'forbidden', reason: REFUSED });
		}
		for (const user of ['ceo', 'admin']) {
			const doc = inspection(user);
			const r = await api(server, 'PUT', `/school-oakfield/${doc._id}`, { user, body: doc });
			expect(r.status, user).toBe(201);
		}
	});

	it('reaches the head’s device by replication, and the head’s own is refused on the way back', async () => {
		const device = localDb('head-reviews');
		const remote = remoteDb(server, 'school-oakfield', 'head.oakfield');
		await device.replicate.from(remote);
		const found = await device.allDocs({ include_docs: true });
		const reviews = found.rows.filter((r) => r.doc?.type === 'external-review');
		// The demo's inspection of Oakfield and the CEO's and admin's from the test above.
		expect(reviews.length).toBeGreaterThanOrEqual(3);

		const mine = inspection('head.oakfield');
		await device.put(mine);
		const pushed = await device.replicate.to(remote);
		expect(pushed.doc_write_failures).toBe(1);
		const onServer = await api(server, 'GET', `/school-oakfield/${mine._id}`, { user: 'ceo' });
		expect(onServer.status).toBe(404);
	});
});
