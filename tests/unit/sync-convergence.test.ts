import fc from 'fast-check';
import { expect, it } from 'vitest';
import { dropStores, openMemoryDb, uniqueName } from './memory-pouch';
import { play, scenario } from './sync-sim';

/**
 * Issue 12's proof, in process: 2-4 devices and the trust's database, all PouchDB in memory,
 * replicating directly. `SYNC_CASES` sets the number of generated cases (`npm run test:soak`).
 */
const CASES = Number(process.env.SYNC_CASES ?? 500);

it(
	`loses nothing, converges and never undoes a resolution, over ${CASES} generated cases`,
	async () => {
		let ran = 0;
		const totals = { resolutions: 0, choices: 0, saves: 0 };
		await fc.assert(
			fc.asyncProperty(scenario, async (sc) => {
				const name = uniqueName('hub');
				const hub = openMemoryDb(name);
				try {
					const played = await play(sc, { forDevice: () => hub, docId: 'visit:2026-27:t2:sim' });
					for (const key of Object.keys(totals) as (keyof typeof totals)[])
						totals[key] += played[key];
				} finally {
					await hub.close();
					dropStores(name);
				}
				ran++;
			}),
			{ numRuns: CASES, seed: process.env.SYNC_SEED ? Number(process.env.SYNC_SEED) : undefined }
		);
		console.log(
			`sync property: ${ran} cases, ${totals.saves} saves, ${totals.resolutions} automatic resolutions, ${totals.choices} choices left to a person`
		);
		expect(ran).toBeGreaterThanOrEqual(CASES);
		// The cases must reach what they are about: conflicts resolved, and some left to a person.
		expect(totals.resolutions).toBeGreaterThan(CASES / 10);
		expect(totals.choices).toBeGreaterThan(0);
	},
	Math.max(120_000, CASES * 400)
);
