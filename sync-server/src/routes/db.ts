import { defaultSecurity, requireDbAdmin, requireMember, requireServerAdmin } from '../access.ts';
import { concernView, winnerBodies, type ConcernView } from '../concern-read.ts';
import type { Call } from '../context.ts';
import {
	allowParams,
	badRequest,
	boolParam,
	CouchError,
	fromPouchError,
	intParam,
	isObject,
	jsonParam,
	mediaType,
	readJsonObject,
	sendJson
} from '../http.ts';
import { type BulkGetDoc, readOrNull } from '../level-read.ts';
import type { Doc, Pouch, Security } from '../storage.ts';
import { bodyFitsEveryDoc, checkDoc, writeDocs, writeOne, type WriteCtx } from '../writes.ts';
import { publicAttachments } from './docs.ts';

/**
 * Refuses a request listing more entries (documents, keys, ids, revisions) than the server takes at
 * once: each costs work on the one thread every request shares. CouchDB's words where it has them.
 */
function capEntries(c: Call, count: number, what: string, error = 'too_many_entries'): void {
	const max = c.app.cfg.maxRequestEntries;
	if (count > max) {
		throw new CouchError(
			413,
			error,
			`This request lists ${count} ${what}; the server accepts at most ${max} in one request.`
		);
	}
}

/**
 * The largest body of a request that lists ids or keys (`_revs_diff`, `_bulk_get`, `_all_docs`):
 * 10,000 entries take about 1.5 MB, and parsing is work on the shared thread, so a body far bigger
 * than the entry limit needs is refused before it is read.
 */
export const MAX_LIST_BYTES = 4 * 1024 * 1024;
const listBytes = (c: Call) => Math.min(c.app.cfg.maxRequestBytes, MAX_LIST_BYTES);

/** Entries handled between two turns of the event loop, so that a big answer lets others in. */
const SLICE = 500;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `fn` over `items` a slice at a time, yielding to other requests between slices. */
async function inSlices<T, R>(items: T[], fn: (slice: T[]) => Promise<R[]> | R[]): Promise<R[]> {
	const out: R[] = [];
	for (let i = 0; i < items.length; i += SLICE) {
		if (i > 0) await nextTurn();
		out.push(...(await fn(items.slice(i, i + SLICE))));
	}
	return out;
}

export const noDb = () => new CouchError(404, 'not_found', 'Database does not exist.');

export function writeCtx(c: Call, dbName: string, db: Pouch): WriteCtx {
	return { cfg: c.app.cfg, storage: c.app.storage, auth: c.app.auth, user: c.who.user, dbName, db };
}

/** `GET /{db}`: what PouchDB and CouchDB's replicators read first (`update_seq`, `instance_start_time`). */
export async function dbInfo(c: Call, dbName: string, db: Pouch): Promise<void> {
	allowParams(c.query, []);
	const info = await db.info();
	sendJson(c.res, 200, {
		db_name: dbName,
		update_seq: info.update_seq,
		doc_count: info.doc_count,
		doc_del_count: 0,
		purge_seq: 0,
		compact_running: false,
		disk_format_version: 8,
		sizes: { active: 0, external: 0, file: 0 },
		props: {},
		instance_start_time: '0'
	});
}

export async function createDb(c: Call, dbName: string): Promise<void> {
	allowParams(c.query, ['q', 'n', 'partitioned']);
	requireServerAdmin(c.who.user);
	const created = await c.app.storage.create(dbName, defaultSecurity(dbName));
	if (!created)
		throw new CouchError(
			412,
			'file_exists',
			'The database could not be created, the file already exists.'
		);
	c.log.info('database created', { db: dbName });
	sendJson(c.res, 201, { ok: true }, { Location: `/couchdb/${encodeURIComponent(dbName)}` });
}

export async function deleteDb(c: Call, dbName: string): Promise<void> {
	allowParams(c.query, []);
	requireServerAdmin(c.who.user);
	if (!c.app.storage.exists(dbName)) throw noDb();
	await c.app.storage.destroy(dbName);
	c.log.info('database deleted', { db: dbName });
	sendJson(c.res, 200, { ok: true });
}

export async function postDoc(c: Call, dbName: string, db: Pouch): Promise<void> {
	allowParams(c.query, ['batch']);
	const body = await readJsonObject(c.raw, c.app.cfg.maxRequestBytes);
	const doc = checkDoc(body, c.app.cfg, true);
	const r = await writeOne(writeCtx(c, dbName, db), doc);
	sendJson(c.res, 201, r, { ETag: `"${r.rev}"` });
}

function validSecurity(body: Record<string, unknown>): Security {
	const group = (g: unknown, what: string) => {
		if (g === undefined) return { names: [], roles: [] };
		if (!isObject(g)) throw badRequest(`${what} must be an object with names and roles.`);
		const list = (v: unknown, field: string) => {
			if (v === undefined) return [];
			if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
				throw badRequest(`${what}.${field} must be a list of strings.`);
			}
			return v as string[];
		};
		return { names: list(g.names, 'names'), roles: list(g.roles, 'roles') };
	};
	return { admins: group(body.admins, 'admins'), members: group(body.members, 'members') };
}

export async function security(c: Call, dbName: string, sec: Security | null): Promise<void> {
	allowParams(c.query, []);
	if (c.method === 'GET' || c.method === 'HEAD') {
		requireMember(c.who.user, dbName, sec);
		sendJson(c.res, 200, sec ?? defaultSecurity(dbName));
		return;
	}
	if (c.method !== 'PUT')
		throw new CouchError(405, 'method_not_allowed', 'Only GET,PUT allowed', { Allow: 'GET,PUT' });
	requireDbAdmin(c.who.user, sec);
	const next = validSecurity(await readJsonObject(c.raw, 64 * 1024));
	c.app.storage.writeSecurity(dbName, next);
	c.log.info('security changed', { db: dbName });
	sendJson(c.res, 200, { ok: true });
}

export async function revsDiff(c: Call, dbName: string, db: Pouch): Promise<void> {
	allowParams(c.query, []);
	const body = await readJsonObject(c.raw, listBytes(c));
	const entries = Object.entries(body);
	capEntries(c, entries.length, 'document ids');
	let revCount = 0;
	for (const [id, revs] of entries) {
		if (!Array.isArray(revs) || !revs.every((r) => typeof r === 'string')) {
			throw badRequest(`_revs_diff: the revisions of ${id} must be a list of strings.`);
		}
		revCount += revs.length;
	}
	capEntries(c, revCount, 'revisions');
	const reader = c.app.storage.reader(dbName);
	const parts = await inSlices(entries, async (slice) => {
		const request = Object.fromEntries(slice) as Record<string, string[]>;
		return [(await readOrNull(reader, (r) => r.revsDiff(request))) ?? (await db.revsDiff(request))];
	});
	sendJson(c.res, 200, Object.assign({}, ...parts) as object);
}

/**
 * `POST /{db}/_bulk_docs`. Bad input refuses the whole request before anything is written. With
 * `new_edits: false` CouchDB answers 201 with the errors only; otherwise one entry per document.
 */
export async function bulkDocs(c: Call, dbName: string, db: Pouch): Promise<void> {
	allowParams(c.query, []);
	const body = await readJsonObject(c.raw, c.app.cfg.maxRequestBytes);
	if (!Array.isArray(body.docs)) throw badRequest('POST body must include `docs` parameter.');
	if (body.new_edits !== undefined && typeof body.new_edits !== 'boolean') {
		throw badRequest('`new_edits` parameter must be a boolean.');
	}
	capEntries(c, body.docs.length, 'documents', 'max_bulk_docs_count_exceeded');
	const newEdits = body.new_edits !== false;
	// Without a Content-Length (a chunked body) every document is measured.
	const length = c.raw.headers['content-length'];
	const fits = length !== undefined && bodyFitsEveryDoc(Number(length), c.app.cfg);
	const docs = body.docs.map((d) => checkDoc(d, c.app.cfg, newEdits, fits));
	const results = await writeDocs(writeCtx(c, dbName, db), docs, newEdits);
	const denied = results.filter((r) => 'error' in r);
	if (denied.length)
		c.log.info('documents refused', { db: dbName, count: denied.length, first: denied[0] });
	sendJson(c.res, 201, newEdits ? results : denied);
}

type OpenRev = { ok: Doc } | { missing: string };

/**
 * The revisions of `revs` the database has. PouchDB's `latest` throws, uncaught, on a revision it
 * does not know (it would take the process down), so only known ones are ever asked for.
 */
export async function knownRevs(db: Pouch, id: string, revs: string[]): Promise<string[]> {
	const diff = await db.revsDiff({ [id]: revs });
	const missing = new Set(diff[id]?.missing ?? []);
	return revs.filter((r) => !missing.has(r));
}

export interface BulkGetOpts {
	revs: boolean;
	latest: boolean;
	attachments: boolean;
}

/** One `_bulk_get` request answered through PouchDB's API (attachment data included). */
export async function bulkGetViaPouch(
	db: Pouch,
	{ id, rev }: { id: string; rev?: string },
	{ revs, latest, attachments }: BulkGetOpts
): Promise<BulkGetDoc> {
	const notFound = (reason: string): BulkGetDoc => ({
		error: { id, rev: rev ?? 'undefined', error: 'not_found', reason }
	});
	try {
		if (rev === undefined) return { ok: await db.get(id, { revs, attachments, latest }) };
		if (!(await knownRevs(db, id, [rev])).length) return notFound('missing');
		const open = (await db.get(id, {
			open_revs: [rev],
			revs,
			latest,
			attachments
		})) as unknown as OpenRev[];
		const first = open[0];
		return first && 'ok' in first ? { ok: first.ok } : notFound('missing');
	} catch (err) {
		const e = fromPouchError(err);
		return { error: { id, rev: rev ?? 'undefined', error: e.error, reason: e.reason } };
	}
}

/**
 * `POST /{db}/_bulk_get`: PouchDB's replicator fetches each batch of missing revisions here.
 * Missing revisions come back as CouchDB's `{error: {id, rev, error: "not_found"}}` entries. The
 * database's direct reader answers what it can in one pass; PouchDB the rest (attachment data).
 */
export async function bulkGet(c: Call, dbName: string, db: Pouch): Promise<void> {
	allowParams(c.query, ['revs', 'latest', 'attachments', 'att_encoding_info']);
	const opts: BulkGetOpts = {
		revs: boolParam(c.query, 'revs') ?? false,
		latest: boolParam(c.query, 'latest') ?? false,
		attachments: boolParam(c.query, 'attachments') ?? false
	};
	const body = await readJsonObject(c.raw, listBytes(c));
	if (!Array.isArray(body.docs)) throw badRequest("Missing JSON list of 'docs'.");
	capEntries(c, body.docs.length, 'documents', 'max_bulk_get_count_exceeded');
	const requests = body.docs.map((r) => {
		if (!isObject(r) || typeof r.id !== 'string')
			throw badRequest('Each entry of `docs` needs an `id`.');
		if (r.rev !== undefined && typeof r.rev !== 'string')
			throw badRequest('`rev` must be a string.');
		return { id: r.id, rev: r.rev as string | undefined, atts_since: r.atts_since };
	});
	const reader = c.app.storage.reader(dbName);
	const view = concernView(c.who.user, dbName);
	const results = await inSlices(requests, async (slice) => {
		const direct = await readOrNull(reader, (r) => r.bulkGet(slice, opts));
		const found = await Promise.all(
			slice.map((req, i) => direct?.[i] ?? bulkGetViaPouch(db, req, opts))
		);
		// A revision the person may not read is answered as one the database does not have.
		const answers = view ? found.map((a, i) => viewed(a, slice[i]!, view)) : found;
		return answers.map((answer, i) => {
			const { id, atts_since } = slice[i]!;
			const doc =
				'ok' in answer
					? { ok: publicAttachments(answer.ok, opts.attachments, atts_since) }
					: answer;
			return { id, docs: [doc] };
		});
	});
	sendJson(c.res, 200, { results });
}

function viewed(
	answer: BulkGetDoc,
	{ id, rev }: { id: string; rev?: string },
	view: ConcernView
): BulkGetDoc {
	if (!('ok' in answer)) return answer;
	const shown = view(answer.ok);
	return shown
		? { ok: shown }
		: { error: { id, rev: rev ?? 'undefined', error: 'not_found', reason: 'missing' } };
}

const ALL_DOCS_PARAMS = [
	'conflicts',
	'descending',
	'endkey',
	'end_key',
	'endkey_docid',
	'end_key_doc_id',
	'include_docs',
	'inclusive_end',
	'key',
	'keys',
	'limit',
	'skip',
	'startkey',
	'start_key',
	'startkey_docid',
	'start_key_doc_id',
	'update_seq',
	'attachments',
	'att_encoding_info',
	'sorted'
];

/** `GET|POST /{db}/_all_docs`, with `keys` in the query or the body. */
export async function allDocs(c: Call, dbName: string, db: Pouch): Promise<void> {
	allowParams(c.query, ALL_DOCS_PARAMS);
	const q = c.query;
	const opts: Record<string, unknown> = {};
	for (const name of [
		'conflicts',
		'descending',
		'include_docs',
		'inclusive_end',
		'update_seq',
		'attachments'
	]) {
		const v = boolParam(q, name);
		if (v !== undefined) opts[name] = v;
	}
	const limit = intParam(q, 'limit');
	if (limit !== undefined) opts.limit = limit;
	const skip = intParam(q, 'skip');
	if (skip !== undefined) opts.skip = skip;
	const start = jsonParam(q, 'startkey') ?? jsonParam(q, 'start_key');
	if (start !== undefined) opts.startkey = start;
	const end = jsonParam(q, 'endkey') ?? jsonParam(q, 'end_key');
	if (end !== undefined) opts.endkey = end;
	const key = jsonParam(q, 'key');
	if (key !== undefined) opts.key = key;
	let keys = jsonParam(q, 'keys');
	if (c.method === 'POST') {
		const body = await readJsonObject(c.raw, listBytes(c));
		if (body.keys !== undefined) keys = body.keys;
	}
	if (keys !== undefined) {
		if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
			throw badRequest('`keys` body member must be an array.');
		}
		capEntries(c, keys.length, 'keys');
	}
	const view = concernView(c.who.user, dbName);
	if (view) {
		sendJson(
			c.res,
			200,
			await visibleAllDocs(c, dbName, db, opts, keys as string[] | undefined, view)
		);
		return;
	}
	if (keys !== undefined) {
		// PouchDB's reading of skip, limit and descending with keys, done here so that the keys can
		// be looked up a slice at a time.
		const skip = (opts.skip as number | undefined) ?? 0;
		const limit = opts.limit as number | undefined;
		const list = (keys as string[]).slice(skip, limit === undefined ? undefined : skip + limit);
		if (opts.descending) list.reverse();
		const rest: Record<string, unknown> = { ...opts, skip: 0, descending: false };
		delete rest.limit;
		const pages = await inSlices(list, async (slice) => [
			await db.allDocs({ ...rest, keys: slice })
		]);
		const first = pages[0] ?? (await db.allDocs({ ...rest, keys: [] }));
		sendJson(c.res, 200, { ...first, offset: skip, rows: pages.flatMap((p) => p.rows) });
		return;
	}
	const result = await db.allDocs(opts);
	sendJson(c.res, 200, result);
}

type AllDocsRow = {
	id?: string;
	key: unknown;
	value?: { rev: string; deleted?: boolean };
	doc?: Doc | null;
	error?: string;
};
type AllDocsPage = { total_rows: number; offset: number; rows: AllDocsRow[]; update_seq?: unknown };

/**
 * `_all_docs` of the concerns as one person may read them (concern-read.ts): rows of concerns
 * they may not read are left out of a range, and a key naming one is answered `not_found`, as a
 * key naming no document. `total_rows` counts what they may read. Every row is judged by its
 * document's winning revision, so the documents are read even when not asked for: the concerns
 * are few, and only a reader who may not read them all pays.
 */
async function visibleAllDocs(
	c: Call,
	dbName: string,
	db: Pouch,
	opts: Record<string, unknown>,
	keys: string[] | undefined,
	view: ConcernView
): Promise<AllDocsPage> {
	const skip = (opts.skip as number | undefined) ?? 0;
	const limit = opts.limit as number | undefined;
	const withDocs = opts.include_docs === true;
	const rest: Record<string, unknown> = { ...opts, include_docs: true };
	delete rest.skip;
	delete rest.limit;
	const shownRow = (row: AllDocsRow, doc: Doc): AllDocsRow => {
		const { doc: _drop, ...bare } = row;
		return withDocs ? { ...bare, doc: row.value?.deleted ? null : doc } : bare;
	};
	const total = async () => {
		const all = (await db.allDocs({ include_docs: true })) as unknown as AllDocsPage;
		return all.rows.filter((r) => r.doc && view(r.doc)).length;
	};

	if (keys !== undefined) {
		const list = keys.slice(skip, limit === undefined ? undefined : skip + limit);
		if (opts.descending) list.reverse();
		rest.descending = false;
		const pages = await inSlices(list, async (slice) => {
			const page = (await db.allDocs({ ...rest, keys: slice })) as unknown as AllDocsPage;
			// A deletion's row has no document: its winning revision says whether it may be shown.
			const deleted = page.rows.filter((r) => r.value?.deleted).map((r) => r.id!);
			const tombs = await winnerBodies(c.app.storage, dbName, db, deleted);
			const byId = new Map(deleted.map((id, i) => [id, tombs[i] ?? null]));
			return page.rows.map((row): AllDocsRow => {
				if (row.error || !row.value) return row;
				const body = row.value.deleted ? byId.get(row.id!) : row.doc;
				const shown = body ? view(body) : null;
				return shown ? shownRow(row, shown) : { key: row.key, error: 'not_found' };
			});
		});
		return { total_rows: await total(), offset: skip, rows: pages };
	}
	const page = (await db.allDocs(rest)) as unknown as AllDocsPage;
	const rows: AllDocsRow[] = [];
	for (const row of page.rows) {
		const shown = row.doc ? view(row.doc) : null;
		if (shown) rows.push(shownRow(row, shown));
	}
	const ranged = ['startkey', 'endkey', 'key'].some((k) => opts[k] !== undefined);
	return {
		...page,
		total_rows: ranged ? await total() : rows.length,
		offset: skip,
		rows: rows.slice(skip, limit === undefined ? undefined : skip + limit)
	};
}

/**
 * `POST /{db}/_compact`: as CouchDB, 202 at once for the database's administrators, the work in the
 * background. PouchDB's compaction drops the bodies of revisions that are no longer leaves.
 */
export function compact(c: Call, dbName: string, db: Pouch, sec: Security | null): void {
	requireDbAdmin(c.who.user, sec);
	if (mediaType(c.raw) !== 'application/json') {
		throw new CouchError(415, 'bad_content_type', 'Content-Type must be application/json');
	}
	c.raw.resume();
	const started = Date.now();
	void Promise.resolve((db as Pouch & { compact(): Promise<unknown> }).compact()).then(
		() => c.log.info('database compacted', { db: dbName, ms: Date.now() - started }),
		(err: unknown) => c.log.warn('compaction failed', { db: dbName, err })
	);
	sendJson(c.res, 202, { ok: true });
}

export function ensureFullCommit(c: Call): void {
	allowParams(c.query, ['seq']);
	// Every document write is on disk when it is acknowledged (checkpoints go with the next one).
	sendJson(c.res, 201, { ok: true, instance_start_time: '0' });
}
