import { onDestroy } from 'svelte';
import { RecordRefused } from '$lib/db/repository';
import { registerFlush } from './edits';

export type SaveState = 'saved' | 'waiting' | 'saving' | 'refused' | 'failed';

/**
 * Saves an edited value to the device shortly after each change: there is no save button to
 * forget. Writes are serialised, the latest value wins, and a pending write is flushed when the
 * component goes away or the page is hidden. Create it during component initialisation.
 */
export class Autosave<T> {
	state = $state<SaveState>('saved');
	message = $state('');
	#value: T | undefined;
	#dirty = false;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#chain: Promise<void> = Promise.resolve();
	readonly #save: (value: T) => Promise<void>;
	readonly #delay: number;

	constructor(save: (value: T) => Promise<void>, delay = 300) {
		this.#save = save;
		this.#delay = delay;
		const unregister = registerFlush(() => this.flush());
		const onHide = () => {
			if (document.visibilityState === 'hidden') void this.flush();
		};
		document.addEventListener('visibilitychange', onHide);
		onDestroy(() => {
			document.removeEventListener('visibilitychange', onHide);
			void this.flush().finally(unregister);
		});
	}

	/** Note a new value; it is written within `delay` ms (well under a second). */
	change(value: T): void {
		this.#value = value;
		this.#dirty = true;
		this.state = 'waiting';
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.flush(), this.#delay);
	}

	/** Write the latest value now, if there is one. */
	flush(): Promise<void> {
		clearTimeout(this.#timer);
		if (!this.#dirty) return this.#chain;
		const value = this.#value as T;
		this.#dirty = false;
		this.#chain = this.#chain.then(async () => {
			this.state = 'saving';
			try {
				await this.#save(value);
				if (!this.#dirty) {
					this.state = 'saved';
					this.message = '';
				}
			} catch (err) {
				// Keep the value so the next change or flush tries again: nothing typed is dropped.
				if (!this.#dirty) {
					this.#value = value;
					this.#dirty = true;
				}
				this.state = err instanceof RecordRefused ? 'refused' : 'failed';
				this.message = err instanceof Error ? err.message : String(err);
			}
		});
		return this.#chain;
	}
}
