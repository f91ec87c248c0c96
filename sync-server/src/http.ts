import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The one error type of the HTTP layer: CouchDB's status and `{error, reason}` body. Anything else
 * thrown by a handler becomes a 500 that is logged and not shown in detail.
 */
export class CouchError extends Error {
	readonly status: number;
	readonly error: string;
	readonly headers: Record<string, string>;
	constructor(status: number, error: string, reason: string, headers: Record<string, string> = {}) {
		super(reason);
		this.status = status;
		this.error = error;
		this.headers = headers;
	}
	get reason(): string {
		return this.message;
	}
}

export const badRequest = (reason: string) => new CouchError(400, 'bad_request', reason);
export const notFound = (reason = 'missing') => new CouchError(404, 'not_found', reason);
export const forbidden = (reason: string) => new CouchError(403, 'forbidden', reason);
export const unauthorized = (reason: string) => new CouchError(401, 'unauthorized', reason);

/** Maps an error from PouchDB (`{status, name, message}`) onto CouchDB's shape. */
export function fromPouchError(err: unknown): CouchError {
	if (err instanceof CouchError) return err;
	const e = err as { status?: number; name?: string; message?: string; reason?: string };
	if (typeof e?.status === 'number' && e.status < 500 && typeof e.name === 'string') {
		return new CouchError(e.status, e.name, e.reason ?? e.message ?? e.name);
	}
	throw err;
}

/** What a request is, once parsed: the pieces every handler needs. */
export interface Req {
	raw: IncomingMessage;
	res: ServerResponse;
	method: string;
	/** Decoded path segments after `/couchdb/`. */
	segments: string[];
	query: URLSearchParams;
	id: string;
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): void {
	const text = JSON.stringify(body) + '\n';
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
		'Cache-Control': 'must-revalidate',
		...headers
	});
	res.end(text);
}

export function sendError(res: ServerResponse, err: CouchError): void {
	if (res.headersSent) {
		res.end();
		return;
	}
	sendJson(res, err.status, { error: err.error, reason: err.reason }, err.headers);
}

/**
 * Reads a whole body, refusing it (413) as soon as it passes `limit`: a declared length over the
 * limit is refused before a byte is read. The stream is left open, not destroyed, so that
 * `discardBody` can take the rest and the client, still sending, gets to read the answer.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	const declared = Number(req.headers['content-length'] ?? NaN);
	if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
	const chunks: Uint8Array[] = [];
	let size = 0;
	for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>) {
		size += chunk.length;
		if (size > limit) throw tooLarge(limit);
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}

function tooLarge(limit: number) {
	return new CouchError(
		413,
		'too_large',
		`The request body is larger than this server accepts (${limit} bytes).`
	);
}

/** How much of a refused body is read and thrown away, and for how long, before the cut. */
export const DISCARD_LIMIT = 64 * 1024 * 1024;
export const DISCARD_MS = 5000;

/**
 * Reads the rest of a refused body and throws it away. Closing the connection at once would
 * reset it under a client that is still sending, and fetch then reports a broken pipe instead of
 * the 413 (a web server's "lingering close"). Past `DISCARD_LIMIT` bytes or `DISCARD_MS`, the
 * connection is cut: a client that trickles a refused body holds it no longer than that.
 */
export function discardBody(req: IncomingMessage): void {
	if (req.readableEnded) return;
	let seen = 0;
	const cut = () => req.socket.destroy();
	const timer = setTimeout(cut, DISCARD_MS);
	req.once('end', () => clearTimeout(timer));
	req.socket.once('close', () => clearTimeout(timer));
	req.on('data', (chunk: Uint8Array) => {
		seen += chunk.length;
		if (seen > DISCARD_LIMIT) cut();
	});
	req.resume();
}

/** Whether the request declares a body at all (PouchDB sends a JSON content type on every GET). */
export function hasBody(req: IncomingMessage): boolean {
	const len = req.headers['content-length'];
	return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

export function mediaType(req: IncomingMessage): string {
	return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a JSON body; 415 for another content type, 400 for malformed JSON, as CouchDB does. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
	const type = mediaType(req);
	if (type !== 'application/json') {
		throw new CouchError(415, 'bad_content_type', 'Content-Type must be application/json');
	}
	const body = await readBody(req, limit);
	if (body.length === 0) throw badRequest('The request body is empty: a JSON object is expected.');
	try {
		// Fatal: invalid UTF-8 is refused, not silently replaced with U+FFFD.
		return JSON.parse(utf8.decode(body));
	} catch {
		throw badRequest('invalid UTF-8 JSON');
	}
}

export async function readJsonObject(
	req: IncomingMessage,
	limit: number
): Promise<Record<string, unknown>> {
	const body = await readJson(req, limit);
	if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
	return body;
}

export function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Where a request's ignored query parameters are logged (set for each request by app.ts). */
export const paramLog = new WeakMap<URLSearchParams, { debug(msg: string, f?: object): void }>();

/**
 * Query parameters the endpoint does not know are ignored, as CouchDB ignores them: PouchDB sends a
 * replication's `query_params` as URL parameters even when its filter runs in the client. They
 * are logged at debug level, so a typo can still be found.
 */
export function allowParams(query: URLSearchParams, allowed: readonly string[]): void {
	const ignored = [...new Set(query.keys())].filter((k) => !allowed.includes(k) && k !== '_nonce');
	if (ignored.length) paramLog.get(query)?.debug('query parameters ignored', { params: ignored });
}

export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
	const v = query.get(name);
	if (v === null) return undefined;
	if (v === 'true') return true;
	if (v === 'false') return false;
	throw new CouchError(400, 'query_parse_error', `Invalid boolean parameter: "${v}"`);
}

export function intParam(query: URLSearchParams, name: string, min = 0): number | undefined {
	const v = query.get(name);
	if (v === null) return undefined;
	const n = Number(v);
	if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n)) {
		throw new CouchError(400, 'query_parse_error', `Invalid value for integer: "${v}"`);
	}
	if (n < min) {
		throw new CouchError(400, 'query_parse_error', `Invalid value for positive integer: "${v}"`);
	}
	return n;
}

export function jsonParam(query: URLSearchParams, name: string): unknown {
	const v = query.get(name);
	if (v === null) return undefined;
	try {
		return JSON.parse(v);
	} catch {
		throw badRequest(`Query parameter "${name}" must be JSON.`);
	}
}
