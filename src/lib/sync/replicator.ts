import PouchDB from 'pouchdb-browser';
import { localDb, remoteDb } from '$lib/db/pouch';

/** What the replicator tells the app, per database. */
export type SyncEvent =
	| { kind: 'active'; db: string }
	| { kind: 'idle'; db: string }
	| { kind: 'pushed'; db: string; lastSeq: string | number }
	| { kind: 'pulled'; db: string; docs: number }
	| { kind: 'denied'; db: string; docId: string; reason: string }
	| { kind: 'unreachable'; db: string; message: string }
	| { kind: 'unauthorised'; db: string }
	| { kind: 'failed'; db: string; message: string };

type Handle = PouchDB.Replication.Sync<object>;

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
 * Live two-way replication of each of a person's databases with the trust, with retry. PouchDB
 * stops for good on a 401/403 even with retry (see SYNC-NOTES), so those become `unauthorised`.
 */
export class Replicator {
	private handles = new Map<string, Handle>();
	private readonly user: string;
	private readonly emit: (e: SyncEvent) => void;

	constructor(user: string, emit: (e: SyncEvent) => void) {
		this.user = user;
		this.emit = emit;
	}

	start(db: string): void {
		if (this.handles.has(db)) return;
		const handle = PouchDB.sync(localDb(this.user, db), remoteDb(db), {
			live: true,
			retry: true,
			batch_size: 100
		});
		// The handle is also a promise; its outcome arrives through the events below.
		handle.catch(() => undefined);
		void handle.on('active', () => this.emit({ kind: 'active', db }));
		void handle.on('paused', (err) => {
			if (!err) this.emit({ kind: 'idle', db });
			else this.emit({ kind: 'unreachable', db, message: messageOf(err) });
		});
		void handle.on('change', (info) => {
			if (info.direction === 'push') {
				this.emit({ kind: 'pushed', db, lastSeq: info.change.last_seq });
			} else {
				this.emit({ kind: 'pulled', db, docs: info.change.docs.length });
			}
		});
		void handle.on('denied', (err) => {
			const e = err as { id?: string; doc?: { id?: string }; reason?: string; message?: string };
			this.emit({ kind: 'denied', db, docId: e.id ?? e.doc?.id ?? '', reason: messageOf(e) });
		});
		void handle.on('error', (err) => {
			this.handles.delete(db);
			const status = statusOf(err);
			if (status === 401 || status === 403) this.emit({ kind: 'unauthorised', db });
			else this.emit({ kind: 'failed', db, message: messageOf(err) });
		});
		this.handles.set(db, handle);
	}

	has(db: string): boolean {
		return this.handles.has(db);
	}

	/** Start again now (after the network returns), rather than wait out PouchDB's back-off. */
	restart(): void {
		const dbs = [...this.handles.keys()];
		this.stop();
		for (const db of dbs) this.start(db);
	}

	stop(): void {
		for (const handle of this.handles.values()) handle.cancel();
		this.handles.clear();
	}
}
