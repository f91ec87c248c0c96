import { isAdmin } from '../../../src/lib/domain/index.ts';
import type { Call } from '../context.ts';
import {
	allowParams,
	badRequest,
	boolParam,
	CouchError,
	fromPouchError,
	isObject,
	jsonParam,
	mediaType,
	readBody,
	readJsonObject,
	sendJson
} from '../http.ts';
import type { Doc, Pouch } from '../storage.ts';
import { publicUserDoc, USERS_DB } from '../users.ts';
import { checkDoc, writeOne } from '../writes.ts';
import { knownRevs, writeCtx } from './db.ts';

type Att = {
	content_type?: string;
	digest?: string;
	data?: string;
	length?: number;
	revpos?: number;
	stub?: boolean;
};

/**
 * Applies `atts_since`: attachments the client already has (added at or before the newest
 * revision it lists that is an ancestor of this one) come back as stubs, not data again.
 */
export function publicAttachments(doc: Doc, withData: boolean, attsSince: unknown): Doc {
	const atts = doc._attachments as Record<string, Att> | undefined;
	if (!withData || !atts || !Array.isArray(attsSince) || attsSince.length === 0) return doc;
	const revs = doc._revisions as { start: number; ids: string[] } | undefined;
	if (!revs) return doc;
	const ancestry = new Set(revs.ids.map((id, i) => `${revs.start - i}-${id}`));
	let known = 0;
	for (const rev of attsSince) {
		if (typeof rev === 'string' && ancestry.has(rev)) known = Math.max(known, parseInt(rev, 10));
	}
	if (!known) return doc;
	const out: Record<string, Att> = {};
	for (const [name, att] of Object.entries(atts)) {
		if (att.data !== undefined && (att.revpos ?? Infinity) <= known) {
			const { data, ...rest } = att;
			out[name] = { ...rest, length: Buffer.byteLength(data, 'base64'), stub: true };
		} else out[name] = att;
	}
	return { ...doc, _attachments: out };
}

const GET_PARAMS = [
	'rev',
	'revs',
	'revs_info',
	'open_revs',
	'conflicts',
	'latest',
	'attachments',
	'atts_since',
	'att_encoding_info',
	'deleted_conflicts',
	'local_seq',
	'meta'
];

/** `GET /{db}/{id}` with `rev`, `revs`, `open_revs`, `conflicts`, `latest`, `attachments`, `atts_since`. */
export async function getDoc(c: Call, dbName: string, db: Pouch, id: string): Promise<void> {
	allowParams(c.query, GET_PARAMS);
	const q = c.query;
	const opts: Record<string, unknown> = {};
	for (const name of ['revs', 'revs_info', 'conflicts', 'latest', 'attachments']) {
		const v = boolParam(q, name);
		if (v !== undefined) opts[name] = v;
	}
	if (boolParam(q, 'meta')) Object.assign(opts, { conflicts: true, revs_info: true });
	const rev = q.get('rev');
	if (rev !== null) opts.rev = rev;
	const attsSince = jsonParam(q, 'atts_since');
	if (attsSince !== undefined && !Array.isArray(attsSince))
		throw badRequest('atts_since must be a JSON list of revisions.');
	const wantRevs = opts.revs === true;
	if (attsSince && opts.attachments) opts.revs = true;

	// A person reading their own account never sees its password hash, by any of these options.
	const ownView = (doc: Doc) =>
		dbName === USERS_DB && !isAdmin(c.who.user) ? publicUserDoc(doc) : doc;
	const openRevsRaw = q.get('open_revs');
	try {
		if (openRevsRaw !== null) {
			const openRevs = openRevsRaw === 'all' ? 'all' : jsonParam(q, 'open_revs');
			if (
				openRevs !== 'all' &&
				(!Array.isArray(openRevs) || !openRevs.every((r) => typeof r === 'string'))
			) {
				throw badRequest('open_revs must be "all" or a JSON list of revisions.');
			}
			let list: ({ ok: Doc } | { missing: string })[] = [];
			if (openRevs === 'all') {
				list = (await db.get(id, { ...opts, open_revs: 'all' })) as unknown as typeof list;
			} else {
				const revs = openRevs as string[];
				const known = await knownRevs(db, id, revs);
				if (known.length) {
					list = (await db.get(id, { ...opts, open_revs: known })) as unknown as typeof list;
				}
				for (const r of revs) if (!known.includes(r)) list.push({ missing: r });
			}
			const out = list.map((o) =>
				'ok' in o
					? { ok: ownView(strip(publicAttachments(o.ok, !!opts.attachments, attsSince), wantRevs)) }
					: o
			);
			sendJson(c.res, 200, out);
			return;
		}
		if (
			typeof opts.rev === 'string' &&
			opts.latest &&
			!(await knownRevs(db, id, [opts.rev])).length
		) {
			throw new CouchError(404, 'not_found', 'missing');
		}
		let doc = await db.get(id, opts);
		doc = strip(publicAttachments(doc, !!opts.attachments, attsSince), wantRevs);
		doc = ownView(doc);
		sendJson(c.res, 200, doc, { ETag: `"${doc._rev}"` });
	} catch (err) {
		throw fromPouchError(err);
	}
}

function strip(doc: Doc, keepRevs: boolean): Doc {
	if (keepRevs || !doc._revisions) return doc;
	const { _revisions: _drop, ...rest } = doc;
	return rest as Doc;
}

function revFrom(c: Call): string | undefined {
	const q = c.query.get('rev');
	const ifMatch = c.raw.headers['if-match']?.replace(/"/g, '');
	if (q && ifMatch && q !== ifMatch)
		throw badRequest('The rev query parameter and If-Match header differ.');
	return q ?? ifMatch ?? undefined;
}

/** `PUT /{db}/{id}`: JSON only; attachments go inline (base64) or one at a time. */
export async function putDoc(c: Call, dbName: string, db: Pouch, id: string): Promise<void> {
	allowParams(c.query, ['rev', 'batch', 'new_edits']);
	if (mediaType(c.raw) === 'multipart/related') {
		throw new CouchError(
			415,
			'bad_content_type',
			'multipart/related uploads are not supported: send attachments inline as base64 or with PUT /{db}/{id}/{name}.'
		);
	}
	const newEdits = boolParam(c.query, 'new_edits') ?? true;
	const body = await readJsonObject(c.raw, c.app.cfg.maxRequestBytes);
	const rev = revFrom(c);
	if (rev !== undefined) {
		if (body._rev !== undefined && body._rev !== rev) {
			throw badRequest('Document rev from request body and query string have different values');
		}
		body._rev = rev;
	}
	const doc = checkDoc({ ...body, _id: id }, c.app.cfg, newEdits);
	const r = await writeOne(writeCtx(c, dbName, db), doc, newEdits);
	sendJson(c.res, 201, r, { ETag: `"${r.rev}"` });
}

export async function deleteDoc(c: Call, dbName: string, db: Pouch, id: string): Promise<void> {
	allowParams(c.query, ['rev', 'batch']);
	const rev = revFrom(c);
	if (!rev) throw new CouchError(409, 'conflict', 'Document update conflict.');
	const r = await writeOne(writeCtx(c, dbName, db), { _id: id, _rev: rev, _deleted: true });
	sendJson(c.res, 200, r, { ETag: `"${r.rev}"` });
}

async function currentDoc(db: Pouch, id: string, rev: string | undefined): Promise<Doc> {
	try {
		return await db.get(id, rev ? { rev } : {});
	} catch (err) {
		throw fromPouchError(err);
	}
}

/** `GET|HEAD /{db}/{id}/{name}`: the attachment's bytes, with its type and digest. */
export async function getAttachment(c: Call, db: Pouch, id: string, name: string): Promise<void> {
	allowParams(c.query, ['rev']);
	const rev = c.query.get('rev') ?? undefined;
	const doc = await currentDoc(db, id, rev);
	const att = (doc._attachments as Record<string, Att> | undefined)?.[name];
	if (!att) throw new CouchError(404, 'not_found', 'Document is missing attachment');
	const data = await db.getAttachment(id, name, { rev: doc._rev });
	const headers = {
		'Content-Type': att.content_type ?? 'application/octet-stream',
		'Content-Length': String(data.length),
		ETag: `"${att.digest ?? ''}"`,
		'Cache-Control': 'must-revalidate'
	};
	c.res.writeHead(200, headers);
	c.res.end(c.method === 'HEAD' ? undefined : data);
}

/** `PUT /{db}/{id}/{name}?rev=`: adds or replaces one attachment, through the same validation. */
export async function putAttachment(
	c: Call,
	dbName: string,
	db: Pouch,
	id: string,
	name: string
): Promise<void> {
	allowParams(c.query, ['rev']);
	const rev = revFrom(c);
	const bytes = await readBody(c.raw, c.app.cfg.maxAttachmentBytes);
	let doc: Doc;
	if (rev) doc = await currentDoc(db, id, rev);
	else {
		let exists = true;
		try {
			await db.get(id);
		} catch {
			exists = false;
		}
		if (exists) throw new CouchError(409, 'conflict', 'Document update conflict.');
		doc = { _id: id };
	}
	const atts = isObject(doc._attachments) ? { ...doc._attachments } : {};
	atts[name] = {
		content_type: c.raw.headers['content-type'] ?? 'application/octet-stream',
		data: bytes.toString('base64')
	};
	const next = checkDoc({ ...doc, _attachments: atts }, c.app.cfg, true);
	const r = await writeOne(writeCtx(c, dbName, db), next);
	sendJson(c.res, 201, r, { ETag: `"${r.rev}"` });
}

export async function deleteAttachment(
	c: Call,
	dbName: string,
	db: Pouch,
	id: string,
	name: string
): Promise<void> {
	allowParams(c.query, ['rev', 'batch']);
	const rev = revFrom(c);
	if (!rev) throw new CouchError(409, 'conflict', 'Document update conflict.');
	const doc = await currentDoc(db, id, rev);
	const atts = isObject(doc._attachments) ? { ...doc._attachments } : {};
	if (!(name in atts)) throw new CouchError(404, 'not_found', 'Document is missing attachment');
	delete atts[name];
	const next: Doc = { ...doc, _attachments: atts };
	if (Object.keys(atts).length === 0) delete next._attachments;
	const r = await writeOne(writeCtx(c, dbName, db), next);
	sendJson(c.res, 200, r, { ETag: `"${r.rev}"` });
}
