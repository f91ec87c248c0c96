import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { installStorage } from '../../../tests/unit/memory-storage';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextStep, visit } from '../../../tests/unit/fixtures';
import { fieldLabel, valueText, type NameContext } from '$lib/db/names';
import { blankOverview } from '$lib/db/overviews';
import type { WriteContext } from '$lib/db/repository';
import { schoolDbName } from '$lib/domain/databases';
import type { VisitRecord } from '$lib/domain/visit';
import type { Describe } from '$lib/sync/late-changes';
import { describeLeftNotes } from './left-notes';
import { GONE, SETTLE_MS, saveUnsaved } from './save-unsaved';
import { holdOpen, unsavedKey, type Unsaved } from './unsaved';

// An editor's tab closed in the moment before its save: what it kept in localStorage is saved at
// the next start, on a real PouchDB database per school, without its record being opened again.

installStorage();

let n = 0;
const dbs = new Map<string, PouchDB.Database>();
const dbFor = (name: string) => {
	let db = dbs.get(name);
	if (!db) dbs.set(name, (db = new PouchDB(`save-unsaved-${n}-${name}`)));
	return db;
};
const sil = { name: 'sil', roles: ['sil', 'school:oakfield', 'school:elmwood'] };
const ctx: WriteContext = { user: sil, dbFor, device: 'Chromium on Linux' };
const ceo: WriteContext = { user: { name: 'ceo', roles: ['ceo'] }, dbFor };
const OAK = schoolDbName('oakfield');
const confirmation = { by: 'head.oakfield', at: '2026-11-21T09:00:00.000Z', comment: '' };
// Fields named as the screens name them, as the workspace passes them in.
const names: NameContext = {
	schoolName: () => 'Oakfield Primary',
	evaluationFramework: () => undefined,
	attainmentFramework: undefined
};
const named: Describe = {
	label: (doc, path) => fieldLabel(doc, path, names),
	value: (doc, path, v) => valueText(doc, path, v, names)
};

beforeEach(() => {
	n++;
	localStorage.clear();
});
afterEach(async () => {
	for (const db of dbs.values()) await db.destroy();
	dbs.clear();
});

/** Keep `changes` as the editor of `doc` does: its fields as it opened on them, and as typed. */
function keep(
	user: string,
	db: string,
	doc: Record<string, unknown>,
	changes: object,
	at?: number
): string {
	const fields = Object.keys(changes);
	const pick = (d: Record<string, unknown>) => Object.fromEntries(fields.map((k) => [k, d[k]]));
	const kept: Unsaved = {
		db,
		id: String(doc._id),
		base: pick(doc),
		draft: { ...pick(doc), ...changes },
		...(at === undefined ? {} : { at })
	};
	if (!doc._rev)
		kept.own = Object.fromEntries(Object.entries(doc).filter(([k]) => !(k in changes)));
	const key = unsavedKey(user, db, kept.id);
	localStorage.setItem(key, JSON.stringify(kept));
	return key;
}

async function put<T extends { _id: string }>(db: string, doc: T): Promise<T & { _rev: string }> {
	const { rev } = await dbFor(db).put(doc as PouchDB.Core.PutDocument<object>);
	return { ...doc, _rev: rev };
}

describe('saving at start what editors kept and never saved', () => {
	it('saves a booklet’s kept change, keeps what others wrote since, and forgets the note', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		const key = keep('sil', OAK, opened, { focus: 'Phonics in Reception' });
		// Meanwhile another device changed another field, and it synced here.
		await put(OAK, { ...opened, daysUsed: 2 });

		expect(await saveUnsaved(ctx, 'sil')).toEqual({
			saved: 1,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 0
		});
		const now = await dbFor(OAK).get<Record<string, unknown>>(opened._id);
		expect(now.focus).toBe('Phonics in Reception');
		expect(now.daysUsed).toBe(2);
		expect(localStorage.getItem(key)).toBeNull();
	});

	it('saves a booklet’s note but a person with no name yet, whom it keeps and lists', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		const attendees = [{ id: 'p1', name: '', role: 'SENCo' }];
		const key = keep('sil', OAK, opened, { focus: 'Attendance of PP pupils', attendees });

		const done = await saveUnsaved(ctx, 'sil');
		expect(done).toMatchObject({ saved: 0, waiting: 0 });
		expect(done.left).toEqual([
			{
				key,
				db: OAK,
				id: opened._id,
				reason: 'Enter the person’s name. The rest of the booklet is saved.'
			}
		]);
		const now = await dbFor(OAK).get<VisitRecord>(opened._id);
		expect(now.focus).toBe('Attendance of PP pupils');
		expect(now.attendees).toEqual([]);
		// The row, with the role typed in it, is still kept on the device.
		expect(localStorage.getItem(key)).toContain('SENCo');
	});

	it('leaves out typing a later save from this device already holds, asking no choice', async () => {
		const opened = await put(OAK, visit({ status: 'draft', focus: 'T2-' }));
		// The browser was killed: its note kept "T2-comme" and an older word elsewhere, while the
		// save that followed 300 ms later, with the whole of both, reached the database.
		const noteAt = Date.parse('2026-11-28T13:01:42.000Z');
		const key = keep('sil', OAK, opened, { focus: 'T2-comme', daysUsed: 2 }, noteAt);
		const edit = { by: 'sil', device: 'Chromium on Linux', at: '2026-11-28T13:01:43.000Z' };
		const saved = await put(OAK, { ...opened, focus: 'T2-comment', daysUsed: 2, edit });

		expect(await saveUnsaved(ctx, 'sil', { at: noteAt + SETTLE_MS })).toMatchObject({
			saved: 0,
			left: []
		});
		const now = await dbFor(OAK).get<Record<string, unknown>>(opened._id);
		expect(now._rev).toBe(saved._rev);
		expect(now.choices).toBeUndefined();
		expect(localStorage.getItem(key)).toBeNull();
	});

	it('still takes in a note the later save does not hold, or one a save elsewhere outgrew', async () => {
		const noteAt = Date.parse('2026-11-28T13:01:42.000Z');
		const at = '2026-11-28T13:01:43.000Z';
		for (const [edit, focus] of [
			// This device's later save with other words: the note's are kept, as a choice.
			[{ by: 'sil', device: 'Chromium on Linux', at }, 'T2-other words'],
			// Another device's save is not this typing, whatever it says.
			[{ by: 'sil', device: 'Tablet', at }, 'T2-comment']
		] as const) {
			const opened = await put(
				OAK,
				visit({ _id: `visit:2026-27:t2:${edit.device}`, status: 'draft', focus: 'T2-' })
			);
			keep('sil', OAK, opened, { focus: 'T2-comme' }, noteAt);
			await put(OAK, { ...opened, focus, edit });
			await saveUnsaved(ctx, 'sil', { at: noteAt + SETTLE_MS });
			const now = await dbFor(OAK).get<Record<string, unknown>>(opened._id);
			const texts = (now.choices as { options: { value: unknown }[] }[])[0]!.options.map(
				(o) => o.value
			);
			expect(texts.sort()).toEqual(['T2-comme', focus].sort());
		}
	});

	it('makes an overview no one had begun, each school’s apart though their ids are the same', async () => {
		const elm = schoolDbName('elmwood');
		keep('ceo', OAK, blankOverview('oakfield', '2026-27', 2), { commentary: 'Oakfield: strong' });
		keep('ceo', elm, blankOverview('elmwood', '2026-27', 2), { commentary: 'Elmwood: fragile' });

		expect(await saveUnsaved(ceo, 'ceo')).toEqual({
			saved: 2,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 0
		});
		const id = blankOverview('oakfield', '2026-27', 2)._id;
		expect((await dbFor(OAK).get<{ commentary: string }>(id)).commentary).toBe('Oakfield: strong');
		expect((await dbFor(elm).get<{ commentary: string }>(id)).commentary).toBe('Elmwood: fragile');
		expect(localStorage.length).toBe(0);
	});

	it('saves a next step whose due date was cleared for a term', async () => {
		const step = await put(OAK, nextStep());
		keep('sil', OAK, step, { dueDate: '', dueTerm: 3, owner: 'English lead' });

		expect(await saveUnsaved(ctx, 'sil')).toEqual({
			saved: 1,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 0
		});
		const now = await dbFor(OAK).get<Record<string, unknown>>(step._id);
		expect(now.owner).toBe('English lead');
		expect(now.dueDate).toBeUndefined();
		expect(now.dueTerm).toBe(3);
	});

	it('adds what was typed on a booklet confirmed since as an addendum in the person’s name', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		const typedAt = Date.parse('2026-11-20T15:04:00.000Z');
		const area = { ...opened.discussion[0]!, evidence: 'Book looks; reading records seen' };
		const key = keep(
			'sil',
			OAK,
			opened,
			{ focus: 'Written after the visit', discussion: [area] },
			typedAt
		);
		// Meanwhile the SIL shared it from another device and the head confirmed it; that synced here.
		const confirmed = await put(OAK, { ...opened, status: 'confirmed' as const, confirmation });

		expect(await saveUnsaved(ctx, 'sil', { describe: named })).toEqual({
			saved: 0,
			added: 1,
			left: [],
			retryIn: null,
			waiting: 0
		});
		const now = await dbFor(OAK).get<VisitRecord>(opened._id);
		// What the head confirmed stays exactly as it was; the typing is appended after it.
		expect(now.status).toBe('confirmed');
		expect(now.focus).toBe(confirmed.focus);
		expect(now.discussion).toEqual(confirmed.discussion);
		expect(now.addenda).toHaveLength(1);
		expect(now.addenda[0]).toMatchObject({ by: 'sil', at: '2026-11-20T15:04:00.000Z' });
		expect(now.addenda[0]!.text.split('\n')).toEqual([
			'Changed before the headteacher’s confirmation reached the device it was typed on (not part of what was confirmed):',
			'• Focus of the visit: Written after the visit',
			'• Evidence of the area “Reading”: Book looks; reading records seen'
		]);
		expect(localStorage.getItem(key)).toBeNull();

		// The same note met again (another tab starting at the same moment) adds nothing twice.
		keep('sil', OAK, opened, { focus: 'Written after the visit', discussion: [area] }, typedAt);
		expect(await saveUnsaved(ctx, 'sil', { describe: named })).toEqual({
			saved: 0,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 0
		});
		expect((await dbFor(OAK).get<VisitRecord>(opened._id)).addenda).toHaveLength(1);
	});

	it('adds the addendum when the booklet is confirmed in the moment of the save', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		keep('sil', OAK, opened, { focus: 'Typed as the confirmation arrived' }, 1);
		const db = dbFor(OAK);
		let reads = 0;
		const racing: WriteContext = {
			...ctx,
			dbFor: () =>
				new Proxy(db, {
					get(target, prop, receiver) {
						if (prop !== 'get') return Reflect.get(target, prop, receiver) as unknown;
						return async (id: string) => {
							// The save's own read: a sync pass has just brought the confirmation.
							if (++reads === 2) await put(OAK, { ...opened, status: 'confirmed', confirmation });
							return target.get(id);
						};
					}
				})
		};

		expect(await saveUnsaved(racing, 'sil')).toMatchObject({ saved: 0, added: 1, left: [] });
		const now = await db.get<VisitRecord>(opened._id);
		expect(now.focus).toBe(opened.focus);
		expect(now.addenda[0]!.text).toContain('focus: Typed as the confirmation arrived');
	});

	it('forgets, without an addendum, a note the confirmed booklet already says', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		const key = keep('sil', OAK, opened, { focus: 'Phonics in Reception' });
		// The editor's save did reach the record before it was confirmed; only the note stayed.
		await put(OAK, { ...opened, focus: 'Phonics in Reception', status: 'confirmed', confirmation });

		expect(await saveUnsaved(ctx, 'sil')).toEqual({
			saved: 0,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 0
		});
		expect((await dbFor(OAK).get<VisitRecord>(opened._id)).addenda).toEqual([]);
		expect(localStorage.getItem(key)).toBeNull();
	});

	it('keeps, and lists to show, a note whose record is gone or refuses it, saying why', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		const shared = keep('sil', OAK, opened, { focus: 'Written after sharing' });
		await put(OAK, { ...opened, status: 'shared' as const });
		const step = nextStep({ _rev: '1-x' });
		const gone = keep('sil', OAK, step, { owner: 'Maths lead' });

		const done = await saveUnsaved(ctx, 'sil');
		expect(done).toMatchObject({ saved: 0, added: 0, retryIn: null, waiting: 0 });
		expect(done.left).toEqual(
			expect.arrayContaining([
				{
					key: shared,
					db: OAK,
					id: opened._id,
					reason:
						'This record has been shared with the headteacher: take it back to draft to change it.'
				},
				{ key: gone, db: OAK, id: step._id, reason: GONE }
			])
		);
		expect(done.left).toHaveLength(2);
		expect(localStorage.getItem(shared)).not.toBeNull();
		expect(localStorage.getItem(gone)).not.toBeNull();
		expect((await dbFor(OAK).get<{ focus: string }>(opened._id)).focus).not.toBe(
			'Written after sharing'
		);

		// As the Sync page shows them: which record, why, and the words typed, to copy.
		const shown = await describeLeftNotes(ctx, done.left, names);
		expect(
			shown.map(({ key, name, href, reason, typed }) => ({
				key,
				title: name.title,
				href,
				reason,
				typed
			}))
		).toEqual(
			expect.arrayContaining([
				{
					key: shared,
					title: 'SI discussion record, Oakfield Primary, visit on Fri 20 Nov 2026',
					href: { page: 'visit', id: opened._id },
					reason: done.left.find((l) => l.key === shared)!.reason,
					typed: [{ label: 'Focus of the visit', text: 'Written after sharing' }]
				},
				{
					key: gone,
					title: expect.stringMatching(/^Next step, Oakfield Primary/) as string,
					href: null,
					reason: GONE,
					typed: [{ label: 'Owner', text: 'Maths lead' }]
				}
			])
		);
		// Saved by its editor since, or discarded: no longer shown.
		localStorage.removeItem(gone);
		expect((await describeLeftNotes(ctx, done.left, names)).map((n) => n.key)).toEqual([shared]);
	});

	it('keeps a note an open editor rewrote while it was being saved', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		const key = keep('sil', OAK, opened, { focus: 'Phonics' });
		const db = dbFor(OAK);
		const typing: WriteContext = {
			...ctx,
			dbFor: () =>
				new Proxy(db, {
					get(target, prop, receiver) {
						if (prop !== 'put') return Reflect.get(target, prop, receiver) as unknown;
						return (doc: PouchDB.Core.PutDocument<object>) => {
							keep('sil', OAK, opened, { focus: 'Phonics in Reception' });
							return target.put(doc);
						};
					}
				})
		};

		expect(await saveUnsaved(typing, 'sil')).toEqual({
			saved: 1,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 0
		});
		expect((await db.get<{ focus: string }>(opened._id)).focus).toBe('Phonics');
		expect(JSON.parse(localStorage.getItem(key)!)).toMatchObject({
			draft: { focus: 'Phonics in Reception' }
		});
	});

	it('leaves another person’s notes alone', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		const theirs = keep('head.oakfield', OAK, opened, { focus: 'Not mine to save' });

		expect(await saveUnsaved(ctx, 'sil')).toEqual({
			saved: 0,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 0
		});
		expect(localStorage.getItem(theirs)).not.toBeNull();
		expect((await dbFor(OAK).get<{ focus: string }>(opened._id)).focus).not.toBe(
			'Not mine to save'
		);
	});

	it('leaves a note written a moment ago, perhaps by an editor open in another tab, until it settles', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		const written = 1_800_000_000_000;
		const key = keep('sil', OAK, opened, { focus: 'Still being typed' }, written);

		expect(await saveUnsaved(ctx, 'sil', { at: written + 4_000 })).toEqual({
			saved: 0,
			added: 0,
			left: [],
			retryIn: SETTLE_MS - 4_000,
			waiting: 0
		});
		expect(localStorage.getItem(key)).not.toBeNull();
		expect(await saveUnsaved(ctx, 'sil', { at: written + SETTLE_MS })).toEqual({
			saved: 1,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 0
		});
		expect((await dbFor(OAK).get<{ focus: string }>(opened._id)).focus).toBe('Still being typed');
		expect(localStorage.getItem(key)).toBeNull();
	});

	it('leaves a note until its database has caught up with the trust, then saves it', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		const key = keep('sil', OAK, opened, { focus: 'Typed before the trust moved on' });
		const catchingUp = (db: string) => db === OAK;

		expect(await saveUnsaved(ctx, 'sil', { catchingUp })).toEqual({
			saved: 0,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 1
		});
		expect(localStorage.getItem(key)).not.toBeNull();
		expect((await dbFor(OAK).get<{ focus: string }>(opened._id)).focus).not.toBe(
			'Typed before the trust moved on'
		);
		// Caught up: the booklet the trust shared meanwhile refuses it, and it is shown, not clashed.
		await put(OAK, { ...(await dbFor(OAK).get(opened._id)), status: 'shared' });
		const done = await saveUnsaved(ctx, 'sil', { catchingUp: () => false });
		expect(done).toMatchObject({ saved: 0, added: 0, waiting: 0 });
		expect(done.left.map((l) => l.key)).toEqual([key]);
	});

	it('leaves the note of an editor open in this tab to that editor', async () => {
		const opened = await put(OAK, visit({ status: 'draft' }));
		const key = keep('sil', OAK, opened, { focus: 'The editor saves this' });
		const release = holdOpen(key);

		expect(await saveUnsaved(ctx, 'sil')).toEqual({
			saved: 0,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 0
		});
		expect(localStorage.getItem(key)).not.toBeNull();
		release();
		expect(await saveUnsaved(ctx, 'sil')).toEqual({
			saved: 1,
			added: 0,
			left: [],
			retryIn: null,
			waiting: 0
		});
	});
});
