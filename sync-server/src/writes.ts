import crypto from 'node:crypto';
import {
	isAdmin,
	TRUST_DB,
	TRUST_SETTINGS_ID,
	validateDocUpdate,
	type RuleOptions,
	type UserCtx
} from '../../src/lib/domain/index.ts';
import { isAppDb, isDbAdmin } from './access.ts';
import type { Auth } from './auth.ts';
import type { Config } from './config.ts';
import { badRequest, CouchError, isObject } from './http.ts';
import { readOrNull, revsDiffOf, type RevsDiff } from './level-read.ts';
import type { BulkResult, Doc, Pouch, Storage } from './storage.ts';
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
	if (id.startsWith('_')) {
		const ok =
			(id.startsWith('_design/') && id.length > 8) || (id.startsWith('_local/') && id.length > 7);
		if (!ok) throw new CouchError(400, 'illegal_docid', RESERVED);
	}
	return id;
}

/** Base64 length to bytes, without decoding. */
const base64Bytes = (s: string) =>
	Math.floor((s.length * 3) / 4) - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);

/**
 * Checks a document before anything is written: shape, id, size (attachments excluded, as CouchDB's
 * `max_document_size`) and each inline attachment. Any failure refuses the whole request, so a
 * batch is never half-written because of bad input.
 */
export function checkDoc(doc: unknown, cfg: Config, newEdits: boolean): Doc {
	if (!isObject(doc)) throw badRequest('Each document must be a JSON object.');
	if (doc._id === undefined && newEdits) doc._id = crypto.randomUUID().replaceAll('-', '');
	const id = checkDocId(doc._id);
	if (!newEdits && typeof doc._rev !== 'string' && !id.startsWith('_local/')) {
		throw badRequest(`Document ${id} has no _rev: new_edits=false needs one.`);
	}
	if (doc._rev !== undefined && typeof doc._rev !== 'string')
		throw badRequest('_rev must be a string.');
	// CouchDB keeps no attachments on `_local` documents: it drops them without a word.
	if (id.startsWith('_local/')) delete doc._attachments;
	const atts = doc._attachments;
	const size = Buffer.byteLength(JSON.stringify({ ...doc, _attachments: undefined }));
	if (size > cfg.maxDocumentBytes) {
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

		const accepted: { doc: Doc; i: number }[] = [];
		const options = todo.some(({ doc }) => doc.type === 'attainment-booklet')
			? await ruleOptions(ctx.storage)
			: {};
		for (const t of todo) {
			const { doc, i } = t;
			if (doc._id.startsWith('_local/')) {
				accepted.push(t);
				continue;
			}
			const old = current.get(doc._id) ?? null;
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
			const verdict = isAppDb(dbName)
				? validateDocUpdate(doc, old, user, dbName, options)
				: plainVerdict(doc, user, storage, dbName);
			if (verdict.ok) accepted.push(t);
			else results[i] = { id: doc._id, error: verdict.error, reason: verdict.reason };
		}

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
			// Checkpoints (`_local/`) are not in `_changes`: saving one wakes no feed and no device.
			if (accepted.some(({ doc }) => !doc._id.startsWith('_local/'))) storage.notify(dbName);
			if (dbName === USERS_DB) {
				for (const { doc } of accepted) {
					if (doc._id.startsWith(USER_PREFIX)) ctx.auth.forget(doc._id.slice(USER_PREFIX.length));
				}
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

/** Trust settings that change the role rules, read from the trust database when a rule needs them. */
async function ruleOptions(storage: Storage): Promise<RuleOptions> {
	const trust = await storage.get(TRUST_DB);
	const settings = (await trust?.get(TRUST_SETTINGS_ID).catch(() => null)) as {
		headsMayEnterFigures?: unknown;
	} | null;
	return { headsMayEnterFigures: settings?.headsMayEnterFigures === true };
}
