import '../../../tests/unit/browser-env';
import Dexie from 'dexie';
import fc from 'fast-check';
import PouchDB from 'pouchdb-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	AttainmentBooklet,
	attainmentBookletDocId,
	cellKey,
	comparatorKey,
	DEFAULT_ATTAINMENT_FRAMEWORK,
	KEY_MEASURES,
	keyFigures,
	SCHEMA_VERSION,
	trustTotal,
	type AttainmentFramework
} from '$lib/domain';
import { keyBooklet, keyBookletRow } from './key-booklets';
import { Projector } from './projector';
import { openReadModel, readModelName, type ReadModel } from './read-model';
import { trustYear } from './overviews';

const F = DEFAULT_ATTAINMENT_FRAMEWORK;

/** The frameworks a trust may have: the default, one without attendance, gap or a key measure. */
const frameworks: AttainmentFramework[] = [
	F,
	{ ...F, measures: F.measures.filter((m) => m.id !== 'attendance') },
	{ ...F, disadvantagedGap: null },
	{ ...F, disadvantagedGap: { groupId: 'send', nationalGroupId: 'all' } },
	{ ...F, measures: F.measures.filter((m) => m.id !== 'phonics-y1') }
].map((f) => JSON.parse(JSON.stringify(f)) as AttainmentFramework);

const cell = fc.oneof(
	fc
		.record({ cohort: fc.integer({ min: 1, max: 60 }), count: fc.integer({ min: 0, max: 60 }) })
		.map(({ cohort, count }) => ({ cohort, count: Math.min(count, cohort) })),
	fc.record({ cohort: fc.integer({ min: 1, max: 60 }), value: fc.integer({ min: 0, max: 120 }) }),
	fc.record({ value: fc.integer({ min: 0, max: 120 }) }),
	fc.constant({})
);
const everyCell = F.measures.flatMap((m) =>
	F.groups.flatMap((g) => F.points.map((p) => cellKey(m.id, g.id, p.id)))
);
const everyComparator = F.measures.flatMap((m) => F.groups.map((g) => comparatorKey(m.id, g.id)));
const isKey = (k: string) => (KEY_MEASURES as readonly string[]).includes(k.split(':')[0]!);
/** Any of `keys`, mostly those of the key measures (the ones the dashboard reads). */
const someOf = <T>(keys: string[], value: fc.Arbitrary<T>) =>
	fc
		.tuple(
			fc.subarray(keys.filter(isKey)),
			fc.array(fc.constantFrom(...keys.filter((k) => !isKey(k))), { maxLength: 60 })
		)
		.chain(([key, other]) =>
			fc
				.array(value, {
					minLength: key.length + other.length,
					maxLength: key.length + other.length
				})
				.map((values) => Object.fromEntries([...key, ...other].map((k, i) => [k, values[i]!])))
		);

/** A booklet with any cells, national figures, last year's outcomes and snapshots. */
const booklet = (schoolId: string) =>
	fc
		.record({
			cells: someOf(everyCell, cell),
			nationals: someOf(everyComparator, fc.integer({ min: 0, max: 100 })),
			lastYear: fc.option(someOf(everyComparator, cell), { nil: undefined }),
			snapshot: fc.boolean()
		})
		.map(({ cells, nationals, lastYear, snapshot }) =>
			AttainmentBooklet.parse({
				_id: attainmentBookletDocId('2026-27'),
				schemaVersion: SCHEMA_VERSION,
				type: 'attainment-booklet',
				schoolId,
				year: '2026-27',
				cells,
				nationals,
				...(lastYear ? { lastYear } : {}),
				...(snapshot
					? {
							snapshots: {
								t1: {
									term: 1,
									visitId: 'visit:2026-27:t1:a',
									visitDate: '2026-10-01',
									takenAt: '2026-10-01T10:00:00Z',
									takenBy: 'sil',
									cells,
									nationals
								}
							}
						}
					: {}),
				updatedAt: '2026-11-18T16:00:00Z',
				updatedBy: 'sil'
			})
		);

describe('a booklet’s key figures', () => {
	it('give the dashboard the same figures and trust totals as the whole booklet', () => {
		fc.assert(
			fc.property(
				fc.array(fc.option(booklet('oakfield'), { nil: null }), { minLength: 1, maxLength: 4 }),
				fc.constantFrom(...frameworks),
				fc.integer({ min: 1, max: 12 }),
				(booklets, framework, threshold) => {
					const slim = booklets.map((b) => (b ? keyBooklet(b) : null));
					for (const [i, b] of booklets.entries()) {
						expect(keyFigures(slim[i]!, framework, threshold)).toEqual(
							keyFigures(b, framework, threshold)
						);
					}
					for (const measureId of KEY_MEASURES) {
						for (const p of framework.points) {
							const ref = { measureId, groupId: 'all', pointId: p.id };
							expect(trustTotal(slim, framework, threshold, ref)).toEqual(
								trustTotal(booklets, framework, threshold, ref)
							);
						}
					}
				}
			),
			{ numRuns: 150 }
		);
	});

	it('are a small part of a full booklet', () => {
		const cells = Object.fromEntries(everyCell.map((k) => [k, { cohort: 30, count: 20 }]));
		const full = { ...fc.sample(booklet('oakfield'), 1)[0]!, cells };
		const slim = keyBooklet(full);
		expect(slim.snapshots).toBeUndefined();
		expect(Object.keys(slim.cells).length * 4).toBeLessThan(Object.keys(full.cells).length);
	});
});

describe('the read model’s key figures', () => {
	const DB = 'school-oakfield';
	let n = 0;
	let pouch: PouchDB.Database;
	let rm: ReadModel;
	let projector: Projector;

	beforeEach(() => {
		n++;
		pouch = new PouchDB(`key-booklets-${n}`);
		rm = openReadModel(`key-booklets-${n}`);
		projector = new Projector(rm, () => pouch);
	});
	afterEach(async () => {
		projector.stop();
		rm.close();
		await pouch.destroy();
	});

	/** Every booklet's row has its key figures beside it, and there are no others. */
	async function expectKeptBeside() {
		const booklets = await rm.attainment.toArray();
		const keys = await rm.keyBooklets.toArray();
		expect(keys.sort((a, b) => a.key.localeCompare(b.key))).toEqual(
			booklets.sort((a, b) => a.key.localeCompare(b.key)).map(keyBookletRow)
		);
	}
	const settle = async () => {
		await new Promise((r) => setTimeout(r, 50));
		await projector.settled();
	};

	it('follow each booklet as it is written, changed and deleted, and after a rebuild', async () => {
		await projector.follow(DB);
		const years = ['2025-26', '2026-27', '2027-28'];
		await fc.assert(
			fc.asyncProperty(
				fc.array(
					fc.tuple(fc.constantFrom(...years), fc.option(booklet('oakfield'), { nil: null })),
					{ minLength: 1, maxLength: 6 }
				),
				async (steps) => {
					// Each step writes a year's booklet anew, or deletes it (null).
					for (const [year, b] of steps) {
						const id = attainmentBookletDocId(year);
						const stored = await pouch.get(id).catch(() => null);
						if (b === null) {
							if (stored) await pouch.remove(stored);
						} else {
							const doc = { ...b, _id: id, year, ...(stored ? { _rev: stored._rev } : {}) };
							if (doc.snapshots) delete doc.snapshots;
							await pouch.put(doc as PouchDB.Core.PutDocument<object>);
						}
						await settle();
						await expectKeptBeside();
					}
				}
			),
			{ numRuns: 8 }
		);
		// The runs above may leave every year's booklet deleted: the rebuild is compared with one
		// there, whatever they left.
		const [kept] = fc.sample(booklet('oakfield'), { numRuns: 1, seed: 17 });
		const keptId = attainmentBookletDocId(years[1]!);
		const stored = await pouch.get(keptId).catch(() => null);
		const keptDoc = {
			...kept!,
			_id: keptId,
			year: years[1]!,
			...(stored ? { _rev: stored._rev } : {})
		};
		if (keptDoc.snapshots) delete keptDoc.snapshots;
		await pouch.put(keptDoc as PouchDB.Core.PutDocument<object>);
		await settle();
		await expectKeptBeside();
		expect(await rm.keyBooklets.count()).toBeGreaterThan(0);
		await projector.rebuild([DB]);
		await expectKeptBeside();
		// The dashboard's trust year gives the same key figures from them as from the booklets.
		await rm.schools.put({
			id: 'oakfield',
			name: 'Oakfield',
			doc: { _id: 'school:oakfield', type: 'school', id: 'oakfield', name: 'Oakfield' } as never
		});
		for (const year of years) {
			const [slim] = await trustYear(rm, year, false, { keyFigures: true });
			const [whole] = await trustYear(rm, year, false);
			expect(keyFigures(slim!.booklet, F, 5)).toEqual(keyFigures(whole!.booklet, F, 5));
			expect(slim!.booklet ? Object.keys(slim!.booklet.cells).length : 0).toBeLessThanOrEqual(
				whole!.booklet ? Object.keys(whole!.booklet.cells).length : 0
			);
		}
	});

	it('are made from the booklets already there when a read model moves to version 11', async () => {
		rm.close();
		const name = readModelName(`key-booklets-${n}-old`);
		const old = new Dexie(name);
		old.version(10).stores({
			schools: 'id, name',
			attainment: 'key, [schoolId+year], schoolId',
			checkpoints: 'db'
		});
		const b = fc.sample(booklet('oakfield'), 1)[0]!;
		const row = { key: 'oakfield/2026-27', schoolId: 'oakfield', year: '2026-27', doc: b };
		await old.table('attainment').put({ ...row, conflicted: 0 });
		await old.table('checkpoints').put({ db: DB, seq: 5 });
		old.close();

		rm = openReadModel(`key-booklets-${n}-old`);
		expect(await rm.keyBooklets.toArray()).toEqual([keyBookletRow(row)]);
		// Nothing needs reading again from PouchDB for it.
		expect(await rm.checkpoints.get(DB)).toEqual({ db: DB, seq: 5 });
	});
});
