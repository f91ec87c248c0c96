import { createSubscriber } from 'svelte/reactivity';
import {
	DRAFT_RESTS_MS,
	draftsToShow,
	isDraftOpen,
	onDraftsHeld,
	readKeptDrafts,
	type KeptDraftEntry
} from './kept-drafts';
import { keepNote } from './kept-notes';
import { workspace } from './workspace.svelte';

/**
 * Drafts of forms sent by hand that the person typed and left unsent (`draftsToShow`), for the
 * Sync page and the status line: read again every half minute, when a form opens or closes, and
 * when another tab changes what is kept.
 */
class DraftsLeft {
	#version = $state(0);
	/** Set once sign-out has counted the drafts: every one is shown, however recent. */
	#all = $state(false);
	#subscribe = createSubscriber((update) => {
		const tick = setInterval(update, 30_000);
		const stopHeld = onDraftsHeld(update);
		addEventListener('storage', update);
		return () => {
			clearInterval(tick);
			stopHeld();
			removeEventListener('storage', update);
		};
	});

	/** The drafts to show, oldest first. */
	get list(): KeptDraftEntry[] {
		this.#subscribe();
		void this.#version;
		const user = workspace.user?.name;
		if (!user) return [];
		try {
			return draftsToShow(readKeptDrafts(localStorage, user), {
				now: Date.now(),
				restMs: this.#all ? 0 : DRAFT_RESTS_MS,
				// Refused figures a grid lists with the typing not saved are not counted twice.
				isOpen: (key) => isDraftOpen(key) || workspace.unsavedLeft.some((n) => n.key === key)
			});
		} catch {
			// No storage: nothing was kept.
			return [];
		}
	}

	/** Sign-out counted drafts: show them all, so that what its warning counts can be read. */
	showAll(): void {
		this.#all = true;
	}

	/** The person discarded the draft kept at `key` (the Sync page). */
	discard(key: string): void {
		keepNote(key, null);
		this.#version++;
	}
}

export const draftsLeft = new DraftsLeft();
