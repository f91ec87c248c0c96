import fc from 'fast-check';
import { expect, it } from 'vitest';
import { dropStores, openMemoryDb, uniqueName } from './memory-pouch';
import { play, scenario, type Scenario } from './sync-sim';

/**
 * Issue 12's proof, in process: 2-4 devices and the trust's database, all PouchDB in memory,
 * replicating directly. `SYNC_CASES` sets the number of generated cases (`npm run test:soak`).
 */
const CASES = Number(process.env.SYNC_CASES ?? 500);

/** Cases that once lost a value, run first every time. */
const FOUND: Scenario[] = [
	// A device re-adds a document after a merge that another device's merge then folds: the ancestor
	// must be the folded version, not the older revision both histories share.
	{
		devices: 2,
		start: [],
		steps: [
			{ kind: 'edit', device: 1, edits: [{ kind: 'removeDocument', label: 'SEF' }], reopen: false },
			{ kind: 'edit', device: 0, edits: [{ kind: 'status', value: 'planned' }], reopen: false },
			{ kind: 'sync', device: 0 },
			{ kind: 'sync', device: 1 },
			{
				kind: 'edit',
				device: 1,
				edits: [
					{ kind: 'document', label: 'SEF' },
					{ kind: 'removeDocument', label: 'Data' }
				],
				reopen: false
			},
			{ kind: 'edit', device: 0, edits: [{ kind: 'removeArea', at: 0 }], reopen: false }
		]
	},
	// A criss-cross: two devices each merge a different pair of the three versions, so the two
	// merges share two newest ancestors and neither contains the other. Merging against either one
	// alone dropped the document a third device had added back (seed -161016263, 25 Nov); they are
	// merged into one base now, as git's recursive strategy does.
	{
		devices: 3,
		start: [],
		steps: [
			{ kind: 'edit', device: 0, edits: [{ kind: 'removeDocument', label: 'SEF' }], reopen: false },
			{ kind: 'sync', device: 0 },
			{ kind: 'edit', device: 1, edits: [{ kind: 'days', value: 0 }], reopen: false },
			{
				kind: 'edit',
				device: 0,
				edits: [{ kind: 'addArea', id: 'i0', area: 'Reading', evidence: ' ', at: 0 }],
				reopen: false
			},
			{ kind: 'sync', device: 2 },
			{ kind: 'edit', device: 2, edits: [{ kind: 'document', label: 'SEF' }], reopen: false },
			{ kind: 'edit', device: 1, edits: [{ kind: 'moveArea', at: 0, to: 0 }], reopen: false }
		]
	},
	// The winner descends from a version folded into the other leaf's merge.
	{
		devices: 2,
		start: [],
		steps: [
			{
				kind: 'edit',
				device: 1,
				edits: [
					{ kind: 'safeguarding', value: null },
					{ kind: 'moveArea', at: 0, to: 0 }
				],
				reopen: false
			},
			{ kind: 'sync', device: 1 },
			{ kind: 'edit', device: 1, edits: [{ kind: 'safeguarding', value: 'met' }], reopen: false },
			{ kind: 'edit', device: 1, edits: [{ kind: 'removeDocument', label: 'SEF' }], reopen: false },
			{ kind: 'offline', device: 0 },
			{
				kind: 'edit',
				device: 0,
				edits: [{ kind: 'addArea', id: 'i0', area: 'Attendance', evidence: '', at: 0 }],
				reopen: false
			},
			{ kind: 'reload', device: 0 }
		]
	}
];

/**
 * `npm test` plays the same 500 cases every run (a seed that passes), so CI does not depend on the
 * draw; `npm run test:soak` draws new cases (SYNC_RANDOM=1), and SYNC_SEED replays one run. A
 * random draw on 25 Nov found a loss (seed -161016263), now fixed and kept in `FOUND`.
 */
const SEED = process.env.SYNC_SEED
	? Number(process.env.SYNC_SEED)
	: process.env.SYNC_RANDOM
		? undefined
		: 20261125;

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
			{
				numRuns: CASES,
				examples: FOUND.map((sc) => [sc] as [Scenario]),
				seed: SEED
			}
		);
		console.log(
			`sync property: ${ran} cases, ${totals.saves} saves, ${totals.resolutions} automatic resolutions, ${totals.choices} choices left to a person`
		);
		expect(ran).toBeGreaterThanOrEqual(CASES);
		// The cases must reach what they are about: conflicts resolved, and some left to a person.
		if (CASES >= 100) {
			expect(totals.resolutions).toBeGreaterThan(CASES / 10);
			expect(totals.choices).toBeGreaterThan(0);
		}
	},
	Math.max(120_000, CASES * 400)
);
