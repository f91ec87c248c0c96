/**
 * localStorage for unit tests in Node, installed as `globalThis.localStorage` by `installStorage`.
 * `snapshot` and `restore` stand for what a killed browser leaves on disk.
 */
export class MemoryStorage {
	#items = new Map<string, string>();
	get length() {
		return this.#items.size;
	}
	key = (i: number) => [...this.#items.keys()][i] ?? null;
	getItem = (k: string) => this.#items.get(k) ?? null;
	setItem = (k: string, v: string) => void this.#items.set(k, String(v));
	removeItem = (k: string) => void this.#items.delete(k);
	clear = () => this.#items.clear();
	snapshot = () => new Map(this.#items);
	restore = (items: Map<string, string>) => (this.#items = new Map(items));
}

/** A fresh `MemoryStorage` as `globalThis.localStorage`. */
export function installStorage(): MemoryStorage {
	const storage = new MemoryStorage();
	Object.defineProperty(globalThis, 'localStorage', { value: storage, writable: true });
	return storage;
}
