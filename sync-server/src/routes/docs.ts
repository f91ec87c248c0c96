import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { isAdmin } from '../../../src/lib/domain/index.ts';
import { concernView } from '../concern-read.ts';
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
	readJson,
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
	if (rev !== null) opts.rev = checkRevFormat(rev);
	const attsSince = jsonParam(q, 'atts_since');
	if (attsSince !== undefined && !Array.isArray(attsSince))
		throw badRequest('atts_since must be a JSON list of revisions.');
	const wantRevs = opts.revs === true;
	const openRevsRaw = q.get('open_revs');
	// A multipart answer carries the attachments, as CouchDB's does (its replicator asks for no more).
	const mixed = openRevsRaw !== null && /multipart\/mixed/i.test(c.raw.headers.accept ?? '');
	if (mixed) opts.attachments = true;
	if (attsSince && opts.attachments) opts.revs = true;

	// A person reading their own account never sees its password hash, by any of these options.
	const ownView = (doc: Doc) =>
		dbName === USERS_DB && !isAdmin(c.who.user) ? publicUserDoc(doc) : doc;
	// A concern the person may not read is a document the database does not have (concern-read.ts).
	const view = concernView(c.who.user, dbName);
	try {
		if (openRevsRaw !== null) {
			let openRevs: unknown = 'all';
			if (openRevsRaw !== 'all') {
				try {
					openRevs = JSON.parse(openRevsRaw);
				} catch {
					throw badRequest('invalid UTF-8 JSON');
				}
				if (!Array.isArray(openRevs))
					throw badRequest('open_revs must be "all" or a JSON list of revisions.');
				openRevs.forEach(checkRevFormat);
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
			if (view) {
				list = list.flatMap((o): typeof list => {
					if (!('ok' in o)) return [o];
					const shown = view(o.ok);
					if (shown) return [{ ok: shown }];
					// Asked by revision: missing, as a revision never stored. `all`: not listed.
					return openRevs === 'all' ? [] : [{ missing: o.ok._rev! }];
				});
				if (openRevs === 'all' && list.length === 0)
					throw new CouchError(404, 'not_found', 'missing');
			}
			const out = list.map((o) =>
				'ok' in o
					? { ok: ownView(strip(publicAttachments(o.ok, !!opts.attachments, attsSince), wantRevs)) }
					: o
			);
			if (mixed) sendMixed(c, out);
			else sendJson(c.res, 200, out);
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
		if (view) {
			const shown = view(doc);
			if (!shown) throw new CouchError(404, 'not_found', 'missing');
			doc = shown;
		}
		doc = strip(publicAttachments(doc, !!opts.attachments, attsSince), wantRevs);
		doc = ownView(doc);
		sendJson(c.res, 200, doc, { ETag: `"${doc._rev}"` });
	} catch (err) {
		throw fromPouchError(err);
	}
}

/**
 * `open_revs` as `multipart/mixed`, one JSON part per revision (attachments inline), for clients
 * that ask for it: CouchDB's own replicator accepts nothing else when it reads from this server.
 */
function sendMixed(c: Call, revs: ({ ok: Doc } | { missing: string })[]): void {
	const boundary = crypto.randomUUID().replaceAll('-', '');
	const parts = revs.map((r) => {
		const type = 'ok' in r ? 'application/json' : 'application/json; error="true"';
		const json = JSON.stringify('ok' in r ? r.ok : r);
		return `--${boundary}\r\nContent-Type: ${type}\r\n\r\n${json}\r\n`;
	});
	const body = parts.join('') + `--${boundary}--`;
	c.res.writeHead(200, {
		'Content-Type': `multipart/mixed; boundary="${boundary}"`,
		'Content-Length': Buffer.byteLength(body),
		'Cache-Control': 'must-revalidate'
	});
	c.res.end(body);
}

/** CouchDB's revision format, `N-hash`: anything else is a 400 before the database is asked. */
function checkRevFormat(rev: unknown): string {
	if (typeof rev !== 'string' || !/^[0-9]+-.+$/.test(rev)) throw badRequest('Invalid rev format');
	return rev;
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
	const newEdits = boolParam(c.query, 'new_edits') ?? true;
	const body =
		mediaType(c.raw) === 'multipart/related'
			? parseRelated(
					await readBody(c.raw, c.app.cfg.maxRequestBytes),
					c.raw.headers['content-type']!
				)
			: await readJson(c.raw, c.app.cfg.maxRequestBytes);
	if (!isObject(body)) throw badRequest('Document must be a JSON object');
	const rev = revFrom(c);
	if (rev !== undefined) {
		if (body._rev !== undefined && body._rev !== rev) {
			throw badRequest('Document rev from request body and query string have different values');
		}
		body._rev = rev;
	}
	const doc = checkDoc({ ...body, _id: id }, c.app.cfg, newEdits);
	const r = await writeOne(writeCtx(c, dbName, db), doc, newEdits);
	// CouchDB answers a deletion written with PUT with 200, as DELETE.
	sendJson(c.res, doc._deleted === true ? 200 : 201, r, { ETag: `"${r.rev}"` });
}

/**
 * A `multipart/related` document (how CouchDB's replicator sends one with attachments): the JSON
 * part, then one part per attachment marked `follows`, turned into inline base64 so that the
 * document goes through the same checks and writes as any other.
 */
function parseRelated(body: Buffer, contentType: string): unknown {
	const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
	if (!boundary) throw badRequest('multipart/related needs a boundary.');
	const delimiter = Buffer.from(`\r\n--${boundary}`);
	const parts: { headers: string; body: Buffer }[] = [];
	// The first delimiter may open the body without a line break before it.
	let pos = body.indexOf(delimiter.subarray(2));
	while (pos !== -1) {
		const start = pos + delimiter.length - 2;
		if (body.subarray(start, start + 2).toString() === '--') break;
		const end = body.indexOf(delimiter, start);
		if (end === -1) throw badRequest('The multipart/related body ends too soon.');
		const part = body.subarray(start + 2, end);
		const split = part.subarray(0, 2).toString() === '\r\n' ? 0 : part.indexOf('\r\n\r\n');
		if (split === -1) throw badRequest('A multipart/related part has no headers.');
		parts.push({
			headers: part.subarray(0, split).toString('latin1'),
			body: part.subarray(split === 0 ? 2 : split + 4)
		});
		pos = end + 2;
	}
	const [json, ...files] = parts;
	let doc: unknown;
	try {
		doc = JSON.parse(json?.body.toString('utf8') ?? '');
	} catch {
		throw badRequest('invalid UTF-8 JSON');
	}
	if (!isObject(doc)) throw badRequest('Document must be a JSON object');
	const atts = isObject(doc._attachments) ? doc._attachments : {};
	const following = Object.entries(atts).filter(([, a]) => isObject(a) && a.follows === true);
	following.forEach(([name, att], i) => {
		const file =
			files.find((f) => new RegExp(`filename="${RegExp.escape(name)}"`).test(f.headers)) ??
			files[i];
		if (!file) throw badRequest(`Attachment ${name} is marked follows but is not in the body.`);
		const a = att as { content_type?: string; encoding?: string };
		const bytes = a.encoding === 'gzip' ? zlib.gunzipSync(file.body) : file.body;
		atts[name] = { content_type: a.content_type, data: bytes.toString('base64') };
	});
	return doc;
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
export async function getAttachment(
	c: Call,
	dbName: string,
	db: Pouch,
	id: string,
	name: string
): Promise<void> {
	allowParams(c.query, ['rev']);
	const rev = c.query.get('rev') ?? undefined;
	let doc = await currentDoc(db, id, rev);
	// A concern the person may not read is a document the database does not have (concern-read.ts).
	const view = concernView(c.who.user, dbName);
	if (view) {
		const shown = view(doc);
		if (!shown) throw new CouchError(404, 'not_found', 'missing');
		doc = shown;
	}
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
