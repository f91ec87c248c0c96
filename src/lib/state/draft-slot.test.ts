import '../../../tests/unit/browser-env';
import { installStorage, MemoryStorage } from '../../../tests/unit/memory-storage';
import { beforeEach, describe, expect, it } from 'vitest';
import { DraftSlot, type SlotForm } from './draft-slot';
import { AT, draftKey, parseDraftKey, readKeptDrafts, slotToOpen } from './kept-drafts';
import { notesWritten, readMirrored, recoverNotes } from './kept-notes';
import { claimTab, resetTab } from './tab';

// Each tab keeps its own draft of a form sent by hand: two tabs on one form, and one of them sent
// or reloaded, lose nothing of the other's. Tabs here are sessionStorages and Web Locks held in
// one fake lock manager, as a browser's tabs share its own.

const storage = installStorage();

/** Web Locks as one browser holds them for all its tabs: a lock is held until its callback ends. */
const held = new Set<string>();
const locks = {
	async request(
		name: string,
		opts: { ifAvailable?: boolean } | ((lock: unknown) => unknown),
		f?: (lock: unknown) => unknown
	): Promise<unknown> {
		const run = typeof opts === 'function' ? opts : f!;
		if (typeof opts === 'object' && opts.ifAvailable && held.has(name)) return run(null);
		held.add(name);
		try {
			return await run({ name });
		} finally {
			held.delete(name);
		}
	},
	query: () => Promise.resolve({ held: [...held].map((name) => ({ name })) })
};

function webLocks(on: boolean): void {
	Object.defineProperty(globalThis, 'navigator', {
		value: on ? { locks } : {},
		configurable: true
	});
}

/** A tab opening the app: its own sessionStorage (`kept`: one copied from another tab). */
async function newTab(kept?: MemoryStorage): Promise<string | null> {
	const session = kept ? copy(kept) : new MemoryStorage();
	Object.defineProperty(globalThis, 'sessionStorage', { value: session, configurable: true });
	resetTab();
	return claimTab();
}

function copy(from: MemoryStorage): MemoryStorage {
	const to = new MemoryStorage();
	to.restore(from.snapshot());
	return to;
}

/** The tab `id` has gone: closed, or discarded by the phone. */
const gone = (id: string) => held.delete(`si:tab:${id}`);

let n = 0;
let user = '';
beforeEach(() => {
	storage.clear();
	held.clear();
	webLocks(true);
	user = `sil${++n}`;
});

const text = (note: string, at: number) => JSON.stringify({ note, [AT]: at });
const WHAT = 'progress:next-step:2025-26:abc';

/** A form opening on `WHAT` in the current tab, untouched by the person; what it read, in order. */
async function open(): Promise<{ slot: DraftSlot; reads: (string | null)[] }> {
	const slot = new DraftSlot(user, WHAT);
	const reads: (string | null)[] = [storage.getItem(slot.reading ?? '')];
	const form: SlotForm = {
		typed: () => false,
		closed: () => false,
		read: () => reads.push(storage.getItem(slot.reading ?? ''))
	};
	await slot.open(form);
	return { slot, reads };
}

describe('a draft’s key', () => {
	it('names the form, its record and the tab; a key kept before tabs had one still reads', () => {
		const key = draftKey(user, WHAT, '0a1b2c3d');
		expect(key).toBe(`si:draft:${WHAT}#0a1b2c3d:${user}`);
		expect(parseDraftKey(key, user)).toEqual({ what: WHAT, tab: '0a1b2c3d' });
		expect(parseDraftKey(`si:draft:${WHAT}:${user}`, user)).toEqual({ what: WHAT, tab: null });
		expect(draftKey(user, 'calendar', null)).toBe(`si:draft:calendar:${user}`);
		expect(parseDraftKey(key, 'someone-else')).toBeNull();
		expect(parseDraftKey(`si:unsaved:d/r:${user}`, user)).toBeNull();
	});

	it('gives the Sync page the form and the record of each tab’s draft, as of an old one', () => {
		storage.setItem(draftKey(user, WHAT, '0a1b2c3d'), text('Tab A', 1));
		storage.setItem(draftKey(user, WHAT, 'ffffffff'), text('Tab B', 2));
		storage.setItem(draftKey(user, WHAT, null), text('Before tabs', 3));
		expect(
			readKeptDrafts(storage, user).map((d) => [d.form, d.record, d.tab, d.typed[0]?.text])
		).toEqual([
			['progress', 'next-step:2025-26:abc', '0a1b2c3d', 'Tab A'],
			['progress', 'next-step:2025-26:abc', 'ffffffff', 'Tab B'],
			['progress', 'next-step:2025-26:abc', null, 'Before tabs']
		]);
	});
});

describe('the draft a form opens on', () => {
	const opts = (own: string, live: string[]) => ({
		user,
		what: WHAT,
		own,
		live: new Set([own, ...live]),
		since: 100
	});

	it('is its own tab’s, then the newest a gone tab left, then one kept before tabs had one', () => {
		storage.setItem(draftKey(user, WHAT, 'dead0001'), text('older', 10));
		storage.setItem(draftKey(user, WHAT, 'dead0002'), text('newer', 20));
		storage.setItem(draftKey(user, WHAT, null), text('before tabs', 5));
		storage.setItem(draftKey(user, 'reason:x', 'dead0003'), text('another form', 30));
		expect(slotToOpen(storage, opts('aaaaaaaa', []))).toBe(draftKey(user, WHAT, 'dead0002'));
		storage.setItem(draftKey(user, WHAT, 'aaaaaaaa'), text('mine', 1));
		expect(slotToOpen(storage, opts('aaaaaaaa', []))).toBe(draftKey(user, WHAT, 'aaaaaaaa'));
		storage.clear();
		storage.setItem(draftKey(user, WHAT, null), text('before tabs', 5));
		expect(slotToOpen(storage, opts('aaaaaaaa', []))).toBe(draftKey(user, WHAT, null));
	});

	it('is never a live tab’s, nor one written since the live tabs were asked', () => {
		storage.setItem(draftKey(user, WHAT, 'bbbbbbbb'), text('on tab B’s screen', 50));
		storage.setItem(draftKey(user, WHAT, 'cccccccc'), text('a tab started since', 150));
		expect(slotToOpen(storage, opts('aaaaaaaa', ['bbbbbbbb']))).toBeNull();
	});

	it('moves a gone tab’s newest draft to the tab’s own, in IndexedDB too', async () => {
		const a = (await newTab())!;
		const b = (await newTab())!;
		storage.setItem(draftKey(user, WHAT, a), text('Tab A: humanities lead met', 1));
		storage.setItem(draftKey(user, WHAT, b), text('Tab B: quick note', 2));
		const dead = draftKey(user, WHAT, 'dead0001');
		storage.setItem(dead, text('left by a tab gone', 3));
		storage.setItem(draftKey(user, WHAT, 'dead0002'), text('an older one gone', 0));
		const c = (await newTab())!;
		const { slot, reads } = await open();
		expect(slot.key).toBe(draftKey(user, WHAT, c));
		expect(reads.at(-1)).toContain('left by a tab gone');
		expect(storage.getItem(dead)).toBeNull();
		// The live tabs' drafts are theirs; the older one gone is left for the Sync page.
		expect(storage.getItem(draftKey(user, WHAT, a))).toContain('Tab A');
		expect(storage.getItem(draftKey(user, WHAT, b))).toContain('Tab B');
		expect(storage.getItem(draftKey(user, WHAT, 'dead0002'))).toContain('an older one');
		await notesWritten();
		expect((await readMirrored(dead))?.value).toBeNull();
		expect((await readMirrored(slot.key!))?.value).toContain('left by a tab gone');
	});

	it('moves a draft kept before tabs had one to the tab’s own', async () => {
		const old = draftKey(user, WHAT, null);
		storage.setItem(old, text('kept by the version before', 1));
		const a = (await newTab())!;
		const { slot, reads } = await open();
		expect(slot.key).toBe(draftKey(user, WHAT, a));
		expect(reads.at(-1)).toContain('kept by the version before');
		expect(storage.getItem(old)).toBeNull();
	});

	it('leaves a live tab’s draft alone, and takes it once that tab has gone', async () => {
		const b = (await newTab())!;
		const theirs = draftKey(user, WHAT, b);
		storage.setItem(theirs, text('Tab B: quick note', 1));
		await newTab();
		const first = await open();
		expect(first.reads).toEqual([null]);
		expect(storage.getItem(theirs)).toContain('Tab B');
		gone(b);
		const again = await open();
		expect(again.reads.at(-1)).toContain('Tab B');
		expect(storage.getItem(theirs)).toBeNull();
	});

	it('is the tab’s own again after a reload, not another tab’s', async () => {
		const a = (await newTab())!;
		const session = sessionStorage as unknown as MemoryStorage;
		await newTab();
		storage.setItem(draftKey(user, WHAT, a), text('Tab A', 2));
		// Reloaded: its page before let go of its lock, and its sessionStorage is kept.
		gone(a);
		expect(await newTab(session)).toBe(a);
		const { slot, reads } = await open();
		expect(slot.key).toBe(draftKey(user, WHAT, a));
		expect(reads).toEqual([storage.getItem(draftKey(user, WHAT, a))]);
	});

	it('is the tab’s own after a reload whose page before let go of its id a moment late', async () => {
		const a = (await newTab())!;
		const session = sessionStorage as unknown as MemoryStorage;
		storage.setItem(draftKey(user, WHAT, a), text('Tab A', 2));
		// The new page asks for the id while the page before still holds it, for 100 ms.
		setTimeout(() => gone(a), 100);
		expect(await newTab(session)).toBe(a);
		const { slot, reads } = await open();
		expect(slot.key).toBe(draftKey(user, WHAT, a));
		expect(reads).toEqual([storage.getItem(draftKey(user, WHAT, a))]);
	});

	it('is not the draft of the tab it was duplicated from', async () => {
		const a = (await newTab())!;
		const session = sessionStorage as unknown as MemoryStorage;
		storage.setItem(draftKey(user, WHAT, a), text('Tab A', 2));
		// Duplicated: its sessionStorage a copy of tab A's, and a form open before its id is known.
		Object.defineProperty(globalThis, 'sessionStorage', {
			value: copy(session),
			configurable: true
		});
		resetTab();
		const slot = new DraftSlot(user, WHAT);
		expect(slot.first).toBe(draftKey(user, WHAT, a));
		const reads: (string | null)[] = [];
		await slot.open({
			typed: () => false,
			closed: () => false,
			read: () => reads.push(storage.getItem(slot.reading!))
		});
		// Tab A's shown a moment, then its own (none): tab A's stays tab A's.
		const dup = await claimTab();
		expect(dup).not.toBe(a);
		expect(slot.key).toBe(draftKey(user, WHAT, dup));
		expect(reads).toEqual([null]);
		expect(storage.getItem(draftKey(user, WHAT, a))).toContain('Tab A');
	});

	it('is one for every tab where Web Locks are missing, as before', async () => {
		webLocks(false);
		storage.setItem(draftKey(user, WHAT, null), text('one slot', 1));
		expect(await newTab()).toBeNull();
		const { slot, reads } = await open();
		expect(slot.key).toBe(`si:draft:${WHAT}:${user}`);
		expect(reads).toEqual([text('one slot', 1)]);
	});

	it('comes back from IndexedDB after a browser killed, whichever tab it was', async () => {
		const a = (await newTab())!;
		const slotA = await open();
		slotA.slot.keep(text('Tab A', Date.now()));
		const b = (await newTab())!;
		const slotB = await open();
		slotB.slot.keep(text('Tab B', Date.now()));
		await notesWritten();
		storage.clear();
		// The browser killed: every tab gone; A's tab restored with its sessionStorage, B's not.
		held.clear();
		await recoverNotes(user);
		expect(storage.getItem(draftKey(user, WHAT, a))).toContain('Tab A');
		expect(storage.getItem(draftKey(user, WHAT, b))).toContain('Tab B');
	});
});

describe('a draft left only in IndexedDB', () => {
	it('is taken over by a form opening in a new tab, though the start has not recovered it yet', async () => {
		// Typed in a tab, the browser killed before localStorage reached the disk, and the form opened
		// again in a new tab (the kill took the tab's sessionStorage) before the start's recovery ran.
		const a = (await newTab())!;
		(await open()).slot.keep(text('Plan a weekly class novel', Date.now()));
		const theirs = draftKey(user, 'progress:next-step:2025-26:other', a);
		storage.setItem(theirs, text('another form’s draft', Date.now()));
		await notesWritten();
		storage.clear();
		held.clear();
		const b = (await newTab())!;
		const { slot, reads } = await open();
		expect(slot.key).toBe(draftKey(user, WHAT, b));
		expect(reads.at(-1)).toContain('Plan a weekly class novel');
		expect(storage.getItem(draftKey(user, WHAT, a))).toBeNull();
		// Only this form's drafts were brought back; the start brings back the rest.
		expect(storage.getItem(theirs)).toBeNull();
	});

	it('of a live tab is not brought back: it may have just been sent', async () => {
		const a = (await newTab())!;
		(await open()).slot.keep(text('sent a moment ago in tab A', Date.now()));
		await notesWritten();
		// Tab A sent it: gone from localStorage, its IndexedDB copy not yet removed.
		storage.removeItem(draftKey(user, WHAT, a));
		await newTab();
		const { reads } = await open();
		expect(reads.every((r) => r === null)).toBe(true);
		expect(storage.getItem(draftKey(user, WHAT, a))).toBeNull();
	});
});

describe('a draft sent or given up', () => {
	it('goes from its own tab’s slot only', async () => {
		await newTab();
		const a = (await open()).slot;
		a.keep(text('Tab A: humanities lead met year leaders', Date.now()));
		await newTab();
		const b = (await open()).slot;
		b.keep(text('Tab B: quick note', Date.now()));
		// Sent in tab B (`clear`), or given up there (`discard`): both keep nothing.
		b.keep(null);
		expect(storage.getItem(b.key!)).toBeNull();
		expect(storage.getItem(a.key!)).toContain('Tab A');
		await notesWritten();
		expect((await readMirrored(a.key!))?.value).toContain('Tab A');
		expect(readKeptDrafts(storage, user).map((d) => d.key)).toEqual([a.key]);
	});
});
