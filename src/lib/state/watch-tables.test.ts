import '../../../tests/unit/browser-env';
import Dexie, { liveQuery, type EntityTable } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetKept, keptValue, readAhead, watchTables } from './watch-tables';

type Db = Dexie & { rows: EntityTable<{ id: number; school: string }, 'id'> };
const open: Db[] = [];
/** Open before anything watches it, as the read model is before any screen draws. */
async function newDb(): Promise<Db> {
	const db = new Dexie(`watch-${crypto.randomUUID()}`) as Db;
	db.version(1).stores({ rows: 'id', other: 'id' });
	open.push(db);
	await db.open();
	return db;
}
afterEach(async () => {
	for (const db of open.splice(0)) await db.delete();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A query that takes longer than the gap between the writes of a catch-up. */
const slowCount = (db: Db) => async () => {
	const n = await db.rows.count();
	await sleep(80);
	return n;
};
/** Writes a row every few milliseconds until stopped, as the projector does while sync catches up. */
function catchUp(db: Db): () => Promise<void> {
	let stop = false;
	const done = (async () => {
		for (let id = 1000; !stop; id++) {
			await db.rows.put({ id, school: 'arriving' });
			await sleep(5);
		}
	})();
	return async () => {
		stop = true;
		await done;
	};
}

describe('a screen over whole tables while sync catches up', () => {
	it('shows what it read within moments, though the tables change faster than it reads', async () => {
		const db = await newDb();
		await db.rows.bulkPut([1, 2, 3].map((id) => ({ id, school: 'here' })));
		const stopWriting = catchUp(db);
		const shown: number[] = [];
		const stop = watchTables(db, ['rows'], slowCount(db), (r) => {
			if ('value' in r) shown.push(r.value);
		});
		await sleep(600);
		// Dexie's liveQuery showed nothing in this time: each write threw its read away.
		expect(shown.length).toBeGreaterThan(0);
		expect(shown[0]).toBeGreaterThanOrEqual(3);
		// …and it keeps up without a query per write: a few runs, not one per row written.
		const written = (await db.rows.count()) - 3;
		expect(shown.length).toBeLessThan(written / 2);
		await stopWriting();
		// Once the writes stop, what is shown is the whole table.
		await sleep(600);
		expect(shown.at(-1)).toBe(await db.rows.count());
		stop();
	});

	it('the same query through liveQuery shows nothing while the writes go on (why watchTables exists)', async () => {
		const db = await newDb();
		await db.rows.bulkPut([1, 2, 3].map((id) => ({ id, school: 'here' })));
		const stopWriting = catchUp(db);
		const shown: number[] = [];
		const sub = liveQuery(slowCount(db)).subscribe((n) => shown.push(n));
		await sleep(600);
		expect(shown).toEqual([]);
		await stopWriting();
		sub.unsubscribe();
	});

	it('sees a change on a quiet device at once, and ignores tables it does not read', async () => {
		const db = await newDb();
		const shown: number[] = [];
		let runs = 0;
		const stop = watchTables(
			db,
			['rows'],
			async () => {
				runs++;
				return db.rows.count();
			},
			(r) => {
				if ('value' in r) shown.push(r.value);
			}
		);
		await sleep(50);
		expect(shown).toEqual([0]);
		await db.table('other').put({ id: 1 });
		await sleep(50);
		expect(runs).toBe(1);
		await db.rows.put({ id: 1, school: 'new' });
		await sleep(50);
		expect(shown).toEqual([0, 1]);
		stop();
	});

	it('opened again, shows the last result without reading while nothing changed, and reads again after a change', async () => {
		const db = await newDb();
		await db.rows.put({ id: 1, school: 'here' });
		let runs = 0;
		const query = async () => {
			runs++;
			return (await db.rows.toArray()).map((r) => r.school);
		};
		const shown: string[][] = [];
		const show = (r: { value: string[] } | { error: unknown }) => {
			if ('value' in r) shown.push(r.value);
		};
		const stop = watchTables(db, ['rows'], query, show, { keep: 'dashboard' });
		await sleep(50);
		stop();
		expect(keptValue(db.name, 'dashboard')).toEqual({ value: ['here'] });

		const again = watchTables(db, ['rows'], query, show, { keep: 'dashboard' });
		await sleep(50);
		expect(runs).toBe(1);
		expect(shown).toEqual([['here'], ['here']]);
		again();

		// Changed while no screen watched it: the kept result no longer holds.
		await db.rows.put({ id: 2, school: 'arrived' });
		expect(keptValue(db.name, 'dashboard')).toBeUndefined();
		const third = watchTables(db, ['rows'], query, show, { keep: 'dashboard' });
		await sleep(50);
		expect(runs).toBe(2);
		expect(shown.at(-1)).toEqual(['here', 'arrived']);
		third();
	});

	it('shows an error, and the next change reads again', async () => {
		const db = await newDb();
		let fail = true;
		const results: string[] = [];
		const stop = watchTables(
			db,
			['rows'],
			async () => {
				if (fail) throw new Error('unreadable');
				return db.rows.count();
			},
			(r) => results.push('error' in r ? 'error' : `value ${r.value}`)
		);
		await sleep(50);
		fail = false;
		await db.rows.put({ id: 1, school: 'x' });
		await sleep(50);
		expect(results).toEqual(['error', 'value 1']);
		stop();
	});
});

describe("a screen read ahead while the device is idle (the CEO's dashboard)", () => {
	const counting = (db: Db) => {
		const q = {
			runs: 0,
			query: async () => (q.runs++, (await db.rows.toArray()).map((r) => r.school))
		};
		return q;
	};

	it('opens on what was read ahead, without reading, and shares a read still under way', async () => {
		const db = await newDb();
		await db.rows.put({ id: 1, school: 'here' });
		const q = counting(db);
		const stop = readAhead(db, ['rows'], q.query, () => 'dashboard');
		await sleep(50);
		expect(q.runs).toBe(1);
		expect(keptValue(db.name, 'dashboard')).toEqual({ value: ['here'] });
		const shown: string[][] = [];
		const screen = watchTables(db, ['rows'], q.query, (r) => 'value' in r && shown.push(r.value), {
			keep: 'dashboard'
		});
		await sleep(20);
		expect(shown).toEqual([['here']]);
		expect(q.runs).toBe(1);
		screen();
		stop();

		// Opened while the read ahead is still reading: one read, and its result shown.
		await db.rows.put({ id: 2, school: 'arrived' });
		const slow = {
			runs: 0,
			query: async () => {
				slow.runs++;
				await sleep(80);
				return (await db.rows.toArray()).map((r) => r.school);
			}
		};
		const again = readAhead(db, ['rows'], slow.query, () => 'dashboard');
		await sleep(20);
		const late: string[][] = [];
		const opened = watchTables(
			db,
			['rows'],
			slow.query,
			(r) => 'value' in r && late.push(r.value),
			{
				keep: 'dashboard'
			}
		);
		await sleep(150);
		expect(slow.runs).toBe(1);
		expect(late).toEqual([['here', 'arrived']]);
		opened();
		again();
	});

	it('reads again once the tables are quiet after a change, not while they keep changing', async () => {
		const db = await newDb();
		const q = counting(db);
		const stop = readAhead(db, ['rows'], q.query, () => 'dashboard', { quiet: 100 });
		await sleep(50);
		expect(q.runs).toBe(1);
		const stopWriting = catchUp(db);
		await sleep(300);
		// Every write puts the read off: nothing read while sync catches up.
		expect(q.runs).toBe(1);
		expect(keptValue(db.name, 'dashboard')).toBeUndefined();
		await stopWriting();
		await sleep(200);
		expect(q.runs).toBe(2);
		expect(keptValue<string[]>(db.name, 'dashboard')?.value).toHaveLength(await db.rows.count());
		// A change to a table it does not read leaves what it read standing.
		await db.table('other').put({ id: 1 });
		await sleep(200);
		expect(q.runs).toBe(2);
		expect(keptValue(db.name, 'dashboard')).toBeDefined();

		// Stopped (signed out): no more reads, and what was kept is forgotten.
		stop();
		await db.rows.put({ id: 1, school: 'late' });
		await sleep(200);
		expect(q.runs).toBe(2);
		forgetKept(db.name);
		await sleep(0);
		expect(keptValue(db.name, 'dashboard')).toBeUndefined();
	});
});
