import PouchDB from 'pouchdb-browser';
import { couchUrl } from '$lib/config';
import { forgetBroken, localDb, remoteDb } from '$lib/db/pouch';
import { storageFailure, storageMessage } from '$lib/db/storage-refused';
import { needsPass, readInStep, type InStep } from './in-step';
import { guardStalls } from './stall';
import { userKey } from './session';

/** What the replicator tells the app, per database (and when it looks for changes by polling). */
export type SyncEvent =
	| { kind: 'active'; db: string }
	| { kind: 'idle'; db: string }
	/** In step without a pass: nothing new on the server since the device last was (in-step.ts). */
	| { kind: 'current'; db: string }
	| { kind: 'pushed'; db: string; docs: { _id: string; _rev?: string }[] }
	| { kind: 'pulled'; db: string; docs: { _id: string; _rev?: string }[] }
	| { kind: 'denied'; db: string; docId: string; reason: string }
	| { kind: 'unreachable'; db: string; message: string }
	| { kind: 'unauthorised'; db: string }
	/** The server refused this database to this person (403): it is no longer synced. */
	| { kind: 'forbidden'; db: string }
	/** `storage`: the device's own storage refused (see `storageFailure`), not the server. */
	| { kind: 'failed'; db: string; message: string; storage?: 'full' | 'failed' }
	/**
	 * No `_db_updates` for this person (Apache CouchDB): every database is synced again now, and
	 * every `POLL_EVERY`. Nothing else tells the device its account changed.
	 */
	| { kind: 'polling' };

/** At most this many databases replicate at once, leaving connections for everything else. */
const PARALLEL = 2;
/** How long the server may hold the "what changed" request open. */
const WATCH_TIMEOUT = 50_000;
/**
 * The held request, given up if the server has not answered well after it should have (it answers
 * by `WATCH_TIMEOUT` at the latest): on a dead connection the device would otherwise stop hearing
 * of changes until the app is reloaded.
 */
const watchFetch = guardStalls((url, init) => fetch(url, init), {
	answerMs: WATCH_TIMEOUT + 30_000,
	idleMs: 60_000
});
/** Without `_db_updates` (a CouchDB where the user is not an admin), look this often. */
const POLL_EVERY = 30_000;
const MAX_BACKOFF = 60_000;

/** Whether the browser knows it has no network (`navigator.onLine` is only sure when false). */
const offline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

const inStepKey = (user: string) => userKey(user, 'in-step');

function statusOf(err: unknown): number | undefined {
	return typeof err === 'object' && err !== null ? (err as { status?: number }).status : undefined;
}

function messageOf(err: unknown): string {
	if (typeof err === 'object' && err !== null) {
		const e = err as { reason?: string; message?: string };
		return e.reason ?? e.message ?? 'unknown error';
	}
	return String(err);
}

/**
 * Two-way replication of each of a person's databases with the trust. Rather than one live
 * replication per database (each holding a connection open: a browser allows six per host), each
 * database is synced in one short pass whenever it changed on the device, or the server says it
 * changed (one long-poll of `_db_updates` for them all), with retry and back-off on failure.
 *
 * At start, a database the device left in step is not synced again unless the server says it
 * changed since, or the device wrote to it since (src/lib/sync/in-step.ts). So that this holds, no
 * pass starts before the server's first answer about what changed: every update after that answer
 * is in a later one, which schedules a pass.
 */
export class Replicator {
	readonly #user: string;
	readonly #emit: (e: SyncEvent) => void;
	readonly #dbs = new Set<string>();
	readonly #dirty = new Set<string>();
	readonly #running = new Map<string, PouchDB.Replication.Sync<object>>();
	readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
	readonly #failures = new Map<string, number>();
	#watch: AbortController | null = null;
	#watchTimer: ReturnType<typeof setTimeout> | undefined;
	#stopped = false;
	/** What was kept when the databases were last in step (null: sync every one at start). */
	#saved: InStep | null;
	/** Per database, the device's `update_seq` its last complete push reached. */
	readonly #pushed: Record<string, string>;
	/** Databases started before it is known whether they need a pass: their `update_seq`. */
	readonly #undecided = new Map<string, Promise<string | number | null>>();
	/** Whether the server has answered (or failed to) what changed: no pass starts before. */
	#answered = false;
	/** Databases the server named as changed since `#saved.since` (null: it could not say). */
	#changed: Set<string> | null = null;
	/** The latest `_db_updates` sequence whose updates have all been scheduled. */
	#since: string | null = null;

	constructor(user: string, emit: (e: SyncEvent) => void) {
		this.#user = user;
		this.#emit = emit;
		this.#saved = readInStep(localStorage.getItem(inStepKey(user)));
		this.#pushed = { ...this.#saved?.pushed };
	}

	start(db: string): void {
		if (this.#dbs.has(db)) return;
		this.#stopped = false;
		this.#dbs.add(db);
		if (!this.#watch) this.#startWatching();
		if (!this.#saved) {
			this.schedule(db);
			return;
		}
		const seq = localDb(this.#user, db)
			.info()
			.then(
				(info) => info.update_seq,
				() => null
			);
		this.#undecided.set(db, seq);
		if (this.#answered) this.#decide(db);
	}

	/** Sync a database started at the app's start, or say it is in step without a pass. */
	#decide(db: string): void {
		const seq = this.#undecided.get(db);
		if (!seq) return;
		void seq.then((localSeq) => {
			if (this.#undecided.get(db) !== seq || this.#stopped) return;
			this.#undecided.delete(db);
			if (needsPass(this.#saved, db, localSeq, this.#changed)) this.schedule(db);
			else {
				this.#emit({ kind: 'current', db });
				this.#keep();
			}
		});
	}

	/** The server's first answer about what changed (null: none came), once. */
	#answer(changed: Set<string> | null): void {
		if (this.#answered) return;
		this.#answered = true;
		this.#changed = changed;
		for (const db of this.#undecided.keys()) this.#decide(db);
		this.#pump();
	}

	/**
	 * Once nothing is left to do, keep what is in step for the next start: the latest sequence whose
	 * updates were all synced, and how far each database's own changes were pushed.
	 */
	#keep(): void {
		if (this.#stopped || this.#since === null) return;
		if (this.#dirty.size || this.#running.size || this.#timers.size) return;
		if (this.#undecided.size || this.#failures.size) return;
		const pushed: Record<string, string> = {};
		for (const db of this.#dbs) if (this.#pushed[db] !== undefined) pushed[db] = this.#pushed[db];
		const kept: InStep = { since: this.#since, pushed };
		try {
			localStorage.setItem(inStepKey(this.#user), JSON.stringify(kept));
		} catch {
			// Storage full or refused: the next start syncs every database, as before.
		}
	}

	has(db: string): boolean {
		return this.#dbs.has(db);
	}

	/** Stop syncing one database (a pass running on it is cancelled); the others carry on. */
	forget(db: string): void {
		this.#dbs.delete(db);
		this.#dirty.delete(db);
		this.#undecided.delete(db);
		clearTimeout(this.#timers.get(db));
		this.#timers.delete(db);
		this.#failures.delete(db);
		this.#running.get(db)?.cancel();
		this.#running.delete(db);
	}

	/**
	 * Something was written to a database on this device (told by the read model's live feed of it,
	 * see `Projector`): every write is sent shortly after it is made.
	 */
	changed(db: string): void {
		if (this.#dbs.has(db)) this.#later(db, 300);
	}

	/** Sync a database as soon as a slot is free. */
	schedule(db: string): void {
		if (!this.#dbs.has(db) || this.#stopped) return;
		this.#undecided.delete(db);
		clearTimeout(this.#timers.get(db));
		this.#timers.delete(db);
		this.#dirty.add(db);
		this.#pump();
	}

	#later(db: string, ms: number): void {
		if (this.#timers.has(db) || this.#stopped) return;
		this.#timers.set(
			db,
			setTimeout(() => {
				this.#timers.delete(db);
				this.schedule(db);
			}, ms)
		);
	}

	#pump(): void {
		// With no network at all (the browser is sure of that, not of the opposite), a pass could only
		// fail: the databases wait, marked, and the `online` event starts them all again (`restart`).
		// Otherwise every save made offline would send a request bound to fail, a few a second while
		// the person types: battery spent all day in a school with no network.
		if (!this.#answered || offline()) return;
		for (const db of [...this.#dirty]) {
			if (this.#running.size >= PARALLEL) return;
			if (this.#running.has(db)) continue;
			this.#dirty.delete(db);
			this.#run(db);
		}
	}

	#run(db: string): void {
		this.#emit({ kind: 'active', db });
		const handle = PouchDB.sync(localDb(this.#user, db), remoteDb(db), { batch_size: 100 });
		this.#running.set(db, handle);
		void handle.on('change', (info) => {
			const docs = info.change.docs as { _id: string; _rev?: string }[];
			this.#emit({ kind: info.direction === 'push' ? 'pushed' : 'pulled', db, docs });
		});
		void handle.on('denied', (err) => {
			const e = err as { id?: string; doc?: { id?: string } };
			this.#emit({ kind: 'denied', db, docId: e.id ?? e.doc?.id ?? '', reason: messageOf(err) });
		});
		handle.then(
			(result) => {
				this.#running.delete(db);
				this.#failures.delete(db);
				const pushed = (result as { push?: { last_seq?: unknown } }).push?.last_seq;
				if (typeof pushed === 'string' || typeof pushed === 'number') {
					this.#pushed[db] = String(pushed);
				} else delete this.#pushed[db];
				if (!this.#stopped) this.#emit({ kind: 'idle', db });
				this.#pump();
				this.#keep();
			},
			(err: unknown) => {
				this.#running.delete(db);
				// The device's copy failed (its IndexedDB connection closed): the next pass opens it again.
				forgetBroken(this.#user, db, err);
				if (this.#stopped) return;
				const status = statusOf(err);
				if (status === 401) {
					// The server no longer knows this session: stop until the person signs in again.
					this.#emit({ kind: 'unauthorised', db });
					this.stop();
					return;
				}
				if (status === 403) {
					// The person may no longer read it (an administrator took the school away): only this
					// database stops; the workspace asks the server whether the session still stands.
					this.forget(db);
					this.#emit({ kind: 'forbidden', db });
					this.#pump();
					return;
				}
				const failures = (this.#failures.get(db) ?? 0) + 1;
				this.#failures.set(db, failures);
				// The device's own storage refusing is not the server being out of reach (PouchDB gives
				// it a status of 500 too), and its message says only "unknown".
				const storage = storageFailure(err);
				const unreachable = !storage && (status === undefined || status === 0 || status >= 500);
				this.#emit(
					unreachable
						? { kind: 'unreachable', db, message: messageOf(err) }
						: {
								kind: 'failed',
								db,
								...(storage ? { storage } : {}),
								message: storage ? storageMessage(storage, 'sync') : messageOf(err)
							}
				);
				// Try again later, backing off: random up to 2 s, doubling, at most a minute.
				const wait = Math.min(MAX_BACKOFF, 1000 * 2 ** failures) * (0.5 + Math.random() / 2);
				this.#later(db, wait);
				this.#pump();
			}
		);
	}

	/** One held request tells which databases changed on the server. */
	#startWatching(): void {
		const controller = new AbortController();
		this.#watch = controller;
		let since = this.#since ?? this.#saved?.since ?? 'now';
		let failures = 0;
		const loop = async () => {
			while (!controller.signal.aborted) {
				if (offline()) {
					// No network: nothing to ask until `restart` (the `online` event) starts watching again.
					this.#answer(null);
					await this.#pause(MAX_BACKOFF, controller.signal);
					continue;
				}
				try {
					// The first request answers at once (what changed since the device was last in step,
					// or only the current sequence); the later ones wait for a change.
					const feed = this.#answered ? 'longpoll' : 'normal';
					const res = await watchFetch(
						`${couchUrl()}/_db_updates?feed=${feed}&timeout=${WATCH_TIMEOUT}&since=${encodeURIComponent(since)}`,
						{
							credentials: 'include',
							signal: controller.signal,
							headers: { Accept: 'application/json' }
						}
					);
					if (!res.ok) {
						// No `_db_updates` for this user: Apache CouchDB allows it to admins only, and says
						// 401 to everyone else. Poll instead; if the session has really ended, the
						// replication this schedules finds out and says so.
						this.#answer(null);
						for (const db of this.#dbs) this.schedule(db);
						this.#emit({ kind: 'polling' });
						await this.#pause(POLL_EVERY, controller.signal);
						continue;
					}
					const body = (await res.json()) as {
						results: { db_name: string }[];
						last_seq: string;
					};
					if (controller.signal.aborted) return;
					failures = 0;
					const named = new Set(body.results.map((r) => r.db_name));
					// Every update after `since` counts, the first long-poll's (`since=now`) included.
					for (const db of named) {
						this.#changed?.add(db);
						this.schedule(db);
					}
					this.#answer(named);
					since = this.#since = String(body.last_seq);
					this.#keep();
				} catch {
					if (controller.signal.aborted) return;
					// Offline, or the server is down: sync as before, and say so when a pass fails. With no
					// network, wait for it: `restart` (the `online` event) starts watching again at once.
					this.#answer(null);
					failures++;
					const wait = offline() ? MAX_BACKOFF : Math.min(MAX_BACKOFF, 1000 * 2 ** failures);
					await this.#pause(wait, controller.signal);
				}
			}
		};
		void loop();
	}

	#pause(ms: number, signal: AbortSignal): Promise<void> {
		return new Promise((resolve) => {
			this.#watchTimer = setTimeout(resolve, ms);
			signal.addEventListener('abort', () => resolve(), { once: true });
		});
	}

	/** Start again now (the network is back, or the person signed in again). */
	restart(): void {
		const dbs = [...this.#dbs];
		this.stop();
		this.#stopped = false;
		// Every database gets a pass, in step or not.
		this.#saved = null;
		for (const db of dbs) this.start(db);
	}

	stop(): void {
		this.#stopped = true;
		this.#watch?.abort();
		this.#watch = null;
		clearTimeout(this.#watchTimer);
		for (const handle of this.#running.values()) handle.cancel();
		for (const timer of this.#timers.values()) clearTimeout(timer);
		this.#running.clear();
		this.#timers.clear();
		this.#dirty.clear();
		this.#failures.clear();
		this.#dbs.clear();
		this.#undecided.clear();
		this.#answered = false;
	}
}
