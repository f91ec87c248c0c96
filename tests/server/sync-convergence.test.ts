import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { play, scenario } from '../unit/sync-sim.ts';
import { closeClients, remoteDb, startServer, uid, type Server } from './helpers.ts';

/**
 * Issue 12's proof through the real sync server: the same generated cases as
 * `tests/unit/sync-convergence.test.ts`, each device replicating over HTTP as `sil`, so every
 * save, merge and removed version also passes the server's schema and role rules.
 */
const CASES = Number(process.env.SYNC_SERVER_CASES ?? 20);

let server: Server;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await closeClients();
	await server.stop();
});

test(
	`devices syncing through the server lose nothing and converge (${CASES} generated cases)`,
	async () => {
		let ran = 0;
		let resolutions = 0;
		await fc.assert(
			fc.asyncProperty(scenario, async (sc) => {
				const hub = remoteDb(server, 'school-oakfield', 'sil');
				// A new record for each case: cases share the server but never meet.
				const played = await play(sc, {
					forDevice: () => hub,
					docId: `visit:2026-27:t2:${uid()}`
				});
				resolutions += played.resolutions;
				ran++;
			}),
			{
				numRuns: CASES,
				// The same cases every `npm test`; `npm run test:soak` draws new ones (as the unit run).
				seed: process.env.SYNC_SEED
					? Number(process.env.SYNC_SEED)
					: process.env.SYNC_RANDOM
						? undefined
						: 20261125
			}
		);
		console.log(`sync through the server: ${ran} cases, ${resolutions} automatic resolutions`);
		expect(resolutions).toBeGreaterThan(0);
	},
	Math.max(120_000, CASES * 5_000)
);
