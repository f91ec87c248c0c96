import { draftKey, draftKeyPrefix, holdDraft, parseDraftKey, slotToOpen } from './kept-drafts';
import { keepNote, recoverNote, recoverNotes } from './kept-notes';
import { claimTab, liveTabs, oneTabAtATime, tabGuess, thisTab } from './tab';

/** What a form keeping its draft in a `DraftSlot` tells it, and is told. */
export interface SlotForm {
	/** Whether the person has typed since the form opened: what they typed is never replaced. */
	typed: () => boolean;
	/** Whether the form has closed. */
	closed: () => boolean;
	/** What is kept at the slot's key changed, or the key did: read it again. */
	read: () => void;
	/** The slot's key is known: the form may write now. */
	keyed?: () => void;
}

/**
 * Where a form sent by hand keeps `user`'s draft of `what` in this tab: a slot of its own per tab
 * (`draftKey`), so that two tabs on the same form each keep their own typing, and one sent or given
 * up in one tab leaves the other's. A form opening reads its tab's slot at once; once the tab's id
 * is known (`open`), a form with no slot of its own takes over the newest left by a tab gone, or
 * kept before each tab kept its own. Without Svelte.
 */
export class DraftSlot {
	/**
	 * Where this tab keeps the draft, once this tab's id is known (`open`); null until then, and
	 * nothing is written: sessionStorage's id may be another live tab's (this one its duplicate).
	 */
	key: string | null = null;
	/**
	 * Where the form read its draft as it opened: this tab's slot, or until its id is known the one
	 * sessionStorage names (none in a new tab).
	 */
	readonly first: string | null;
	readonly #user: string;
	readonly #what: string;
	#held = false;
	readonly #releases: (() => void)[] = [];

	constructor(user: string, what: string) {
		this.#user = user;
		this.#what = what;
		const tab = thisTab();
		const guess = tab === undefined ? tabGuess() : tab;
		this.first = tab === undefined && guess === null ? null : draftKey(user, what, guess);
	}

	/** Where the form reads its draft: this tab's slot, or the one it opened on until it is known. */
	get reading(): string | null {
		return this.key ?? this.first;
	}

	/**
	 * The form is open: it is where its draft is seen, and the Sync page lists the draft only once
	 * it is closed (the function given back).
	 */
	hold(): () => void {
		this.#held = true;
		for (const key of new Set([this.first, this.key])) if (key) this.#releases.push(holdDraft(key));
		return () => {
			this.#held = false;
			for (const release of this.#releases.splice(0)) release();
		};
	}

	/**
	 * Settle where the draft is kept: this tab's slot, with IndexedDB's copy taken back if the
	 * browser's end cut localStorage short (`recoverNote`), else a slot left by a gone tab taken
	 * over. Called as the form opens, before it writes anything.
	 */
	async open(form: SlotForm): Promise<void> {
		const tab = await claimTab();
		if (form.closed()) return;
		const key = draftKey(this.#user, this.#what, tab);
		this.key = key;
		if (key !== this.first && this.#held) this.#releases.push(holdDraft(key));
		const recovering = recoverNote(key, form.typed);
		// Opened on another tab's slot (this one its duplicate): that text stays that tab's.
		if (key !== this.first && !form.typed()) form.read();
		form.keyed?.();
		if ((await recovering) && !form.closed()) form.read();
		if (tab === null) return;
		await this.#takeOver(tab, key, form);
	}

	async #takeOver(tab: string, key: string, form: SlotForm): Promise<void> {
		const mine = () => form.typed() || form.closed() || localStorage.getItem(key) !== null;
		if (mine()) return;
		await oneTabAtATime('draft-slots', async () => {
			const since = Date.now();
			const live = await liveTabs();
			if (!live || mine()) return;
			// A browser killed a moment after the typing (a phone's battery gone) had not yet written
			// localStorage to disk: the drafts of this form that tabs now gone left only in IndexedDB
			// come back first. Only theirs: a live tab's may have just been sent and removed.
			await recoverNotes(
				this.#user,
				(k) => {
					const slot = parseDraftKey(k, this.#user);
					return slot?.what === this.#what && (slot.tab === null || !live.has(slot.tab));
				},
				draftKeyPrefix(this.#what)
			);
			if (mine()) return;
			const from = slotToOpen(localStorage, {
				user: this.#user,
				what: this.#what,
				own: tab,
				live,
				since
			});
			if (from === null || from === key) return;
			// Moved in one task: IndexedDB's copies follow in one transaction (`keepNote`).
			keepNote(key, localStorage.getItem(from));
			keepNote(from, null);
			form.read();
		});
	}

	/** Keep `value` in this tab's slot (null: forget it); nothing until the slot is known. */
	keep(value: string | null): void {
		if (this.key) keepNote(this.key, value);
	}
}
