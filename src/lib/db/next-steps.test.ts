import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { head, nextStep, sil, visit } from '../../../tests/unit/fixtures';
import { resolveDoc } from '$lib/sync/resolve';
import { removeNextStep, restoreNextStep, updateNextStep } from './next-steps';
import { RecordRefused, type WriteContext } from './repository';
import { confirmVisit } from './visits';

let n = 0;
let pouch: PouchDB.Database;
const ctxFor = (user: { name: string; roles: string[] }): WriteContext => ({
	user,
	dbFor: () => pouch,
	device: 'Chromium on Linux, signed in 25 Nov'
});
const ID = 'next-step:2026-27:a1';

beforeEach(async () => {
	pouch = new PouchDB(`next-steps-${++n}`);
	await pouch.put(nextStep() as PouchDB.Core.PutDocument<object>);
});
afterEach(async () => {
	await pouch.destroy();
});

describe('removing a next step can be undone', () => {
	it('removes it, and puts it back under the same id with its words', async () => {
		const removed = await removeNextStep(ctxFor(sil), 'oakfield', ID);
		await expect(pouch.get(ID)).rejects.toMatchObject({ status: 404 });

		await restoreNextStep(ctxFor(sil), removed);
		const back = (await pouch.get(ID)) as unknown as ReturnType<typeof nextStep>;
		expect(back.action).toBe('Embed the new phonics scheme in year 1');
		expect(back.successCriteria).toBe('All year 1 staff teach the scheme daily');
	});

	it('is refused to a headteacher, in words, and nothing is removed', async () => {
		await expect(removeNextStep(ctxFor(head), 'oakfield', ID)).rejects.toBeInstanceOf(
			RecordRefused
		);
		expect(((await pouch.get(ID)) as { action?: string }).action).toBe(
			'Embed the new phonics scheme in year 1'
		);
	});
});

describe('a next step the head confirmed is kept from a removal made on a device that had not seen it', () => {
	// The SIL's tablet and the head's phone each hold the record and its step; `pouch` is the tablet.
	let phone: PouchDB.Database;
	const VISIT = 'visit:2026-27:t2:v1';
	const on = (db: PouchDB.Database, user: { name: string; roles: string[] }): WriteContext => ({
		user,
		dbFor: () => db,
		device: 'Chromium on Linux, signed in 25 Nov'
	});
	const both = async () => {
		await PouchDB.replicate(pouch, phone);
		await PouchDB.replicate(phone, pouch);
	};
	type Read = {
		action?: string;
		owner?: string;
		headReply?: { agrees: boolean; by: string; reason: string };
	};
	const read = (db: PouchDB.Database) =>
		db.get(ID, { conflicts: true }) as Promise<
			PouchDB.Core.ExistingDocument<Read> & { _conflicts?: string[] }
		>;

	beforeEach(async () => {
		phone = new PouchDB(`next-steps-phone-${n}`);
		await pouch.put(visit({ status: 'draft' }) as PouchDB.Core.PutDocument<object>);
		await PouchDB.replicate(pouch, phone);
		// The record is shared (from the SIL's laptop): the phone has it, the offline tablet not.
		const shared = await phone.get(VISIT);
		await phone.put({ ...shared, status: 'shared' });
	});
	afterEach(async () => {
		await phone.destroy();
	});

	it('comes back, agreed by the head, on both devices, with no conflict for anyone to settle', async () => {
		await removeNextStep(ctxFor(sil), 'oakfield', ID);
		await confirmVisit(on(phone, head), 'oakfield', VISIT, '', [ID]);
		await both();
		for (const db of [pouch, phone]) {
			const step = await read(db);
			expect(step.action).toBe('Embed the new phonics scheme in year 1');
			expect(step.headReply).toMatchObject({ agrees: true, by: head.name, reason: '' });
			expect(step._conflicts).toBeUndefined();
			// The removal is kept as a deleted leaf, which loses to the head's revision.
			const leaves = (await db.get(ID, { open_revs: 'all' })) as { ok?: { _deleted?: boolean } }[];
			expect(leaves.map((l) => !!l.ok?._deleted).sort()).toEqual([false, true]);
		}
	});

	it('keeps a disagreement the head had given, and the step with it', async () => {
		await phone.put({
			...(await phone.get(ID)),
			headReply: {
				by: head.name,
				at: '2026-11-24T09:00:00.000Z',
				agrees: false,
				reason: 'Too soon'
			}
		});
		await both();
		await removeNextStep(ctxFor(sil), 'oakfield', ID);
		await confirmVisit(on(phone, head), 'oakfield', VISIT, '', [ID]);
		await both();
		for (const db of [pouch, phone]) {
			expect((await read(db)).headReply).toMatchObject({ agrees: false, reason: 'Too soon' });
		}
	});

	it('keeps a change of wording made on the out-of-date device beside the head’s agreement, with no question', async () => {
		await updateNextStep(ctxFor(sil), 'oakfield', ID, { owner: 'English lead' });
		await confirmVisit(on(phone, head), 'oakfield', VISIT, '', [ID]);
		await both();
		// Whichever of the two may write the merge settles it (the SIL may not add the head's reply,
		// the head may not change the wording); the other finds nothing to do.
		await resolveDoc({ user: sil, db: 'school-oakfield', local: pouch }, ID);
		await resolveDoc({ user: head, db: 'school-oakfield', local: phone }, ID);
		await both();
		for (const db of [pouch, phone]) {
			const step = await read(db);
			expect(step.owner).toBe('English lead');
			expect(step.headReply).toMatchObject({ agrees: true, by: head.name });
			expect(step._conflicts).toBeUndefined();
		}
	});

	it('is still removed by its visitor once their device has seen the head’s revision', async () => {
		await confirmVisit(on(phone, head), 'oakfield', VISIT, '', [ID]);
		await both();
		await removeNextStep(ctxFor(sil), 'oakfield', ID);
		await both();
		for (const db of [pouch, phone])
			await expect(db.get(ID)).rejects.toMatchObject({ status: 404 });
	});
});

describe('confirming a record whose next step cannot be written', () => {
	const VISIT = 'visit:2026-27:t2:v1';
	type Read = { status?: string; headReply?: unknown };
	// This device's database, whose writes of the next step fail (a full or broken store).
	const failingSteps = (): WriteContext => ({
		user: head,
		device: 'Chromium on Linux, signed in 25 Nov',
		dbFor: () =>
			({
				get: (id: string, opts?: object) => pouch.get(id, opts ?? {}),
				put: (d: { _id: string }) =>
					d._id === ID
						? Promise.reject(Object.assign(new Error('QuotaExceededError'), { status: 500 }))
						: pouch.put(d)
			}) as unknown as PouchDB.Database
	});

	it('is not made, and the head is told to try again with nothing lost', async () => {
		await pouch.put(visit({ status: 'shared' }) as PouchDB.Core.PutDocument<object>);
		await expect(confirmVisit(failingSteps(), 'oakfield', VISIT, 'I agree', [ID])).rejects.toThrow(
			/The record is not confirmed: one of its next steps could not be saved.*Nothing you typed is lost\. Try again/
		);
		expect(((await pouch.get(VISIT)) as Read).status).toBe('shared');
	});

	it('agrees no step when the record cannot be confirmed', async () => {
		await pouch.put(visit({ status: 'draft' }) as PouchDB.Core.PutDocument<object>);
		await expect(confirmVisit(ctxFor(head), 'oakfield', VISIT, '', [ID])).rejects.toBeInstanceOf(
			RecordRefused
		);
		expect(((await pouch.get(ID)) as Read).headReply).toBeUndefined();
	});
});
