import { userKey } from '$lib/sync/session';
import { holdDraft, keptMeta } from './kept-drafts';
import { keepNote, recoverNote } from './kept-notes';
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
 * browser killed before the person leaves the cell loses nothing. Kept per person and per grid
 * (`what`, read again when it changes, so one component can show several records) in localStorage,
 * written in the same task as the keystroke, and in IndexedDB a moment later (`keepNote`), with when
 * and on which page (`keptMeta`); cells left unsent are listed on the Sync page (`draftsLeft`) and
 * counted by sign-out, which clears them with every `si:…:<user>` key.
 */
export class KeptCells {
	readonly #what: () => string;
	#version = $state(0);
	/** How many times cells were written: typed into, or taken. */
	#typed = 0;
	readonly #key = $derived.by(() => {
		const user = workspace.user?.name;
		return user ? userKey(user, `draft:${this.#what()}`) : null;
	});
	/** What is typed and not yet taken, by cell. */
	readonly cells = $derived.by(() => (this.#version, read(this.#key)));

	constructor(what: () => string) {
		this.#what = what;
		// Open, the grid is where its cells are seen: the Sync page lists them only once it is closed.
		$effect(() => {
			const key = this.#key;
			if (!key) return;
			let closed = false;
			const opened = this.#typed;
			// Cells the browser's end cut short (killed before localStorage reached the disk) come
			// back from IndexedDB, unless a cell was typed into since.
			void recoverNote(key, () => this.#typed !== opened).then((lost) => {
				if (lost && !closed) this.#version++;
			});
			const release = holdDraft(key);
			return () => {
				closed = true;
				release();
			};
		});
	}

	#write(cells: Record<string, string>): void {
		const key = this.#key;
		if (!key) return;
		this.#typed++;
		// Storage full or refused: the figure is still on screen and saved as before.
		keepNote(
			key,
			Object.keys(cells).length === 0 ? null : JSON.stringify({ ...cells, ...keptMeta() })
		);
		this.#version++;
	}

	/** The person typed `text` into `cell`. */
	set(cell: string, text: string): void {
		this.#write({ ...read(this.#key), [cell]: text });
	}

	/** These cells were taken as typed: forgotten, unless typed into again since. */
	taken(entries: [cell: string, text: string][]): void {
		const now = read(this.#key);
		for (const [cell, text] of entries) if (now[cell] === text) delete now[cell];
		this.#write(now);
	}
}
