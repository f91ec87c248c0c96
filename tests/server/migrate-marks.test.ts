import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer, type Server } from './helpers.ts';

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.stop();
});

const marksOf = async (db: string) =>
	(
		await api(
			server,
			'GET',
			`/${db}/_all_docs?include_docs=true&startkey="vulnerable:"&endkey="vulnerable:\uffff"`,
			{
				user: 'ceo'
			}
		)
	).body.rows as unknown as { doc: Record<string, unknown> }[];

describe('a school marked vulnerable in its overview before marks were records of their own', () => {
	it('keeps the mark as the school’s own record after the server is updated, once', async () => {
		// An overview as the CEO's device wrote it before issue 15: the mark inside it.
		const written = await api(server, 'PUT', '/school-oakfield/overview:2025-26:t6', {
			user: 'ceo',
			body: {
				schemaVersion: 1,
				type: 'school-overview',
				schoolId: 'oakfield',
				year: '2025-26',
				term: 6,
				commentary: 'A difficult summer term.',
				vulnerable: true,
				supportPlan: 'Weekly SIL visits; a review of reading in September.',
				updatedBy: 'ceo',
				updatedAt: '2026-07-10T15:00:00.000Z'
			}
		});
		expect(written.status).toBe(201);
		expect(await marksOf('school-oakfield')).toEqual([]);

		// The server, updated to this version, starts on that data folder for the first time.
		await server.stop();
		fs.rmSync(path.join(server.dataDir, 'migrated-vulnerable-marks'));
		server = await server.restart();
		const marks = await marksOf('school-oakfield');
		expect(marks).toHaveLength(1);
		expect(marks[0]!.doc).toMatchObject({
			type: 'vulnerable-mark',
			schoolId: 'oakfield',
			markedOn: '2026-07-10',
			markedBy: 'ceo',
			supportPlan: 'Weekly SIL visits; a review of reading in September.'
		});
		expect(marks[0]!.doc.removed).toBeUndefined();

		// Started again (the migration forgotten, or interrupted), it marks nothing twice.
		await server.stop();
		fs.rmSync(path.join(server.dataDir, 'migrated-vulnerable-marks'));
		server = await server.restart();
		expect(await marksOf('school-oakfield')).toHaveLength(1);
		// The demo's marked school kept its own mark only.
		expect(await marksOf('school-st-aidans')).toHaveLength(1);
	});
});
