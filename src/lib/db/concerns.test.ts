import PouchDB from 'pouchdb-node';
import { afterEach, describe, expect, it } from 'vitest';
import { CONCERNS_DB, validateDocUpdate, type Concern } from '$lib/domain';
import { ceo, sil } from '../../../tests/unit/fixtures';
import { openMemoryDb, uniqueName } from '../../../tests/unit/memory-pouch';
import { resolveDoc } from '$lib/sync/resolve';
import { closeConcern, raiseConcern, recordConcernAction } from './concerns';
import { RecordRefused, type WriteContext } from './repository';

// Issue 15: what the CEO records about a concern is only ever added to, so two devices that each
// record something offline both keep it once they meet, and the merge passes the server's rules.

const opened: PouchDB.Database[] = [];
function device(name: string) {
	const db = openMemoryDb(uniqueName(name));
	opened.push(db);
	return db;
}
afterEach(async () => {
	await Promise.all(opened.splice(0).map((db) => db.close().catch(() => undefined)));
});

const ctx = (user: typeof sil, db: PouchDB.Database, device: string): WriteContext => ({
	user,
	dbFor: () => db,
	device,
	fullName: user === ceo ? 'Dr Margaret Ellison' : 'James Whitfield'
});
const sync = (x: PouchDB.Database, y: PouchDB.Database) => PouchDB.sync(x, y);

async function raised(db: PouchDB.Database): Promise<Concern> {
	return raiseConcern(ctx(sil, db, 'SIL laptop'), {
		schoolId: 'oakfield',
		visitId: 'visit:2026-27:t2:v1',
		raisedOn: '2026-11-20',
		title: 'Year 5 attendance falling',
		seen: 'Registers show 88% attendance in year 5 since half term.',
		level: 'action'
	});
}

describe('a concern on the devices', () => {
	it('keeps what the CEO recorded on two devices offline, once they meet', async () => {
		const hub = device('hub');
		const laptop = device('laptop');
		const phone = device('phone');
		const concern = await raised(laptop);
		await sync(laptop, hub);
		await sync(phone, hub);
		const fromLaptop = await recordConcernAction(ctx(ceo, laptop, 'Laptop'), concern, {
			on: '2026-11-23',
			text: 'Met the headteacher'
		});
		await recordConcernAction(ctx(ceo, phone, 'Phone'), concern, {
			on: '2026-11-24',
			text: 'Attendance officer visit booked'
		});
		await sync(laptop, hub);
		await sync(phone, hub);
		await sync(laptop, hub);
		const out = await resolveDoc({ user: ceo, db: CONCERNS_DB, local: laptop }, concern._id);
		expect(out.kind).toBe('resolved');
		const merged = (await laptop.get(concern._id, { conflicts: true })) as unknown as Concern;
		expect(merged._conflicts).toBeUndefined();
		expect(merged.actions.map((a) => a.text).sort()).toEqual([
			'Attendance officer visit booked',
			'Met the headteacher'
		]);
		expect(merged.choices ?? []).toEqual([]);
		// The trust's server accepts the merge over either device's revision.
		expect(validateDocUpdate(merged, fromLaptop, ceo, CONCERNS_DB)).toEqual({ ok: true });
	});

	it('refuses, in words, what the rules refuse, before anything is written', async () => {
		const db = device('one');
		const concern = await raised(db);
		const asCeo = ctx(ceo, db, 'Laptop');
		await expect(
			recordConcernAction(ctx(sil, db, 'SIL laptop'), concern, { on: '2026-11-23', text: 'Called' })
		).rejects.toThrow(
			new RecordRefused('Only the chief executive records what was done about a concern.')
		);
		await expect(
			recordConcernAction(asCeo, concern, { on: '2026-11-23', text: '  ' })
		).rejects.toThrow('Say what was done.');
		const closed = await closeConcern(asCeo, concern, { on: '2026-11-25', note: '' });
		expect(closed.closed).toMatchObject({
			by: 'ceo',
			name: 'Dr Margaret Ellison',
			on: '2026-11-25'
		});
		await expect(closeConcern(asCeo, closed, { on: '2026-11-26', note: '' })).rejects.toThrow(
			'This concern has already been closed.'
		);
		expect((await db.get(concern._id)) as unknown as Concern).toMatchObject({
			closed: { on: '2026-11-25' }
		});
	});
});
