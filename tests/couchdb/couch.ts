/**
 * The Apache CouchDB that `npm run test:couchdb` runs against: `COUCHDB_URL` with an admin's
 * credentials, e.g. `http://admin:pass@127.0.0.1:5990`.
 */
export interface Couch {
	/** Without credentials, no trailing slash. */
	url: string;
	user: string;
	password: string;
}

export function couchFromEnv(env = process.env): Couch {
	const raw = env.COUCHDB_URL;
	if (!raw) throw new Error('COUCHDB_URL is not set');
	const u = new URL(raw);
	const user = decodeURIComponent(u.username);
	const password = decodeURIComponent(u.password);
	if (!user || !password) throw new Error('COUCHDB_URL must carry an admin name and password');
	u.username = '';
	u.password = '';
	return { url: u.toString().replace(/\/+$/, ''), user, password };
}

export type Json = Record<string, unknown>;

/** One HTTP call to `base + path`, signed in with Basic auth when `user` is given. */
export async function call(
	base: string,
	method: string,
	path: string,
	opts: { user?: string; password?: string; body?: unknown } = {}
): Promise<{ status: number; body: Json & Json[] }> {
	const headers: Record<string, string> = { Accept: 'application/json' };
	if (opts.user)
		headers.Authorization =
			'Basic ' + Buffer.from(`${opts.user}:${opts.password ?? ''}`).toString('base64');
	if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
	const r = await fetch(base + path, {
		method,
		headers,
		body: opts.body === undefined ? undefined : JSON.stringify(opts.body)
	});
	const text = await r.text();
	let body: unknown;
	try {
		body = text ? JSON.parse(text) : null;
	} catch {
		body = { text };
	}
	return { status: r.status, body: body as Json & Json[] };
}

/**
 * The suite writes the demo trust's databases and accounts into the CouchDB it is given. It marks
 * the `trust` database it installed; a `trust` without that mark belongs to someone and is left alone.
 */
export const MARK = '_local/si-visits-test-couchdb';
