import '../../../tests/unit/browser-env';
import { afterEach, describe, expect, it } from 'vitest';
import { localDb, reopenIfBroken } from './pouch';

let n = 0;
const user = 'head.oakfield';
let db = '';
const closing = () =>
	Object.assign(new Error('The database connection is closing.'), { name: 'InvalidStateError' });
/** Every call on `instance` fails as on a connection an aborted transaction closed. */
function breakConnection(instance: PouchDB.Database) {
	const fail = () => Promise.reject(closing());
	Object.assign(instance, { info: fail, put: fail, get: fail });
}

afterEach(async () => {
	await localDb(user, db).destroy();
});

describe('opening a local database again after its connection failed', () => {
	it('tries a save on the database another caller opened again at the same moment', async () => {
		db = `school-race-${n++}`;
		const first = localDb(user, db);
		await first.info();
		breakConnection(first);
		// The sync and the save find the broken connection at once; the sync gets there first.
		const [bySync, bySave] = await Promise.all([
			reopenIfBroken(user, db, closing()),
			reopenIfBroken(user, db, closing(), first)
		]);
		expect(bySync).toBe(localDb(user, db));
		expect(bySave).toBe(localDb(user, db));
		expect(bySave).not.toBe(first);
		await bySave!.put({ _id: 'update', note: 'Saved once the phone had room again' });
		expect(await localDb(user, db).get('update')).toMatchObject({
			note: 'Saved once the phone had room again'
		});
	});

	it('tries a save on the database open now when the one it failed on was forgotten before', async () => {
		db = `school-before-${n++}`;
		const first = localDb(user, db);
		await first.info();
		breakConnection(first);
		const reopened = await reopenIfBroken(user, db, closing());
		expect(reopened).not.toBe(first);
		expect(await reopenIfBroken(user, db, closing(), first)).toBe(reopened);
	});

	it('keeps a sound database, and has nothing for a save that failed on it to try again', async () => {
		db = `school-sound-${n++}`;
		const sound = localDb(user, db);
		await sound.info();
		expect(await reopenIfBroken(user, db, closing(), sound)).toBeNull();
		expect(await reopenIfBroken(user, db, closing())).toBeNull();
		expect(localDb(user, db)).toBe(sound);
		// An error that is not the storage's is no reason to open anything again.
		const conflict = Object.assign(new Error('Document update conflict'), { name: 'conflict' });
		expect(await reopenIfBroken(user, db, conflict, sound)).toBeNull();
	});
});
