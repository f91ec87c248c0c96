import PouchDB from 'pouchdb-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { EditStamp, PendingChoice } from '$lib/domain/changes';
import { withItemIds } from '$lib/domain/item-ids';
import { head, sil, visit } from '../../../tests/unit/fixtures';
import { openMemoryDb, uniqueName } from '../../../tests/unit/memory-pouch';
import { overfullText } from '$lib/db/choices';
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
	editTablet: (doc: Rec) => Rec,
	evidence = 'Book looks'
): Promise<{ hub: PouchDB.Database; a: PouchDB.Database; b: PouchDB.Database; id: string }> {
	const hub = device('hub');
	const a = device('laptop');
	const b = device('tablet');
	const start = {
		...visit({ status: 'draft' }),
		discussion: [area('k-reading', 'Reading', evidence)]
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

	/**
	 * Both devices resolve the conflict at once: the same revision on both (they joined the texts
	 * alike), no choice, and after syncing one version everywhere whose first evidence is `joined`.
	 */
	async function joinedAlike(
		{ hub, a, b, id }: Awaited<ReturnType<typeof conflictOf>>,
		joined: string
	) {
		await sync(b, hub);
		const [ra, rb] = await Promise.all([
			resolveDoc({ user: sil, db: DB, local: a }, id),
			resolveDoc({ user: sil, db: DB, local: b }, id)
		]);
		expect(ra.kind).toBe('resolved');
		if (ra.kind === 'resolved') expect(ra.added).toEqual([]);
		expect(rb).toEqual(ra);
		await sync(a, hub);
		await sync(b, hub);
		for (const db of [a, b, hub]) {
			const doc = (await db.get(id, { conflicts: true })) as Rec;
			expect(doc._conflicts).toBeUndefined();
			expect(doc.choices ?? []).toEqual([]);
			expect((doc.discussion as ReturnType<typeof area>[])[0]!.evidence).toBe(joined);
		}
	}
	const withEvidence = (d: Rec, change: (evidence: string) => string) =>
		(d.discussion as ReturnType<typeof area>[]).map((x) => ({
			...x,
			evidence: change(x.evidence)
		}));

	it('joins a sentence added to the same text on each device, on both devices alike, asking nothing', async () => {
		const devices = await conflictOf(
			(d) => ({ ...d, discussion: withEvidence(d, (e) => `${e} in Year 4.`), edit: laptop }),
			(d) => ({
				...d,
				discussion: withEvidence(d, (e) => `${e} Reading records signed.`),
				edit: tablet
			})
		);
		// The laptop's sentence, written first, then the tablet's.
		await joinedAlike(devices, 'Book looks in Year 4. Reading records signed.');
	});

	it('keeps a paragraph changed on each device, on both devices alike, asking nothing', async () => {
		const devices = await conflictOf(
			(d) => ({
				...d,
				discussion: withEvidence(d, (e) => e.replace('Year 4.', 'Years 4 and 5.')),
				edit: laptop
			}),
			(d) => ({
				...d,
				discussion: withEvidence(d, (e) => e.replace('checked.', 'checked: signed weekly.')),
				edit: tablet
			}),
			'Book looks in Year 4.\n\nReading records checked.'
		);
		await joinedAlike(
			devices,
			'Book looks in Years 4 and 5.\n\nReading records checked: signed weekly.'
		);
	});

	it('leaves additions too long together for the record as a choice', async () => {
		const more = (d: Rec, text: string) => ({ ...d, focus: `${String(d.focus)} ${text}` });
		const long = 'x'.repeat(999);
		const { a, id } = await conflictOf(
			(d) => ({ ...more(d, `${long} a`), edit: laptop }),
			(d) => ({ ...more(d, `${long} b`), edit: tablet })
		);
		const out = await resolveDoc({ user: sil, db: DB, local: a }, id);
		expect(out.kind).toBe('resolved');
		const merged = (await a.get(id)) as Rec;
		expect((merged.choices as PendingChoice[]).map((c) => c.path)).toEqual([['focus']]);
	});

	it('merges a record written before items had ids item by item, asking nothing', async () => {
		// Both devices run this version, so each save gives the items ids from their content; the
		// revision they started from has none, and must be given the same ids to be merged against.
		const legacy = (name: string, evidence: string) => {
			const { id: _id, ...rest } = area('x', name, evidence);
			return rest;
		};
		const hub = device('hub');
		const a = device('laptop');
		const b = device('tablet');
		const start = {
			...visit({ status: 'draft' }),
			discussion: [legacy('Reading', 'Book looks'), legacy('Maths', 'Books')]
		};
		await a.put(start as unknown as Rec);
		await sync(a, hub);
		await sync(b, hub);
		const id = start._id;
		const evidenceOf = (at: number, text: string) => (d: Rec) => {
			const keyed = withItemIds(d);
			const discussion = (keyed.discussion as { evidence: string }[]).map((x, i) =>
				i === at ? { ...x, evidence: text } : x
			);
			return { ...keyed, discussion };
		};
		await a.put({
			...evidenceOf(0, 'Book looks in Year 2')((await a.get(id)) as Rec),
			edit: laptop
		});
		await b.put({
			...evidenceOf(1, 'Books and a pupil voice')((await b.get(id)) as Rec),
			edit: tablet
		});
		await sync(a, hub);
		await sync(b, hub);
		await sync(a, hub);
		const out = await resolveDoc({ user: sil, db: DB, local: a }, id);
		expect(out.kind).toBe('resolved');
		if (out.kind === 'resolved') expect(out.added).toEqual([]);
		const merged = (await a.get(id)) as Rec;
		expect(
			(merged.discussion as { area: string; evidence: string }[]).map(
				(d) => `${d.area}: ${d.evidence}`
			)
		).toEqual(['Reading: Book looks in Year 2', 'Maths: Books and a pupil voice']);
	});

	it('leaves versions too long together to the person, who removes what is not needed; then merges them', async () => {
		const areas = (prefix: string, n: number) =>
			Array.from({ length: n }, (_, i) => area(`${prefix}${i}`, `${prefix} area ${i}`, 'Notes'));
		const { a, id } = await conflictOf(
			(d) => ({
				...d,
				discussion: [...(d.discussion as object[]), ...areas('lap', 16)],
				edit: laptop
			}),
			(d) => ({
				...d,
				discussion: [...(d.discussion as object[]), ...areas('tab', 16)],
				edit: tablet
			})
		);
		const out = await resolveDoc({ user: sil, db: DB, local: a }, id);
		expect(out.kind).toBe('invalid');
		if (out.kind !== 'invalid') return;
		expect(out.overfull).toEqual([{ path: ['discussion'], count: 33, max: 30 }]);
		expect(overfullText(out.overfull[0]!)).toBe(
			'Together the versions have 33 discussion areas; a record holds at most 30.'
		);
		// Nothing was written: both versions are still there, whole.
		expect(await leavesOf(a, id)).toHaveLength(2);

		// The visitor removes three areas from the version on screen, as the booklet would save it.
		const current = (await a.get(id)) as Rec;
		const onScreen = current.discussion as { id: string; area: string }[];
		const dropped = onScreen.filter((x) => x.id !== 'k-reading').slice(0, 3);
		const other = dropped[0]!.id.startsWith('lap') ? 'tab' : 'lap';
		await a.put({
			...current,
			discussion: onScreen.filter((x) => !dropped.includes(x)),
			edit: laptop
		});
		const again = await resolveDoc({ user: sil, db: DB, local: a }, id);
		expect(again.kind).toBe('resolved');
		const merged = (await a.get(id, { conflicts: true })) as Rec;
		expect(merged._conflicts).toBeUndefined();
		const kept = (merged.discussion as { area: string }[]).map((x) => x.area);
		expect(kept).toHaveLength(30);
		for (const x of dropped) expect(kept).not.toContain(x.area);
		expect(kept.filter((x) => x.startsWith(other))).toHaveLength(16);
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

	it('keeps a record the head confirmed as confirmed, and adds the visitor’s later changes as an addendum', async () => {
		// The visitor shared the record; the head confirms it on the phone while the visitor's
		// tablet, not yet told, changes the focus and an area's evidence.
		const hub = device('hub');
		const phone = device('phone');
		const tablet = device('tablet');
		const start = {
			...visit({ status: 'shared', shared: { by: 'sil', at: '2026-11-24T15:00:00.000Z' } }),
			discussion: [area('k-reading', 'Reading', 'Book looks')]
		};
		await tablet.put(start as unknown as Rec);
		await sync(tablet, hub);
		await sync(phone, hub);
		const id = start._id;
		const onPhone = (await phone.get(id)) as Rec;
		await phone.put({
			...onPhone,
			status: 'confirmed',
			confirmation: { by: head.name, at: '2026-11-25T08:00:00.000Z', comment: 'Agreed.' }
		});
		const onTablet = (await tablet.get(id)) as Rec;
		await tablet.put({
			...onTablet,
			focus: 'Reading fluency in Year 3',
			discussion: [area('k-reading', 'Reading', 'Book looks and a reading ladder')],
			edit: { ...laptop, device: 'Safari on iPad', at: '2026-11-25T08:30:00.000Z' }
		});
		await sync(phone, hub);
		await sync(tablet, hub);
		expect(await leavesOf(tablet, id)).toHaveLength(2);

		// Neither version may simply win, and the head's phone may not write the visitor's text.
		const byHead = await resolveDoc({ user: head, db: DB, local: tablet }, id);
		expect(byHead.kind).toBe('not-allowed');
		const out = await resolveDoc({ user: sil, db: DB, local: tablet }, id);
		expect(out.kind).toBe('resolved');
		const merged = (await tablet.get(id, { conflicts: true })) as Rec;
		expect(merged._conflicts).toBeUndefined();
		// What the head confirmed is what the record says...
		expect(merged.status).toBe('confirmed');
		expect(merged.focus).toBe(start.focus);
		expect((merged.discussion as { evidence: string }[])[0]!.evidence).toBe('Book looks');
		// ...and the visitor's later text is there, in their name, saying where it belongs.
		const addenda = merged.addenda as { by: string; at: string; text: string }[];
		expect(addenda).toHaveLength(1);
		expect(addenda[0]!.by).toBe('sil');
		expect(addenda[0]!.at).toBe('2026-11-25T08:30:00.000Z');
		expect(addenda[0]!.text).toContain('focus: Reading fluency in Year 3');
		expect(addenda[0]!.text).toContain('Book looks and a reading ladder');
		// The trust accepts it as the one change a confirmed record allows.
		const pushed = await PouchDB.replicate(tablet, hub);
		expect(pushed.doc_write_failures).toBe(0);
	});

	it('settles late changes too long for one addendum with several, each in the visitor’s name', async () => {
		const hub = device('hub');
		const phone = device('phone');
		const tablet = device('tablet');
		const start = {
			...visit({ status: 'shared', shared: { by: 'sil', at: '2026-11-24T15:00:00.000Z' } }),
			discussion: [area('k-reading', 'Reading', 'Book looks'), area('k-maths', 'Maths', 'Books')]
		};
		await tablet.put(start as unknown as Rec);
		await sync(tablet, hub);
		await sync(phone, hub);
		const id = start._id;
		const onPhone = (await phone.get(id)) as Rec;
		await phone.put({
			...onPhone,
			status: 'confirmed',
			confirmation: { by: head.name, at: '2026-11-25T08:00:00.000Z', comment: 'Agreed.' }
		});
		const long = (what: string) =>
			Array.from({ length: 300 }, (_, i) => `${what} seen in lesson ${i}.`).join(' ');
		const onTablet = (await tablet.get(id)) as Rec;
		await tablet.put({
			...onTablet,
			discussion: [
				area('k-reading', 'Reading', long('Reading')),
				area('k-maths', 'Maths', long('Maths'))
			],
			edit: { ...laptop, device: 'Safari on iPad', at: '2026-11-25T08:30:00.000Z' }
		});
		await sync(phone, hub);
		await sync(tablet, hub);

		const out = await resolveDoc({ user: sil, db: DB, local: tablet }, id);
		expect(out.kind).toBe('resolved');
		const merged = (await tablet.get(id, { conflicts: true })) as Rec;
		expect(merged._conflicts).toBeUndefined();
		expect(merged.status).toBe('confirmed');
		const addenda = merged.addenda as { by: string; text: string }[];
		expect(addenda.length).toBeGreaterThan(1);
		expect(addenda.every((a) => a.by === 'sil' && a.text.length <= 10_000)).toBe(true);
		const all = addenda.map((a) => a.text).join('');
		expect(all).toContain('Maths seen in lesson 299.');
		expect(all).toContain('Reading seen in lesson 0.');
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
