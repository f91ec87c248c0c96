import '../../../tests/unit/browser-env';
import fc from 'fast-check';
import { installStorage } from '../../../tests/unit/memory-storage';
import { beforeEach, describe, expect, it } from 'vitest';
import {
	forgetNotes,
	keepNote,
	notesWritten,
	reconcile,
	recoverNote,
	recoverNotes,
	type Mirrored
} from './kept-notes';

// A browser killed before localStorage reached the disk: the notes of typing it held come back from
// IndexedDB (fake-indexeddb here), whatever part of localStorage's writes was lost.

const storage = installStorage();

let n = 0;
let user = '';
beforeEach(() => {
	storage.clear();
	user = `sil${++n}`;
});

/** A note as the editors keep it, written at `at`. */
const note = (text: string, at: number) =>
	JSON.stringify({ db: 'd', id: 'r', draft: { text }, at });
const draft = (text: string, at: number) => JSON.stringify({ text, '@at': at });

describe('reconcile', () => {
	const value = fc.option(fc.string(), { nil: null });
	it('puts back what IndexedDB holds unless localStorage holds the same or a later note', () => {
		fc.assert(
			fc.property(
				value,
				value,
				fc.nat(1000),
				fc.integer({ min: -1000, max: 1000 }),
				(text, local, at, ahead) => {
					const mirrored: Mirrored = { key: 'k', value: text, at };
					const localNote = local === null ? null : note(local, at + ahead);
					const put = reconcile(localNote, mirrored);
					if (text === localNote || (localNote !== null && ahead > 0)) expect(put).toBeNull();
					else expect(put).toEqual({ value: text });
				}
			)
		);
	});

	it('leaves localStorage alone when IndexedDB holds nothing for the note', () => {
		expect(reconcile(note('a', 1), undefined)).toBeNull();
		expect(reconcile(null, undefined)).toBeNull();
	});

	it('reads the time of a draft kept by hand as well as an editor’s', () => {
		expect(reconcile(draft('later', 20), { key: 'k', value: draft('sooner', 10), at: 10 })).toBe(
			null
		);
		expect(reconcile(draft('sooner', 10), { key: 'k', value: draft('later', 20), at: 20 })).toEqual(
			{ value: draft('later', 20) }
		);
	});
});

describe('notes kept in IndexedDB as well as localStorage', () => {
	const keyOf = (i: number) => `si:unsaved:d/r${i}:${user}`;
	type Op = { key: number; text: string | null };
	const ops = fc.array(
		fc.record({ key: fc.nat(2), text: fc.option(fc.string({ maxLength: 8 }), { nil: null }) }),
		{ minLength: 1, maxLength: 12 }
	);

	it('whatever tail of localStorage’s writes a killed browser lost, the start puts back the last of each note', async () => {
		await fc.assert(
			fc.asyncProperty(ops, fc.nat(), async (writes: Op[], cut) => {
				storage.clear();
				user = `sil${++n}`;
				const kept = Math.min(cut % (writes.length + 1), writes.length);
				let onDisk = storage.snapshot();
				const last = new Map<string, string | null>();
				let at = Date.now();
				for (const [i, w] of writes.entries()) {
					const value = w.text === null ? null : note(w.text, at++);
					keepNote(keyOf(w.key), value);
					last.set(keyOf(w.key), value);
					if (i + 1 === kept) onDisk = storage.snapshot();
				}
				await notesWritten();
				// Killed: localStorage as it was `kept` writes in.
				storage.restore(onDisk);
				await recoverNotes(user);
				for (const [key, value] of last) expect(storage.getItem(key)).toBe(value);
			}),
			{ numRuns: 60 }
		);
	});

	it('a form opening takes back its own note, and only its own', async () => {
		keepNote(`si:draft:progress:s1:${user}`, draft('Phonics groups', Date.now()));
		keepNote(`si:draft:progress:s2:${user}`, draft('Reading', Date.now()));
		await notesWritten();
		storage.clear();
		expect(await recoverNote(`si:draft:progress:s1:${user}`, () => false)).toBe(true);
		expect(storage.getItem(`si:draft:progress:s1:${user}`)).toContain('Phonics groups');
		expect(storage.getItem(`si:draft:progress:s2:${user}`)).toBeNull();
		// Already there: nothing to take back.
		expect(await recoverNote(`si:draft:progress:s1:${user}`, () => false)).toBe(false);
	});

	it('a form that writes the older note it opened on at once still takes back the newer one', async () => {
		const key = `si:unsaved:d/r:${user}`;
		keepNote(key, note('Phonics', Date.now()));
		const older = storage.snapshot();
		keepNote(key, note('Phonics in Year 1', Date.now()));
		await notesWritten();
		storage.restore(older);
		// As `RecordForm` opens: asks first, then saves the note it read, in the same task.
		const asked = recoverNote(key, () => false);
		keepNote(key, storage.getItem(key));
		expect(await asked).toBe(true);
		expect(storage.getItem(key)).toContain('Phonics in Year 1');
		await notesWritten();
		// IndexedDB still holds the newer note: a killed browser again would not lose it.
		storage.clear();
		await recoverNotes(user);
		expect(storage.getItem(key)).toContain('Phonics in Year 1');
	});

	it('what the person typed since the form opened stands, in both places', async () => {
		const key = `si:draft:progress:s1:${user}`;
		keepNote(key, draft('Phonics groups meet', Date.now()));
		await notesWritten();
		storage.clear();
		let typed = false;
		const asked = recoverNote(key, () => typed);
		typed = true;
		keepNote(key, draft('Reading', Date.now() + 1));
		expect(await asked).toBe(false);
		expect(storage.getItem(key)).toContain('Reading');
		await notesWritten();
		storage.clear();
		await recoverNotes(user);
		expect(storage.getItem(key)).toContain('Reading');
	});

	it('a note discarded stays discarded, though localStorage lost its removal', async () => {
		const key = `si:draft:reason:s1:${user}`;
		keepNote(key, draft('Not agreed', Date.now()));
		const before = storage.snapshot();
		keepNote(key, null);
		await notesWritten();
		storage.restore(before);
		expect(await recoverNotes(user)).toBe(1);
		expect(storage.getItem(key)).toBeNull();
	});

	it('a later note in localStorage than IndexedDB holds is kept', async () => {
		const key = `si:unsaved:d/r:${user}`;
		keepNote(key, note('first', 1));
		await notesWritten();
		// Written by another tab whose IndexedDB write has not landed, say.
		storage.setItem(key, note('second', Date.now() + 60_000));
		expect(await recoverNotes(user)).toBe(0);
		expect(storage.getItem(key)).toContain('second');
	});

	it('signing out takes the person’s notes from IndexedDB too, and no one else’s', async () => {
		const other = `${user}-colleague`;
		keepNote(`si:unsaved:d/r:${user}`, note('mine', Date.now()));
		keepNote(`si:unsaved:d/r:${other}`, note('theirs', Date.now()));
		await forgetNotes(user);
		storage.clear();
		expect(await recoverNotes(user)).toBe(0);
		expect(storage.getItem(`si:unsaved:d/r:${user}`)).toBeNull();
		expect(await recoverNotes(other)).toBe(1);
		expect(storage.getItem(`si:unsaved:d/r:${other}`)).toContain('theirs');
	});
});
