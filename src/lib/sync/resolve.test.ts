import PouchDB from 'pouchdb-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { EditStamp, PendingChoice } from '$lib/domain/changes';
import { head, sil, visit } from '../../../tests/unit/fixtures';
import { openMemoryDb, uniqueName } from '../../../tests/unit/memory-pouch';
import { compactIfSettled, conflictedAmong, resolveDoc } from './resolve';

const DB = 'school-oakfield';
const laptop: EditStamp = {
	by: 'sil',
	device: 'Firefox on Windows',
	at: '2026-11-25T09:00:00.000Z'
};
const tablet: EditStamp = { by: 'sil', device: 'Safari on iPad', at: '2026-11-25T09:05:00.000Z' };

type Rec = PouchDB.Core.ExistingDocument<Record<string, unknown>>;
const area = (id: string, name: string, evidence: string) => ({
	id,
	area: name,
	evidence,
	strengths: '',
	development: ''
});

const opened: PouchDB.Database[] = [];
function device(name: string) {
	const db = openMemoryDb(uniqueName(name));
	opened.push(db);
	return db;
}
afterEach(async () => {
	await Promise.all(opened.splice(0).map((db) => db.close().catch(() => undefined)));
});

const sync = (x: PouchDB.Database, y: PouchDB.Database) => PouchDB.sync(x, y);

/** The hub (the trust's copy), two devices that share the booklet, then each edits it offline. */
async function conflictOf(
	editLaptop: (doc: Rec) => Rec,
	editTablet: (doc: Rec) => Rec
): Promise<{ hub: PouchDB.Database; a: PouchDB.Database; b: PouchDB.Database; id: string }> {
	const hub = device('hub');
	const a = device('laptop');
	const b = device('tablet');
	const start = {
		...visit({ status: 'draft' }),
		discussion: [area('k-reading', 'Reading', 'Book looks')]
	};
	await a.put(start as unknown as Rec);
	await sync(a, hub);
	await sync(b, hub);
	const id = start._id;
	await a.put(editLaptop((await a.get(id)) as Rec));
	await b.put(editTablet((await b.get(id)) as Rec));
	await sync(a, hub);
	await sync(b, hub);
	await sync(a, hub);
	return { hub, a, b, id };
}

const leavesOf = async (db: PouchDB.Database, id: string) =>
	((await db.get(id, { open_revs: 'all' })) as { ok?: { _rev: string; _deleted?: boolean } }[])
		.map((r) => r.ok!)
		.filter((d) => !d._deleted)
		.map((d) => d._rev);

describe('automatic resolution of a replicated conflict', () => {
	it('keeps the areas two devices added offline, asks nothing, and leaves one revision everywhere', async () => {
		const { hub, a, b, id } = await conflictOf(
			(d) => ({
				...d,
				discussion: [...(d.discussion as object[]), area('k-maths', 'Maths', 'Books')],
				edit: laptop
			}),
			(d) => ({
				...d,
				discussion: [...(d.discussion as object[]), area('k-att', 'Attendance', 'Registers')],
				edit: tablet
			})
		);
		expect(await leavesOf(a, id)).toHaveLength(2);
		const out = await resolveDoc({ user: sil, db: DB, local: a }, id);
		expect(out.kind).toBe('resolved');
		if (out.kind === 'resolved') expect(out.added).toEqual([]);
		const merged = (await a.get(id, { conflicts: true })) as Rec;
		expect(merged._conflicts).toBeUndefined();
		expect(
			(merged.discussion as { area: string; evidence: string }[])
				.map((d) => `${d.area}: ${d.evidence}`)
				.sort()
		).toEqual(['Attendance: Registers', 'Maths: Books', 'Reading: Book looks']);
		await sync(a, hub);
		await sync(b, hub);
		const onTablet = (await b.get(id, { conflicts: true })) as Rec;
		expect(onTablet._conflicts).toBeUndefined();
		expect(onTablet._rev).toBe(merged._rev);
	});

	it('offers both texts of a focus changed on both devices, with the text they started from', async () => {
		const { a, id } = await conflictOf(
			(d) => ({ ...d, focus: 'Phonics in key stage 1', edit: laptop }),
			(d) => ({ ...d, focus: 'Attendance of disadvantaged pupils', edit: tablet })
		);
		const out = await resolveDoc({ user: sil, db: DB, local: a }, id);
		expect(out.kind).toBe('resolved');
		const merged = (await a.get(id)) as Rec;
		const choices = merged.choices as PendingChoice[];
		expect(choices).toHaveLength(1);
		expect(choices[0]!.path).toEqual(['focus']);
		expect(choices[0]!.base).toBe(visit().focus);
		expect(choices[0]!.options.map((o) => [o.value, o.device]).sort()).toEqual([
			['Attendance of disadvantaged pupils', 'Safari on iPad'],
			['Phonics in key stage 1', 'Firefox on Windows']
		]);
		expect(merged.focus).toBe(choices[0]!.options[0]!.value);
	});

	it('finds the ancestor on the trust when this device compacted it away, else asks about every difference', async () => {
		const { hub, a, id } = await conflictOf(
			(d) => ({ ...d, focus: 'Laptop focus', edit: laptop }),
			(d) => ({ ...d, daysUsed: 2, edit: tablet })
		);
		await a.compact();
		const withHub = await resolveDoc({ user: sil, db: DB, local: a, remote: hub }, id);
		expect(withHub.kind === 'resolved' && withHub.added).toEqual([]);
		const merged = (await a.get(id)) as Rec;
		expect([merged.focus, merged.daysUsed]).toEqual(['Laptop focus', 2]);

		const again = await conflictOf(
			(d) => ({ ...d, focus: 'Laptop focus', edit: laptop }),
			(d) => ({ ...d, daysUsed: 2, edit: tablet })
		);
		await again.a.compact();
		const alone = await resolveDoc({ user: sil, db: DB, local: again.a }, again.id);
		expect(alone.kind).toBe('resolved');
		const blind = ((await again.a.get(again.id)) as Rec).choices as PendingChoice[];
		// Without the ancestor nobody can tell which side changed: both values are kept and offered.
		expect(blind.map((c) => [c.path.join('.'), c.baseKnown]).sort()).toEqual([
			['daysUsed', false],
			['focus', false]
		]);
	});

	it('keeps the ancestor on the device without compaction, and compacts only once settled', async () => {
		const db = device('laptop');
		const first = await db.put(visit({ status: 'draft' }) as unknown as Rec);
		await db.put({ ...(await db.get(first.id)), focus: 'Changed' });
		expect(((await db.get(first.id, { rev: first.rev })) as Rec).focus).toBe(visit().focus);
		expect(await compactIfSettled(db, 1, 0)).toBe(false);
		expect(await compactIfSettled(db, 0, 1)).toBe(false);
		expect(((await db.get(first.id, { rev: first.rev })) as Rec).focus).toBe(visit().focus);
		expect(await compactIfSettled(db, 0, 0)).toBe(true);
		await expect(db.get(first.id, { rev: first.rev })).rejects.toMatchObject({ status: 404 });
	});

	it("leaves a conflict on the visitor's record to the visitor's device when a head sees it", async () => {
		const { a, id } = await conflictOf(
			(d) => ({ ...d, focus: 'One', edit: laptop }),
			(d) => ({ ...d, daysUsed: 2, edit: tablet })
		);
		const before = await leavesOf(a, id);
		const out = await resolveDoc({ user: head, db: DB, local: a }, id);
		expect(out.kind).toBe('not-allowed');
		expect(await leavesOf(a, id)).toEqual(before);
	});

	it('two devices that resolve the same conflict at once write the same revision and no new conflict', async () => {
		const { hub, a, b, id } = await conflictOf(
			(d) => ({
				...d,
				focus: 'Phonics',
				discussion: [...(d.discussion as object[]), area('k-m', 'Maths', 'x')],
				edit: laptop
			}),
			(d) => ({ ...d, focus: 'Reading', daysUsed: 0.5, edit: tablet })
		);
		await sync(b, hub);
		const [ra, rb] = await Promise.all([
			resolveDoc({ user: sil, db: DB, local: a }, id),
			resolveDoc({ user: sil, db: DB, local: b }, id)
		]);
		expect(ra.kind).toBe('resolved');
		expect(rb).toEqual(ra);
		await sync(a, hub);
		await sync(b, hub);
		await sync(a, hub);
		for (const db of [a, b, hub]) {
			const doc = (await db.get(id, { conflicts: true })) as Rec;
			expect(doc._conflicts).toBeUndefined();
			expect(doc._rev).toBe(ra.kind === 'resolved' ? ra.rev : '');
		}
	});

	it('picks out, from a batch just pulled, the documents left in conflict', async () => {
		const { a, id } = await conflictOf(
			(d) => ({ ...d, focus: 'One' }),
			(d) => ({ ...d, focus: 'Two' })
		);
		await a.put({ _id: 'other', x: 1 });
		expect(await conflictedAmong(a, [id, 'other', 'missing', '_local/x', id])).toEqual([id]);
		await resolveDoc({ user: sil, db: DB, local: a }, id);
		expect(await conflictedAmong(a, [id])).toEqual([]);
	});

	it('says there is nothing to do for a document without a conflict, or none at all', async () => {
		const db = device('laptop');
		await db.put(visit() as unknown as Rec);
		expect((await resolveDoc({ user: sil, db: DB, local: db }, visit()._id)).kind).toBe(
			'not-conflicted'
		);
		expect((await resolveDoc({ user: sil, db: DB, local: db }, 'visit:none')).kind).toBe(
			'not-conflicted'
		);
	});
});
