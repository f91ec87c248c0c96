import '../../../tests/unit/browser-env';
import PouchDB from 'pouchdb-browser';
import { describe, expect, it } from 'vitest';
import { deferredDb, watchWrites } from './deferred-db';
import { StorageRefused } from '$lib/db/storage-refused';

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

	it('says in plain words when the device refuses to store a write, and passes other errors on', async () => {
		// What PouchDB's IndexedDB adapter rejects with when a transaction aborts (pouchdb-browser's
		// `idbError`): the browser's reason beside a message of "unknown".
		const refused = (reason: string) =>
			Object.assign(new Error('unknown'), { status: 500, name: 'indexed_db_went_bad', reason });
		let next: unknown;
		const failing = { put: () => Promise.reject(next) } as unknown as PouchDB.Database;
		const db = watchWrites(failing, { before: () => undefined, after: () => undefined });

		next = refused('QuotaExceededError');
		await expect(db.put({ _id: 'note' })).rejects.toThrow(
			'Not saved: this device’s storage is full. Free some space on it'
		);
		next = refused('unknown_error');
		const err = await db.put({ _id: 'note' }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(StorageRefused);
		expect((err as Error).message).toBe(
			'Not saved: this device could not store it. Save again; if it goes on, reload the app.'
		);
		expect((err as Error).cause).toBe(next);
		// A conflict is not a refusal: the repository retries it on the latest revision.
		next = Object.assign(new Error('Document update conflict'), { status: 409, name: 'conflict' });
		await expect(db.put({ _id: 'note' })).rejects.toBe(next);
	});

	it('tries a write once more on the database opened again after its connection failed', async () => {
		const closing = Object.assign(new Error('The database connection is closing.'), {
			name: 'InvalidStateError'
		});
		const dead = { put: () => Promise.reject(closing) } as unknown as PouchDB.Database;
		const fresh = new PouchDB(`reopened-${Date.now()}`);
		const said: string[] = [];
		const db = watchWrites(dead, {
			before: () => said.push('before'),
			after: () => said.push('after'),
			stored: () => said.push('stored'),
			failed: () => said.push('failed'),
			reopen: (err) => Promise.resolve(err === closing ? fresh : null)
		});
		await db.put({ _id: 'note', text: 'Typed once the phone had room again' });
		expect(await fresh.get('note')).toMatchObject({ text: 'Typed once the phone had room again' });
		expect(said).toEqual(['before', 'failed', 'stored', 'after']);

		// Opened again and failing again: once more only, then the person is told.
		const again = watchWrites(dead, {
			before: () => undefined,
			after: () => undefined,
			reopen: () => Promise.resolve(dead)
		});
		await expect(again.put({ _id: 'other' })).rejects.toThrow(
			'Not saved: this device could not store it.'
		);
		await fresh.destroy();
	});
});
