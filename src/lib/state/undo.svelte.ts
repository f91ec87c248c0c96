import { itemKey } from '$lib/domain';
import { singleStop } from '$lib/format';

/** How long "Undo" is offered after a removal: long enough to notice and reach it. */
export const UNDO_MS = 15_000;

interface Removal {
	message: string;
	restore: () => void;
}

/**
 * Removing an item of a record (an area, a person, a room, a look-for, a photo) takes one tap and
 * can be undone: the removal is offered back for `UNDO_MS`, and for as long as the "Undo" button
 * has the focus. One per form; shown by `UndoNotice.svelte`.
 */
export class Removals {
	current = $state<Removal | null>(null);
	/** Bumped on each removal, so the notice moves the focus to its "Undo" button. */
	serial = $state(0);
	#timer: ReturnType<typeof setTimeout> | undefined;
	#held = false;

	/**
	 * Take `item` out of the list `list()` reads (read again on undo: the list may have been replaced
	 * by changes from elsewhere meanwhile) and offer it back. `changed` saves; `restored` runs after
	 * an undo, to put the focus back on the item.
	 */
	remove<T>(
		list: () => T[],
		item: T,
		message: string,
		changed: () => void,
		restored?: (item: T) => void
	): void {
		const items = list();
		const key = itemKey(item);
		const at = items.findIndex((x) => x === item || (key !== null && itemKey(x) === key));
		if (at < 0) return;
		const taken = $state.snapshot(items[at]) as T;
		items.splice(at, 1);
		changed();
		this.offer(message, () => {
			const now = list();
			if (key !== null && now.some((x) => itemKey(x) === key)) return;
			now.splice(Math.min(at, now.length), 0, taken);
			changed();
			restored?.(taken);
		});
	}

	/** Offer to undo something already done. Messages quote what was typed, which may end a sentence. */
	offer(message: string, restore: () => void): void {
		this.current = { message: singleStop(message), restore };
		this.serial++;
		this.#arm();
	}

	undo = (): void => {
		const removal = this.current;
		this.dismiss();
		removal?.restore();
	};

	dismiss = (): void => {
		clearTimeout(this.#timer);
		this.current = null;
		this.#held = false;
	};

	/** While the person is on the "Undo" button, it stays. */
	hold = (held: boolean): void => {
		this.#held = held;
		if (!held) this.#arm();
	};

	#arm(): void {
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => {
			if (!this.#held) this.current = null;
		}, UNDO_MS);
	}
}
