import { untrack } from 'svelte';
import { DraftSlot } from './draft-slot';
import { keptMeta } from './kept-drafts';
import { workspace } from './workspace.svelte';

/** The kept value's members that are strings and named in `empty`; anything else is dropped. */
function readKept<T extends Record<string, string>>(key: string | null, empty: T): Partial<T> {
	if (!key) return {};
	try {
		const raw: unknown = JSON.parse(globalThis.localStorage?.getItem(key) ?? 'null');
		if (typeof raw !== 'object' || raw === null) return {};
		const kept: Partial<T> = {};
		for (const k of Object.keys(empty) as (keyof T & string)[]) {
			const v = (raw as Record<string, unknown>)[k];
			if (typeof v === 'string') kept[k] = v as T[typeof k];
		}
		return kept;
	} catch {
		return {};
	}
}

/**
 * What a person is writing in a form that is saved only when they send it (a progress update, a
 * reason for disagreeing): kept on the device as they type, so that moving to another screen, a
 * reload, the tab closing or the browser killed loses none of it. Kept per person, per form (`what`)
 * and per tab (`DraftSlot`: two tabs on one form each keep their own) in localStorage, written in
 * the same task as the change, and in IndexedDB a moment later (`keepNote`), with when and on which
 * page (`keptMeta`); one left unsent is listed on the Sync page (`draftsLeft`) and counted by
 * sign-out, which clears it with every `si:…:<user>` key. `what`
 * names the form and its record (`progress:<step id>`); it is read once, so a page that shows
 * another record in the same component creates the form again (`{#key}`). A form sent calls
 * `clear`. Create it during component initialisation.
 */
export class KeptDraft<T extends Record<string, string>> {
	value = $state() as T;
	/** Whether the form opened on something kept from before, until it is sent. */
	restored = $state(false);
	readonly #slot: DraftSlot | null;
	#empty: T;

	constructor(what: () => string, empty: T) {
		const user = workspace.user?.name;
		const slot = (this.#slot = user ? new DraftSlot(user, untrack(what)) : null);
		this.#empty = empty;
		this.#read();
		$effect(() => {
			const now = $state.snapshot(this.value) as T;
			untrack(() => this.#write(now));
		});
		if (!slot) return;
		let opened = $state.snapshot(this.value) as T;
		let closed = false;
		// Once this tab's slot is known: a draft the browser's end cut short (killed before
		// localStorage reached the disk) comes back from IndexedDB, or one a gone tab left is taken
		// over, unless the person has typed since the form opened.
		void slot.open({
			typed: () => {
				const now = $state.snapshot(this.value) as T;
				return Object.keys(opened).some((k) => now[k] !== opened[k]);
			},
			closed: () => closed,
			read: () => {
				this.#read();
				opened = $state.snapshot(this.value) as T;
			},
			keyed: () => this.#write($state.snapshot(this.value) as T)
		});
		$effect(() => {
			const release = slot.hold();
			return () => {
				closed = true;
				release();
			};
		});
	}

	/** The form's value: what is kept over its defaults. */
	#read(): void {
		const kept = readKept(this.#slot?.reading ?? null, this.#empty);
		this.value = { ...this.#empty, ...kept };
		this.restored = Object.keys(this.#empty).some(
			(k) => (kept[k] ?? this.#empty[k]) !== this.#empty[k]
		);
	}

	#isEmpty(value: T): boolean {
		return Object.keys(this.#empty).every((k) => value[k] === this.#empty[k]);
	}

	/**
	 * Only what differs from the form's own defaults (today's date, "Ofsted"): what the person typed,
	 * all that the Sync page lists and sign-out counts. The form opened again starts from its
	 * defaults of that day, with what was typed over them.
	 */
	#typed(value: T): Partial<T> {
		return Object.fromEntries(
			Object.entries(value).filter(([k, v]) => v !== this.#empty[k])
		) as Partial<T>;
	}

	/** Only this tab's slot: another tab's draft of the same form is that tab's. */
	#write(value: T): void {
		// Storage full or refused: the text is still on screen and the form still sends it.
		this.#slot?.keep(
			this.#isEmpty(value) ? null : JSON.stringify({ ...this.#typed(value), ...keptMeta() })
		);
	}

	/**
	 * The form sent `sent`: what was kept goes and the form starts again empty, unless the person
	 * changed something while it was being saved, which stays.
	 */
	clear(sent: T): void {
		const now = $state.snapshot(this.value) as T;
		if (Object.keys(this.#empty).some((k) => now[k] !== sent[k])) return;
		this.discard();
	}

	/**
	 * For a form saved as it is typed (the visit calendar), whose defaults are the record as saved:
	 * `sent` is saved now and becomes what the form starts from, so only what was typed since stays
	 * kept. The form's text is not touched, and it still says it opened on a kept draft.
	 */
	saved(sent: T): void {
		this.#empty = { ...sent };
		this.#write($state.snapshot(this.value) as T);
	}

	/** The person gave the form up (Cancel): what was kept goes, and the form starts again empty. */
	discard(): void {
		this.restored = false;
		this.value = { ...this.#empty };
		this.#write(this.#empty);
	}
}
