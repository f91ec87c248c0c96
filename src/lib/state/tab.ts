// Each tab of the app has an id, so that the drafts of forms sent by hand are kept one slot per tab
// (`DraftSlot`): two tabs on the same form each keep their own typing. The id is kept in
// sessionStorage, which a reload of the tab keeps; a tab duplicated copies it, so a tab checks at
// its start that no other tab holds its id. Each tab holds a Web Lock named after its id for its
// life: the lock is free once the tab is gone (closed, discarded by the phone, its browser killed),
// and `navigator.locks.query()` tells which tabs are alive. Without Web Locks a tab has no id and
// every tab shares one slot per form, as before. Without Svelte.

const KEY = 'si:tab';
const LOCK = 'si:tab:';

/** Web Locks, where the browser has them. */
const locks = (): LockManager | undefined =>
	typeof navigator === 'undefined' ? undefined : navigator.locks;

let claimed: Promise<string | null> | null = null;
/** This tab's id once it holds its lock; null: no Web Locks (one slot); undefined: not yet known. */
let known: string | null | undefined;

/** A new id: short, as it is part of every draft's key; its lock says whether it is taken. */
function newId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(4));
	return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hold the lock of `id` for the tab's life, if no other tab holds it; whether this tab now does. */
function hold(manager: LockManager, id: string): Promise<boolean> {
	return new Promise((resolve) => {
		manager
			.request(LOCK + id, { ifAvailable: true }, (lock) => {
				resolve(lock !== null);
				// Never settled: the lock is released only when the tab goes.
				return lock ? new Promise<never>(() => undefined) : undefined;
			})
			.catch(() => resolve(false));
	});
}

/** How long a reloaded tab waits for its page before to let go of its id, at most. */
const RELOAD_GRACE_MS = 300;

async function claim(manager: LockManager): Promise<string | null> {
	let id = sessionStorage.getItem(KEY);
	// Held by a live tab: this one is its duplicate, or a reload whose page before has not let go
	// yet. That one lets go within moments: wait for it, or a form opened on its draft would show
	// the text and then lose it from the screen, the draft taken for another live tab's.
	if (id) {
		const until = Date.now() + RELOAD_GRACE_MS;
		for (;;) {
			if (await hold(manager, id)) return id;
			if (Date.now() >= until) break;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}
	for (let tries = 0; tries < 3; tries++) {
		id = newId();
		if (await hold(manager, id)) {
			sessionStorage.setItem(KEY, id);
			return id;
		}
	}
	return null;
}

/**
 * This tab's id, once it holds its lock (null: no Web Locks, or no sessionStorage). Asked once:
 * the app's start asks it, so that forms opened later know it at once.
 */
export function claimTab(): Promise<string | null> {
	if (claimed) return claimed;
	const manager = locks();
	if (!manager || typeof sessionStorage === 'undefined') {
		known = null;
		return (claimed = Promise.resolve(null));
	}
	// sessionStorage refused (a sandboxed page): no id, one slot.
	claimed = claim(manager)
		.catch(() => null)
		.then((id) => (known = id));
	return claimed;
}

/** This tab's id (`claimTab`): null without Web Locks; undefined while it is being claimed. */
export function thisTab(): string | null | undefined {
	void claimTab();
	return known;
}

/**
 * The id sessionStorage names for this tab before its lock is held: this tab's after a reload, or
 * the tab it was duplicated from. Only to show a form's draft at once, never to write to.
 */
export function tabGuess(): string | null {
	try {
		return sessionStorage.getItem(KEY);
	} catch {
		return null;
	}
}

/** The ids of the tabs alive now, this one among them; null without Web Locks. */
export async function liveTabs(): Promise<Set<string> | null> {
	const manager = locks();
	if (!manager) return null;
	try {
		const { held = [] } = await manager.query();
		return new Set(
			held.flatMap((l) => (l.name?.startsWith(LOCK) ? [l.name.slice(LOCK.length)] : []))
		);
	} catch {
		return null;
	}
}

/**
 * Run `f` while no other tab runs one: two tabs opening the same form must not both take over the
 * same draft. Without Web Locks, at once.
 */
export async function oneTabAtATime<T>(name: string, f: () => Promise<T>): Promise<T> {
	const manager = locks();
	if (!manager) return f();
	return manager.request(`si:${name}`, f);
}

/** For tests: forget the tab's id, as a new page would. */
export function resetTab(): void {
	claimed = null;
	known = undefined;
}
