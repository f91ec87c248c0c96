// Notes of typing not yet in a record (an editor's unsaved changes, `Unsaved`; a draft of a form
// sent by hand, `KeptDraft` and `KeptCells`) are kept in localStorage, which a form opening reads
// in the same task. Chromium writes localStorage to disk only seconds after it changes (about 5 s
// at first, less often while writes go on), so a browser killed in that time (a phone's battery
// gone, the system ending it) loses them, and a draft sent by hand has no other copy. Each note is
// therefore kept in IndexedDB too, in a transaction committed to disk (`durability: 'strict'`) a
// moment after the keystroke; a form opening, and the app's start, take back into localStorage any
// note that localStorage lost there. Without schemas and without Svelte.

import { AT } from './kept-drafts';

const DB_NAME = 'si-notes';
const STORE = 'notes';

/** A note as IndexedDB keeps it: its text as localStorage held it, or null once it was removed. */
export interface Mirrored {
	key: string;
	value: string | null;
	/** When it was written (ms since 1970). */
	at: number;
}

/** When a note kept in localStorage was written (`Unsaved.at`, a draft's `@at`), or null. */
export function noteTime(raw: string | null): number | null {
	if (raw === null) return null;
	try {
		const v: unknown = JSON.parse(raw);
		if (typeof v !== 'object' || v === null) return null;
		const at = (v as Record<string, unknown>).at ?? (v as Record<string, unknown>)[AT];
		return typeof at === 'number' ? at : null;
	} catch {
		return null;
	}
}

/**
 * What localStorage should hold for a note, given what it holds (`local`) and IndexedDB's copy:
 * `{ value }` to put there (null: remove it), or null to leave it as it is. IndexedDB's copy is
 * written in the same task as localStorage's and reaches the disk first, so it wins unless
 * localStorage's note is the later one (IndexedDB refused a write).
 */
export function reconcile(
	local: string | null,
	mirrored: Mirrored | undefined
): { value: string | null } | null {
	if (!mirrored || mirrored.value === local) return null;
	const localAt = noteTime(local);
	if (local !== null && localAt !== null && localAt > mirrored.at) return null;
	return { value: mirrored.value };
}

let opened: Promise<IDBDatabase | null> | null = null;

function open(): Promise<IDBDatabase | null> {
	opened ??= new Promise<IDBDatabase | null>((resolve) => {
		if (typeof indexedDB === 'undefined') return resolve(null);
		try {
			const req = indexedDB.open(DB_NAME, 1);
			req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
			req.onsuccess = () => resolve(req.result);
			// No IndexedDB (refused, a private window): localStorage alone keeps the notes, as before.
			req.onerror = () => resolve(null);
			req.onblocked = () => resolve(null);
		} catch {
			resolve(null);
		}
	});
	return opened;
}

function done(tx: IDBTransaction): Promise<void> {
	return new Promise((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
		tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
	});
}

function request<T>(req: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
	});
}

/** Writes not yet handed to IndexedDB, by key: only the latest of each is written. */
const pending = new Map<string, Mirrored>();
let writing: Promise<void> | null = null;
let lastAt = 0;

async function writePending(): Promise<void> {
	const db = await open();
	while (pending.size > 0) {
		const batch = [...pending.values()];
		pending.clear();
		if (!db) continue;
		try {
			const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
			const store = tx.objectStore(STORE);
			for (const m of batch) store.put(m);
			await done(tx);
		} catch {
			// Refused (storage full): an older copy must not outlive the note, so it goes.
			try {
				const tx = db.transaction(STORE, 'readwrite');
				for (const m of batch) tx.objectStore(STORE).delete(m.key);
				await done(tx);
			} catch {
				// localStorage still holds the note.
			}
		}
	}
}

/** IndexedDB's copy of the notes is written; for tests, and for signing out. */
export async function notesWritten(): Promise<void> {
	while (writing) await writing;
}

/** Hand what is pending to IndexedDB, one transaction at a time. */
function schedule(): void {
	writing ??= writePending().finally(() => {
		writing = null;
		// A write asked for as the last transaction finished.
		if (pending.size > 0) schedule();
	});
}

/**
 * Forms opening on a note whose IndexedDB copy is being read (`recoverNote`), by key, with how many;
 * their writes wait in `held` until it has been, so that a write made from localStorage's older
 * note as the form opened never replaces IndexedDB's newer one first.
 */
const holding = new Map<string, number>();
const held = new Map<string, Mirrored>();

/**
 * Keep the note `value` at `key` (null: forget it), in localStorage at once and in IndexedDB a
 * moment later. False when localStorage refused it (full); IndexedDB may still keep it.
 */
export function keepNote(key: string, value: string | null): boolean {
	let kept = true;
	try {
		if (value === null) localStorage.removeItem(key);
		else localStorage.setItem(key, value);
	} catch {
		kept = false;
	}
	// Never earlier than the note's own time, which `reconcile` compares it with, nor than the
	// last note kept (a clock set back).
	lastAt = Math.max(Date.now(), noteTime(value) ?? 0, lastAt);
	const note = { key, value, at: lastAt };
	if (holding.has(key)) held.set(key, note);
	else {
		pending.set(key, note);
		schedule();
	}
	return kept;
}

/** Put IndexedDB's copy `m` of the note at `key` into localStorage if `local` is older; whether it did. */
function takeBack(m: Mirrored | undefined, key: string, local: string | null): boolean {
	const put = reconcile(local, m);
	if (!put) return false;
	try {
		if (put.value === null) localStorage.removeItem(key);
		else localStorage.setItem(key, put.value);
		return true;
	} catch {
		return false;
	}
}

/** IndexedDB's copy of the note at `key`, if it has one. */
export async function readMirrored(key: string): Promise<Mirrored | undefined> {
	const db = await open();
	if (!db) return undefined;
	return request<Mirrored | undefined>(
		db.transaction(STORE, 'readonly').objectStore(STORE).get(key)
	);
}

/**
 * A form opening on the note at `key`, having read it from localStorage: called before the form
 * writes anything. Gives whether localStorage had lost the note (or held an older one) and now
 * holds IndexedDB's copy, for the form to read again. Not when the person has typed since the
 * form opened (`typedSince`): what they typed stands.
 */
export async function recoverNote(key: string, typedSince: () => boolean): Promise<boolean> {
	let local: string | null;
	try {
		local = localStorage.getItem(key);
	} catch {
		return false;
	}
	// A write of this tab not yet in IndexedDB is newer than what it holds.
	const before = pending.has(key) || writing !== null;
	holding.set(key, (holding.get(key) ?? 0) + 1);
	let taken = false;
	try {
		if (before) await notesWritten();
		const m = await readMirrored(key);
		taken = !typedSince() && takeBack(m, key, local);
		return taken;
	} catch {
		return false;
	} finally {
		const n = (holding.get(key) ?? 1) - 1;
		if (n > 0) holding.set(key, n);
		else {
			holding.delete(key);
			const write = held.get(key);
			held.delete(key);
			// Made from the older note the form opened on: the form writes again from what it took back.
			if (write && !taken) {
				pending.set(key, write);
				schedule();
			}
		}
	}
}

/** Keys of `user`'s notes (`userKey`: `si:<what>:<user>`). */
const ofUser = (key: string, user: string) => key.startsWith('si:') && key.endsWith(`:${user}`);

/**
 * At the app's start: every note of `user` localStorage lost is put back from IndexedDB, and
 * IndexedDB's record of notes since removed is cleared. Gives how many were put back or removed.
 * With `only`, the notes whose keys it accepts, and no others (a form taking over the drafts of
 * tabs that are gone, which no other tab writes any more); with `prefix`, only keys starting with
 * it are read (a form's own drafts, not every note kept).
 */
export async function recoverNotes(
	user: string,
	only: (key: string) => boolean = () => true,
	prefix = 'si:'
): Promise<number> {
	const db = await open();
	if (!db) return 0;
	try {
		const tx = db.transaction(STORE, 'readonly');
		const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
		const all = await request<Mirrored[]>(tx.objectStore(STORE).getAll(range));
		let changed = 0;
		const gone: string[] = [];
		for (const m of all) {
			if (!ofUser(m.key, user) || !only(m.key)) continue;
			// A form open on it takes it back itself; a write of this tab not yet there is newer.
			const busy = holding.has(m.key) || pending.has(m.key);
			if (!busy && takeBack(m, m.key, localStorage.getItem(m.key))) changed++;
			if (m.value === null && !busy) gone.push(m.key);
		}
		if (gone.length > 0) {
			const clear = db.transaction(STORE, 'readwrite');
			for (const key of gone) clear.objectStore(STORE).delete(key);
			await done(clear);
		}
		return changed;
	} catch {
		return 0;
	}
}

/** Signing out: IndexedDB's copies of `user`'s notes go, as localStorage's do. */
export async function forgetNotes(user: string): Promise<void> {
	await notesWritten();
	const db = await open();
	if (!db) return;
	try {
		const tx = db.transaction(STORE, 'readwrite');
		const store = tx.objectStore(STORE);
		const keys = await request(store.getAllKeys());
		for (const key of keys) if (typeof key === 'string' && ofUser(key, user)) store.delete(key);
		await done(tx);
	} catch {
		// Left in IndexedDB: a later sign-in of this person could take back a note they discarded.
	}
}
