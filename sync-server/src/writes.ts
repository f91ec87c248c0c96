import crypto from 'node:crypto';
import {
	isAdmin,
	schoolDocId,
	schoolOfDb,
	TRUST_SETTINGS_ID,
	validateDocUpdate,
	type RuleOptions,
	type UserCtx,
	type Verdict
} from '../../src/lib/domain/index.ts';
import { isAppDb, isDbAdmin } from './access.ts';
import type { Auth } from './auth.ts';
import type { Config } from './config.ts';
import { badRequest, CouchError, isObject } from './http.ts';
import { readOrNull, revsDiffOf, type RevsDiff } from './level-read.ts';
import { REVS_LIMIT, type BulkResult, type Doc, type Pouch, type Storage } from './storage.ts';
import { checkNames } from './names.ts';
import { claimsDoneBefore, NOT_DONE_BEFORE, stepWasDone } from './step-done.ts';
import { recordPerson } from './people.ts';
import { trustCache } from './trust-cache.ts';
import { prepareUserWrite, USER_PREFIX, USERS_DB, type UserDoc } from './users.ts';

/** One document's outcome, in CouchDB's `_bulk_docs` shape. */
export type WriteResult =
	{ ok: true; id: string; rev: string } | { id: string; error: string; reason: string };

export interface WriteCtx {
	cfg: Config;
	storage: Storage;
	auth: Auth;
	user: UserCtx;
	dbName: string;
	db: Pouch;
}

const RESERVED = 'Only reserved document ids may start with underscore.';

/** CouchDB's rule for document ids: non-empty, and `_` only for `_design/` and `_local/`. */
export function checkDocId(id: unknown): string {
	if (typeof id !== 'string' || id.length === 0) {
		throw new CouchError(400, 'illegal_docid', 'Document id must be a non-empty string.');
	}
	// A lone surrogate has no UTF-8 form: stored, it could never be fetched by its id.
	if (!id.isWellFormed())
		throw new CouchError(400, 'illegal_docid', 'Document id must be valid UTF-8');
	if (id.startsWith('_')) {
		const ok =
			(id.startsWith('_design/') && id.length > 8) || (id.startsWith('_local/') && id.length > 7);
		if (!ok) throw new CouchError(400, 'illegal_docid', RESERVED);
	}
	return id;
}

/** Highest revision generation accepted: a document would need a billion edits to reach it. */
export const MAX_GENERATION = 1_000_000_000;

const INVALID_REV = () => badRequest('Invalid rev format');
const docValidation = (reason: string) => new CouchError(400, 'doc_validation', reason);
/** A revision id as PouchDB (a v4 uuid without dashes) and CouchDB (an MD5) write it. */
const REV_ID = /^[0-9a-fA-F]{32}$/;
const REV = /^([1-9][0-9]{0,9})-(.*)$/s;
/** `_local` documents have no revision tree: CouchDB and PouchDB number them `0-1`, `0-2`, … */
const LOCAL_REV = /^0-[1-9][0-9]{0,9}$/;

/** Special members CouchDB accepts and drops (they describe the stored document, not this write). */
const IGNORED_MEMBERS = ['_revs_info', '_local_seq', '_conflicts', '_deleted_conflicts'];
/** Special members CouchDB keeps in the body. */
const BODY_MEMBERS = new Set([
	'_access',
	'_replication_id',
	'_replication_state',
	'_replication_state_time',
	'_replication_state_reason',
	'_replication_stats'
]);

/** `N-hex32`, N a whole number from 1 to MAX_GENERATION; anything else is CouchDB's "Invalid rev format". */
export function parseRev(rev: unknown): { gen: number; id: string } {
	if (typeof rev !== 'string') throw INVALID_REV();
	const m = REV.exec(rev);
	if (!m || !REV_ID.test(m[2]!)) throw INVALID_REV();
	const gen = Number(m[1]);
	if (gen > MAX_GENERATION) throw INVALID_REV();
	return { gen, id: m[2]! };
}

/**
 * The revision members of one document, checked completely before anything is written: PouchDB
 * stores whatever `_rev` and `_revisions` say (a generation of 0, an empty or non-hex id, a `start`
 * that is not a number, a history longer than its generation), and a revision tree built from such
 * values breaks every later read of the database. A replicated `_revisions` must also agree with
 * `_rev` (PouchDB writes the revision `_revisions` names while the rules would be asked about
 * `_rev`) and be no longer than the revisions the database keeps. Unknown `_` members are refused
 * as CouchDB refuses them, and the ones it ignores are dropped. Mutates `doc`.
 */
export function checkSpecialMembers(doc: Doc, newEdits: boolean): void {
	for (const key of Object.keys(doc)) {
		if (!key.startsWith('_')) continue;
		if (IGNORED_MEMBERS.includes(key)) delete doc[key];
		else if (
			!['_id', '_rev', '_revisions', '_attachments', '_deleted'].includes(key) &&
			!BODY_MEMBERS.has(key)
		)
			throw docValidation(`Bad special document member: ${key}`);
	}
	if (doc._deleted !== undefined && typeof doc._deleted !== 'boolean')
		throw docValidation('Bad special document member: _deleted');
	if (doc._id.startsWith('_local/')) {
		if (doc._revisions !== undefined)
			throw docValidation('Bad special document member: _revisions');
		if (doc._rev !== undefined && (typeof doc._rev !== 'string' || !LOCAL_REV.test(doc._rev)))
			throw INVALID_REV();
		return;
	}
	const revisions = doc._revisions;
	if (revisions === undefined) {
		if (doc._rev !== undefined) parseRev(doc._rev);
		return;
	}
	if (!isObject(revisions)) throw docValidation('Bad special document member: _revisions');
	const { start, ids } = revisions;
	if (!Number.isInteger(start)) throw docValidation("_revisions.start isn't an integer.");
	if (!Array.isArray(ids)) throw docValidation("_revisions.ids isn't a array.");
	const gen = start as number;
	if (gen < 1 || gen > MAX_GENERATION) {
		throw docValidation(`_revisions.start must be a whole number from 1 to ${MAX_GENERATION}.`);
	}
	if (ids.length === 0) throw docValidation('_revisions.ids is empty.');
	if (ids.length > gen) {
		throw docValidation('_revisions.ids lists more revisions than _revisions.start allows.');
	}
	if (ids.length > REVS_LIMIT) {
		throw docValidation(
			`_revisions.ids lists ${ids.length} revisions; this database keeps at most ${REVS_LIMIT}.`
		);
	}
	for (const id of ids) {
		if (typeof id !== 'string') throw docValidation("RevId isn't a string");
		if (!REV_ID.test(id)) throw docValidation("RevId isn't a valid hexadecimal");
	}
	const rev = `${gen}-${ids[0] as string}`;
	if (doc._rev === undefined) doc._rev = rev;
	else if (parseRev(doc._rev) && doc._rev !== rev) {
		throw badRequest(`_rev ${String(doc._rev)} is not the first revision of _revisions (${rev}).`);
	}
	// PouchDB ignores `_revisions` on a new edit (and CouchDB reads the same parent from it).
	if (newEdits) delete doc._revisions;
}

/**
 * Whether a request body of `bytes` is too small to carry any document over the size limit, so
 * that no document of it needs serialising to be measured (a thousandth of a second for a
 * replication batch of 100). JSON.stringify of a parsed document can be longer than its text only
 * through numbers (`1e20` becomes 21 digits, under 6 times as long) and the members the server
 * adds (an `_id`, a `_rev` taken from `_revisions`: under 200 bytes).
 */
export function bodyFitsEveryDoc(bytes: number, cfg: Config): boolean {
	return Number.isSafeInteger(bytes) && bytes >= 0 && 6 * bytes + 200 <= cfg.maxDocumentBytes;
}

/** Base64 length to bytes, without decoding. */
const base64Bytes = (s: string) =>
	Math.floor((s.length * 3) / 4) - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);

/**
 * Checks a document before anything is written: shape, id, size (attachments excluded, as CouchDB's
 * `max_document_size`) and each inline attachment. Any failure refuses the whole request, so a
 * batch is never half-written because of bad input. `fits`: the request was too small to hold a
 * document over the limit (see `bodyFitsEveryDoc`), so the size is not measured.
 */
export function checkDoc(doc: unknown, cfg: Config, newEdits: boolean, fits = false): Doc {
	if (!isObject(doc)) throw badRequest('Each document must be a JSON object.');
	if (doc._id === undefined && newEdits) doc._id = crypto.randomUUID().replaceAll('-', '');
	const id = checkDocId(doc._id);
	checkSpecialMembers(doc as Doc, newEdits);
	if (!newEdits && typeof doc._rev !== 'string' && !id.startsWith('_local/')) {
		throw badRequest(`Document ${id} has no _rev: new_edits=false needs one.`);
	}
	// CouchDB keeps no attachments on `_local` documents: it drops them without a word.
	if (id.startsWith('_local/')) delete doc._attachments;
	const atts = doc._attachments;
	if (
		!fits &&
		Buffer.byteLength(JSON.stringify({ ...doc, _attachments: undefined })) > cfg.maxDocumentBytes
	) {
		throw new CouchError(
			413,
			'document_too_large',
			`Document ${id} is larger than ${cfg.maxDocumentBytes} bytes.`
		);
	}
	if (atts !== undefined) {
		if (!isObject(atts)) throw badRequest(`Document ${id}: _attachments must be an object.`);
		for (const [name, att] of Object.entries(atts)) {
			if (!isObject(att)) throw badRequest(`Document ${id}: attachment ${name} must be an object.`);
			if (typeof att.data === 'string') {
				if (!/^[A-Za-z0-9+/]*={0,2}$/.test(att.data)) {
					throw badRequest(`Document ${id}: attachment ${name} is not valid base64.`);
				}
				if (base64Bytes(att.data) > cfg.maxAttachmentBytes) {
					throw new CouchError(
						413,
						'attachment_too_large',
						`Attachment ${name} of ${id} is larger than ${cfg.maxAttachmentBytes} bytes.`
					);
				}
			} else if (att.stub !== true) {
				throw badRequest(`Document ${id}: attachment ${name} needs data or stub: true.`);
			}
		}
	}
	return doc as Doc;
}

/**
 * The document as the rules see it: inline attachment data as the stub PouchDB will store (with its
 * digest), as CouchDB's validate_doc_update sees them, so that a rule can tell whether an
 * attachment changed. A stub without a digest keeps the current one, as PouchDB does.
 */
function forRules(doc: Doc, old: Doc | null): Doc {
	const atts = doc._attachments;
	if (!isObject(atts)) return doc;
	const current = (isObject(old?._attachments) ? old._attachments : {}) as Record<
		string,
		{ digest?: unknown } | undefined
	>;
	const view: Record<string, unknown> = {};
	for (const [name, att] of Object.entries(atts)) {
		if (!isObject(att)) view[name] = att;
		else if (typeof att.data === 'string') {
			const md5 = crypto.createHash('md5').update(Buffer.from(att.data, 'base64'));
			view[name] = {
				content_type: att.content_type,
				digest: `md5-${md5.digest('base64')}`,
				stub: true
			};
		} else view[name] = { ...att, digest: att.digest ?? current[name]?.digest };
	}
	return { ...doc, _attachments: view };
}

function pouchError(id: string, r: BulkResult): WriteResult {
	const e = r as { name?: string; error?: unknown; message?: string; reason?: string };
	const error = e.name ?? (typeof e.error === 'string' ? e.error : 'unknown_error');
	return { id, error, reason: e.reason ?? e.message ?? error };
}

/**
 * Every write goes through here: the analogue of CouchDB's update path with
 * `validate_doc_update`. Under the database's write lock it reads each document's current winning
 * revision, runs the shared domain rules, and writes only the documents that pass in one PouchDB
 * batch. Refused documents get CouchDB's per-document `{id, error: "forbidden", reason}`.
 *
 * With `newEdits` false (replication) revisions the server already has are skipped unvalidated:
 * they were accepted once, and re-sending them changes nothing.
 */
export async function writeDocs(
	ctx: WriteCtx,
	docs: Doc[],
	newEdits: boolean
): Promise<WriteResult[]> {
	const { storage, dbName, db, user } = ctx;
	// Every route's documents pass here (a DELETE's `?rev=` too): nothing malformed reaches PouchDB.
	for (const doc of docs) checkSpecialMembers(doc, newEdits);
	return storage.withLock(dbName, async () => {
		const results: (WriteResult | null)[] = docs.map(() => null);
		let todo = docs.map((doc, i) => ({ doc, i }));

		const ids = [...new Set(todo.map((t) => t.doc._id).filter((id) => !id.startsWith('_local/')))];
		const { current, known, missing } = await currentState(ctx, ids, todo, newEdits);
		if (!newEdits) {
			// Only documents the server already has can hold a revision it already has.
			todo = todo.filter(
				({ doc }) =>
					!known.has(doc._id) ||
					(Object.hasOwn(missing, doc._id) && missing[doc._id]!.missing.includes(doc._rev!))
			);
		}

		let accepted: { doc: Doc; i: number }[] = [];
		const options = await ruleOptions(
			ctx.storage,
			ctx.dbName,
			todo.some(({ doc }) => doc.type === 'attainment-booklet')
		);
		/** Whether a step is done by an update on disk, read once per step (`stepWasDone`). */
		const stepsDone = new Map<string, boolean>();
		/** Replicated revisions of this batch, by `id rev`, and whether each was refused. */
		const branch = new Map<string, { doc: Doc; refused: boolean }>();
		// Ancestors first, so that each revision is checked after the ones it descends from.
		const ordered = newEdits
			? todo
			: [...todo].sort((a, b) => parseInt(a.doc._rev!, 10) - parseInt(b.doc._rev!, 10));
		for (const t of ordered) {
			const { doc, i } = t;
			if (doc._id.startsWith('_local/')) {
				accepted.push(t);
				continue;
			}
			const old = current.get(doc._id) ?? null;
			// A retried PUT whose answer was lost, or an edit of an old revision: CouchDB answers 409
			// before its validation runs, and so does this.
			if (newEdits && old && doc._rev !== old._rev) {
				results[i] = { id: doc._id, error: 'conflict', reason: 'Document update conflict.' };
				continue;
			}
			if (dbName === USERS_DB) {
				try {
					const prepared = await prepareUserWrite(
						doc,
						old as UserDoc | null,
						user,
						isAdmin(user),
						ctx.cfg.pbkdf2Iterations
					);
					accepted.push({ doc: prepared, i });
				} catch (err) {
					if (!(err instanceof CouchError)) throw err;
					results[i] = { id: doc._id, error: err.error, reason: err.reason };
				}
				continue;
			}
			if (!isAppDb(dbName)) {
				const plain = plainVerdict(doc, user, storage, dbName);
				if (plain.ok) accepted.push(t);
				else results[i] = { id: doc._id, error: plain.error, reason: plain.reason };
				continue;
			}
			// A replicated revision of a document whose winner is deleted is checked, as CouchDB does,
			// against the revision it descends from on disk: an edit made on a device that had not
			// seen the removal (a head's reply on a next step removed meanwhile) is an edit of that
			// revision, not a new document. A live winner is always what the rules read.
			const against =
				!newEdits && !old && !doc._deleted && known.has(doc._id)
					? await parentOnDisk(db, doc)
					: old;
			let verdict = validateDocUpdate(forRules(doc, against), against, user, dbName, options);
			if (verdict.ok && !newEdits) verdict = checkBranch(doc, branch, user, dbName, options);
			// The rules see who wrote a record; the full name beside it is checked here, against the
			// trust's list of people, which CouchDB's validate_doc_update cannot read.
			if (verdict.ok && !isAdmin(user)) {
				const reason = await checkNames(doc, against, trustCache(storage), ctx.auth);
				if (reason) verdict = { ok: false, error: 'forbidden', reason };
			}
			if (verdict.ok && claimsDoneBefore(doc)) {
				const earlier = accepted.map((a) => a.doc);
				if (!(await stepWasDone(db, doc, earlier, stepsDone)))
					verdict = { ok: false, error: 'forbidden', reason: NOT_DONE_BEFORE };
			}
			if (!newEdits) branch.set(`${doc._id} ${doc._rev}`, { doc, refused: !verdict.ok });
			if (verdict.ok) accepted.push(t);
			else results[i] = { id: doc._id, error: verdict.error, reason: verdict.reason };
		}

		// Checkpoints (`_local/`) are written on their own, each as PouchDB's `put` writes it: a
		// batch of `_local` documents alone, which storage.ts does not fsync (see durableLeveldown).
		const locals = accepted.filter(({ doc }) => doc._id.startsWith('_local/'));
		if (locals.length) accepted = accepted.filter(({ doc }) => !doc._id.startsWith('_local/'));
		if (accepted.length) {
			if (newEdits) await fillStubDigests(db, accepted);
			// PouchDB sorts the array it is given for new_edits=false: hand it a copy.
			const written = await db.bulkDocs(
				accepted.map((a) => a.doc),
				{ new_edits: newEdits }
			);
			if (newEdits) {
				accepted.forEach(({ doc, i }, k) => {
					const r = written[k];
					if (r && 'error' in r && r.error) results[i] = pouchError(doc._id, r);
					else
						results[i] = { ok: true, id: doc._id, rev: (r as { rev?: string })?.rev ?? doc._rev! };
				});
			} else {
				// Replicated writes answer with the errors only, as CouchDB does.
				const errors = new Map(written.map((r) => [r.id, r]));
				for (const { doc, i } of accepted) {
					const r = errors.get(doc._id);
					results[i] = r ? pouchError(doc._id, r) : { ok: true, id: doc._id, rev: doc._rev! };
				}
			}
			// Checkpoints (`_local/`, written below) are not in `_changes`: they wake no feed.
			storage.notify(dbName);
			if (dbName === USERS_DB) {
				for (const { doc, i } of accepted) {
					if (!doc._id.startsWith(USER_PREFIX)) continue;
					const name = doc._id.slice(USER_PREFIX.length);
					ctx.auth.forget(name);
					// An account's full name, changed or removed over HTTP, reaches the trust's list
					// of people as it does from the command line.
					if (results[i] && 'error' in results[i]) continue;
					const fullName = doc._deleted ? '' : typeof doc.fullName === 'string' ? doc.fullName : '';
					const roles = Array.isArray(doc.roles)
						? (doc.roles as unknown[]).filter((r): r is string => typeof r === 'string')
						: [];
					await recordPerson(storage, name, fullName, doc._deleted ? [] : roles, doc.title);
				}
			}
		}
		for (const { doc, i } of locals) {
			try {
				const r = await db.put(doc);
				results[i] = { ok: true, id: r.id, rev: r.rev };
			} catch (err) {
				// As in `_bulk_docs`: a stale `_rev` is this document's conflict, not the request's.
				const e = err as { status?: number; name?: string };
				if (typeof e?.status !== 'number' || e.status >= 500 || !e.name) throw err;
				results[i] = pouchError(doc._id, e as BulkResult);
			}
		}
		return results.map((r, i) => r ?? { ok: true as const, id: docs[i]!._id, rev: docs[i]!._rev! });
	});
}

/**
 * CouchDB finds an attachment stub by its name in the revision being edited; PouchDB needs its
 * digest. Stubs sent without one (CouchDB's own clients do) get the digest of that revision's
 * attachment of the same name; one that revision does not have stays missing (412 missing_stub).
 */
async function fillStubDigests(db: Pouch, docs: { doc: Doc }[]): Promise<void> {
	for (const { doc } of docs) {
		const atts = doc._attachments as Record<string, Record<string, unknown>> | undefined;
		if (!atts || !doc._rev) continue;
		const bare = Object.values(atts).filter((a) => a.stub === true && a.digest === undefined);
		if (!bare.length) continue;
		const prev = (await db.get(doc._id, { rev: doc._rev }).catch(() => null)) as {
			_attachments?: Record<string, { digest?: string }>;
		} | null;
		for (const [name, att] of Object.entries(atts)) {
			const digest = prev?._attachments?.[name]?.digest;
			if (att.stub === true && att.digest === undefined && digest) att.digest = digest;
		}
	}
}

/**
 * A database the app does not own is plain CouchDB: any document, and design documents (whose
 * code is stored, never run here) only from its administrators, as CouchDB allows.
 */
function plainVerdict(
	doc: Doc,
	user: UserCtx,
	storage: Storage,
	dbName: string
): { ok: true } | { ok: false; error: string; reason: string } {
	if (!doc._id.startsWith('_design/') || isDbAdmin(user, storage.readSecurity(dbName))) {
		return { ok: true };
	}
	return { ok: false, error: 'unauthorized', reason: 'You are not a db or server admin.' };
}

/**
 * A replicated revision is checked against the current winner (above) and, when the revisions it
 * descends from were sent in the same batch, against the nearest of them: revisions 1 and 2 of a
 * progress update sent together are an edit, which the rules refuse, not two new documents. A
 * revision descending from a refused one is refused too.
 */
function checkBranch(
	doc: Doc,
	branch: Map<string, { doc: Doc; refused: boolean }>,
	user: UserCtx,
	dbName: string,
	options: RuleOptions
): Verdict {
	const revisions = doc._revisions as { start: number; ids: string[] } | undefined;
	if (!revisions) return { ok: true };
	for (let k = 1; k < revisions.ids.length; k++) {
		const parent = branch.get(`${doc._id} ${revisions.start - k}-${revisions.ids[k]}`);
		if (!parent) continue;
		if (parent.refused) {
			return {
				ok: false,
				error: 'forbidden',
				reason: 'An earlier revision of this document was refused.'
			};
		}
		const old = parent.doc._deleted ? null : forRules(parent.doc, null);
		return validateDocUpdate(forRules(doc, old), old, user, dbName, options);
	}
	return { ok: true };
}

/**
 * The nearest revision a replicated one descends from that the server holds, as the rules read it;
 * null when none is held or the nearest is itself a removal (then the revision is checked as a new
 * document). Only asked for a document whose winner is deleted, so it costs nothing on the
 * ordinary write path.
 */
async function parentOnDisk(db: Pouch, doc: Doc): Promise<Doc | null> {
	const revisions = doc._revisions as { start: number; ids: string[] } | undefined;
	if (!revisions) return null;
	// At most a few: a history as long as the server keeps is not walked in full.
	for (let k = 1; k < Math.min(revisions.ids.length, 8); k++) {
		const rev = `${revisions.start - k}-${revisions.ids[k]}`;
		const parent = (await db.get(doc._id, { rev }).catch(() => null)) as Doc | null;
		if (!parent) continue;
		return parent._deleted ? null : forRules(parent, null);
	}
	return null;
}

/**
 * What the database holds for the documents about to be written: each one's winning revision (if
 * not deleted), which exist at all, and for replicated writes which incoming revisions are new.
 * One batch of direct reads, or PouchDB's API where the reader cannot answer.
 */
async function currentState(
	ctx: WriteCtx,
	ids: string[],
	todo: { doc: Doc }[],
	newEdits: boolean
): Promise<{ current: Map<string, Doc>; known: Set<string>; missing: RevsDiff }> {
	const current = new Map<string, Doc>();
	const known = new Set<string>();
	if (!ids.length) return { current, known, missing: {} };
	/** Replicated revisions of documents that exist: only those can be ones the server has. */
	const incoming = (): Record<string, string[]> => {
		const byId: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
		if (!newEdits)
			for (const { doc } of todo) if (known.has(doc._id)) (byId[doc._id] ??= []).push(doc._rev!);
		return byId;
	};

	const direct = await readOrNull(ctx.storage.reader(ctx.dbName), async (reader) => {
		const metas = await reader.metadata(ids);
		const winners = await reader.winners(metas);
		const metaById = new Map(ids.map((id, i) => [id, metas[i]!]));
		ids.forEach((id, i) => {
			if (metas[i]) known.add(id);
			if (winners[i]) current.set(id, winners[i]);
		});
		const byId = incoming();
		const withRevs = Object.keys(byId);
		return revsDiffOf(
			byId,
			withRevs,
			withRevs.map((id) => metaById.get(id)!)
		);
	});
	if (direct) return { current, known, missing: direct };

	current.clear();
	known.clear();
	const rows = await ctx.db.allDocs({ keys: ids, include_docs: true });
	for (const row of rows.rows) {
		if (!row.id || row.error) continue;
		known.add(row.id);
		if (row.doc) current.set(row.id, row.doc);
	}
	const byId = incoming();
	return {
		current,
		known,
		missing: Object.keys(byId).length ? await ctx.db.revsDiff(byId) : {}
	};
}

/** One document write, as `PUT /{db}/{id}`: a refusal is thrown as the request's error. */
export async function writeOne(
	ctx: WriteCtx,
	doc: Doc,
	newEdits = true
): Promise<{ ok: true; id: string; rev: string }> {
	const [r] = await writeDocs(ctx, [doc], newEdits);
	if (!r) throw new Error('no write result');
	if ('error' in r) {
		const status =
			r.error === 'forbidden'
				? 403
				: r.error === 'conflict'
					? 409
					: r.error === 'unauthorized'
						? 401
						: 400;
		throw new CouchError(
			status,
			r.error,
			r.error === 'conflict' ? 'Document update conflict.' : r.reason
		);
	}
	return r;
}

/**
 * Trust settings that change the role rules, from the trust database as cached (`trust-cache.ts`):
 * a replication batch and its checkpoint read nothing here.
 */
async function ruleOptions(
	storage: Storage,
	dbName: string,
	needSettings: boolean
): Promise<RuleOptions> {
	// A school's records and the copies sent to its governors: no new copy goes once it has closed.
	const schoolId = schoolOfDb(dbName);
	if (!needSettings && !schoolId) return {};
	const trust = trustCache(storage);
	const options: RuleOptions = {};
	if (needSettings) {
		const settings = await trust.get(TRUST_SETTINGS_ID);
		options.headsMayEnterFigures = settings?.headsMayEnterFigures === true;
	}
	if (schoolId) {
		// A closed school's records are read-only (issue 15): the registry says whether it closed.
		const school = await trust.get(schoolDocId(schoolId));
		if (school?.closed) options.schoolClosed = true;
	}
	return options;
}
