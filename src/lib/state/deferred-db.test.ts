import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { describe, expect, it } from 'vitest';
import { deferredDb, watchWrites } from './deferred-db';

describe('a database that is still opening', () => {
	it('keeps a save made before it opened, and answers reads once it has', async () => {
		let open: (db: PouchDB.Database) => void = () => undefined;
		const opened = new Promise<PouchDB.Database>((r) => (open = r));
		const db = deferredDb(() => opened);
		// Awaiting the stand-in itself must not hang: it is not a promise.
		expect(await Promise.resolve(db)).toBe(db);

		const saved = db.put({ _id: 'note', text: 'Typed before the app had loaded' });
		const real = new PouchDB(`deferred-${Date.now()}`);
		open(real);
		expect((await saved).ok).toBe(true);
		expect(await db.get('note')).toMatchObject({ text: 'Typed before the app had loaded' });
		expect(await real.get('note')).toMatchObject({ text: 'Typed before the app had loaded' });
		await real.destroy();
	});

	it('passes on the error of a database that could not open', async () => {
		const db = deferredDb(() => Promise.reject(new Error('The app could not load part of itself')));
		await expect(db.get('note')).rejects.toThrow('could not load part of itself');
	});

	it('says when a write starts and ends, whether or not it is stored, and not for a read', async () => {
		const real = new PouchDB(`watched-${Date.now()}`);
		const said: string[] = [];
		const db = watchWrites(real, {
			before: () => said.push('before'),
			after: () => said.push('after')
		});
		const saving = db.put({ _id: 'note', text: 'Typed' });
		expect(said).toEqual(['before']);
		await saving;
		expect(said).toEqual(['before', 'after']);
		await db.get('note');
		expect(said).toHaveLength(2);
		await expect(db.put({ _id: 'note', text: 'Again, from an old revision' })).rejects.toThrow();
		expect(said).toEqual(['before', 'after', 'before', 'after']);
		await real.destroy();
	});
});
