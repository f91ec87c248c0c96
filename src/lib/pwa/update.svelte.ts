import { Workbox } from 'workbox-window';
import { flushAllEdits } from '$lib/state/edits';

/**
 * Offers a new version of the app when one is ready; it is only applied when the person chooses,
 * after every edit has been written, so nobody's typing is ever reloaded away.
 */
class AppUpdate {
	/** A new version is installed and waiting. */
	ready = $state(false);
	/** The service worker is in control: the app opens without a network. */
	offlineReady = $state(false);
	#wb: Workbox | null = null;
	#applying = false;

	register(): void {
		if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
		const wb = new Workbox('/sw.js', { scope: '/' });
		wb.addEventListener('waiting', () => {
			this.ready = true;
		});
		wb.addEventListener('activated', (e) => {
			if (!e.isUpdate) this.offlineReady = true;
		});
		wb.addEventListener('controlling', () => {
			if (this.#applying) location.reload();
			else this.ready = true;
		});
		this.#wb = wb;
		void wb.register().then(() => {
			this.offlineReady = navigator.serviceWorker.controller !== null || this.offlineReady;
		});
		// Browsers look for a new worker only on full navigations; an SPA must ask (kit#3667).
		setInterval(() => void this.check(), 60 * 60 * 1000);
	}

	#checkedAt = 0;

	async check(): Promise<void> {
		if (navigator.onLine) await this.#wb?.update().catch(() => undefined);
	}

	/**
	 * After a navigation: asking the browser for the worker again costs the main thread a task and
	 * a request of its own, and it was part of every move between screens (issue 17: about a tenth
	 * of opening the dashboard in a profile). A new version comes a few times a term, so a few
	 * minutes between looks loses nothing.
	 */
	checkSoon(): void {
		if (Date.now() - this.#checkedAt < 5 * 60 * 1000) return;
		this.#checkedAt = Date.now();
		void this.check();
	}

	async apply(): Promise<void> {
		await flushAllEdits();
		this.#applying = true;
		if (navigator.serviceWorker.controller && this.#wb) this.#wb.messageSkipWaiting();
		else location.reload();
	}
}

export const appUpdate = new AppUpdate();
