import { DraftSlot } from './draft-slot';
import { keptMeta } from './kept-drafts';
import { workspace } from './workspace.svelte';

function read(key: string | null): Record<string, string> {
	if (!key) return {};
	try {
		const raw: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
		if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
		return Object.fromEntries(
			// `@…` members say when and where it was kept (`keptMeta`), not a cell.
			Object.entries(raw).filter(
				(e): e is [string, string] => typeof e[1] === 'string' && !e[0].startsWith('@')
			)
		);
	} catch {
		return {};
	}
}

/**
 * Cells of a grid typed into and not yet taken by their record (a figure is saved when the person
 * leaves its cell): kept on the device as they are typed, so that a reload, the tab closing or the
 * browser killed before the person leaves the cell loses nothing. Kept per person, per grid
 * (`what`, read again when it changes, so one component can show several records) and per tab
 * (`DraftSlot`: two tabs on one grid each keep their own) in localStorage,
 * written in the same task as the keystroke, and in IndexedDB a moment later (`keepNote`), with when
 * and on which page (`keptMeta`); cells left unsent are listed on the Sync page (`draftsLeft`) and
 * counted by sign-out, which clears them with every `si:…:<user>` key.
 */
export class KeptCells {
	readonly #what: () => string;
	#version = $state(0);
	/** How many times cells were written: typed into, or taken. */
	#typed = 0;
	readonly #slot = $derived.by(() => {
		const user = workspace.user?.name;
		return user ? new DraftSlot(user, this.#what()) : null;
	});
	/**
	 * Cells typed before this tab's slot is known (a moment as the page opens), shown from here and
	 * kept there once it is.
	 */
	#early = $state<Record<string, string> | null>(null);
	/** What is typed and not yet taken, by cell. */
	readonly cells = $derived.by(
		() => (this.#version, this.#early ?? read(this.#slot?.reading ?? null))
	);

	constructor(what: () => string) {
		this.#what = what;
		$effect(() => {
			const slot = this.#slot;
			if (!slot) return;
			let closed = false;
			let opened = this.#typed;
			// Once this tab's slot is known: cells the browser's end cut short (killed before
			// localStorage reached the disk) come back from IndexedDB, or those a gone tab left are
			// taken over, unless a cell was typed into since.
			void slot.open({
				typed: () => this.#typed !== opened,
				closed: () => closed,
				read: () => {
					opened = this.#typed;
					this.#version++;
				},
				keyed: () => {
					const early = this.#early;
					this.#early = null;
					// Made from what the grid opened on: all that this tab's slot is to keep.
					if (early) this.#write(early);
				}
			});
			const release = slot.hold();
			return () => {
				closed = true;
				release();
			};
		});
	}

	#write(cells: Record<string, string>): void {
		const slot = this.#slot;
		if (!slot) return;
		this.#typed++;
		if (!slot.key) {
			this.#early = cells;
			return;
		}
		// Storage full or refused: the figure is still on screen and saved as before.
		slot.keep(Object.keys(cells).length === 0 ? null : JSON.stringify({ ...cells, ...keptMeta() }));
		this.#version++;
	}

	/** Where this tab keeps the cells (null before the person is known): to list or discard them. */
	get key(): string | null {
		return this.#slot?.reading ?? null;
	}

	/** The person typed `text` into `cell`. */
	set(cell: string, text: string): void {
		this.#write({ ...this.cells, [cell]: text });
	}

	/** These cells were taken as typed: forgotten, unless typed into again since. */
	taken(entries: [cell: string, text: string][]): void {
		const now = { ...this.cells };
		for (const [cell, text] of entries) if (now[cell] === text) delete now[cell];
		this.#write(now);
	}
}
