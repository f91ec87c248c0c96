import { schoolDbName, TRUST_DB } from '$lib/domain/databases';
import { userKey } from '$lib/sync/session';

// What a record's editor has not yet saved, kept in localStorage in the same task as the change
// (`RecordForm`). Without schemas: the editors and the app's start read it (issue 17).

/** A form's unsaved changes: its base and draft, for its own fields only. */
export interface Unsaved {
	/** The database and the record the changes belong to. */
	db: string;
	id: string;
	base: Record<string, unknown>;
	draft: Record<string, unknown>;
	/**
	 * The record's other fields, kept only while it has never been written (a termly overview
	 * before anyone wrote one), so that it can be made from them.
	 */
	own?: Record<string, unknown>;
	/** When the note was written (ms since 1970): a recent one may belong to an editor still open. */
	at?: number;
}

/** Notes of the editors open in this tab, by key, with how many are open on each. */
const open = new Map<string, number>();

/**
 * An editor opened on the record whose notes are kept at `key`: it saves them itself, so the
 * start's save (`saveUnsaved`) leaves them alone until the editor is closed (the function given
 * back).
 */
export function holdOpen(key: string): () => void {
	open.set(key, (open.get(key) ?? 0) + 1);
	return () => {
		const n = (open.get(key) ?? 1) - 1;
		if (n > 0) open.set(key, n);
		else open.delete(key);
	};
}

/** Whether an editor in this tab is open on the record whose notes are kept at `key`. */
export const isOpen = (key: string) => open.has(key);

const KIND = 'unsaved';

/**
 * The database a record edited through `RecordForm` lives in. A school's records share ids across
 * schools (a termly overview is `overview:<year>:t<term>` in each), so the kept changes are
 * per database as well as per record.
 */
export function recordDb(doc: Record<string, unknown>): string {
	if (doc.type === 'trust-settings') return TRUST_DB;
	if (typeof doc.schoolId === 'string') return schoolDbName(doc.schoolId);
	throw new Error(`No database for a record of type ${String(doc.type)}`);
}

/** How every key of unsaved changes to records of database `db` begins, whoever typed them. */
export const unsavedIn = (db: string) => `si:${KIND}:${db}/`;

/** Where `user`'s unsaved changes to record `id` of database `db` are kept. */
export const unsavedKey = (user: string, db: string, id: string) =>
	userKey(user, `${KIND}:${db}/${id}`);

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is kept as `raw` (a localStorage value), or null when it is missing or not a note of ours. */
export function parseUnsaved(raw: string | null): Unsaved | null {
	if (raw === null) return null;
	try {
		const v: unknown = JSON.parse(raw);
		if (!isRecord(v)) return null;
		const { db, id, base, draft, own, at } = v;
		if (typeof db !== 'string' || typeof id !== 'string') return null;
		if (!isRecord(base) || !isRecord(draft)) return null;
		return {
			db,
			id,
			base,
			draft,
			...(isRecord(own) ? { own } : {}),
			...(typeof at === 'number' ? { at } : {})
		};
	} catch {
		return null;
	}
}

/** What is kept at `key`, or null. */
export function readUnsaved(key: string): Unsaved | null {
	try {
		return parseUnsaved(localStorage.getItem(key));
	} catch {
		return null;
	}
}

/** The keys of every unsaved change `user` has kept on this device. */
export function unsavedKeys(user: string): string[] {
	// `userKey` makes `si:<what>:<user>`.
	const prefix = `si:${KIND}:`;
	const suffix = `:${user}`;
	const keys: string[] = [];
	try {
		for (let i = 0; i < localStorage.length; i++) {
			const key = localStorage.key(i);
			if (key?.startsWith(prefix) && key.endsWith(suffix)) keys.push(key);
		}
	} catch {
		// No storage: nothing was kept.
	}
	return keys;
}
