import crypto from 'node:crypto';
import { requireServerAdmin } from '../access.ts';
import type { Call } from '../context.ts';
import {
	allowParams,
	badRequest,
	CouchError,
	forbidden,
	intParam,
	isObject,
	mediaType,
	readBody,
	sendJson,
	unauthorized
} from '../http.ts';
import { userCtxOf } from '../users.ts';
import { health } from '../health.ts';
import { isAdmin } from '../../../src/lib/domain/index.ts';

/** `GET /`: the welcome document; `uuid` must stay stable for PouchDB's checkpoints. */
export function welcome(c: Call): void {
	allowParams(c.query, []);
	sendJson(c.res, 200, {
		couchdb: 'Welcome',
		version: '3.4.2',
		uuid: c.app.uuid,
		features: [],
		vendor: { name: 'si-visits sync-server', version: c.app.version }
	});
}

/**
 * `GET /_up`: "ok", or "degraded" with how many databases cannot be opened (their names and
 * LevelDB's reasons for admins only: anyone may ask). Still 200, so that a monitor restarting the
 * process, or a load balancer taking it out, does not take every other school down with the one.
 */
export async function up(c: Call): Promise<void> {
	allowParams(c.query, []);
	const problems = await health(c.app).check();
	if (!problems.length) {
		sendJson(c.res, 200, { status: 'ok', seeds: {} });
		return;
	}
	sendJson(c.res, 200, {
		status: 'degraded',
		seeds: {},
		unavailable: problems.length,
		...(isAdmin(c.who.user) ? { unavailable_databases: problems } : {})
	});
}

export function allDbs(c: Call): void {
	allowParams(c.query, [
		'descending',
		'limit',
		'skip',
		'startkey',
		'endkey',
		'start_key',
		'end_key'
	]);
	requireServerAdmin(c.who.user);
	let names = c.app.storage.list();
	if (c.query.get('descending') === 'true') names = names.reverse();
	const skip = intParam(c.query, 'skip') ?? 0;
	const limit = intParam(c.query, 'limit');
	names = names.slice(skip, limit === undefined ? undefined : skip + limit);
	sendJson(c.res, 200, names);
}

export function uuids(c: Call): void {
	allowParams(c.query, ['count']);
	const count = intParam(c.query, 'count', 1) ?? 1;
	if (count > 1000) throw badRequest('count must be at most 1000.');
	const list = Array.from({ length: count }, () => crypto.randomUUID().replaceAll('-', ''));
	sendJson(c.res, 200, { uuids: list }, { 'Cache-Control': 'no-cache' });
}

function sessionInfo(c: Call) {
	return {
		ok: true,
		userCtx: c.who.user,
		info: {
			...(c.who.via ? { authenticated: c.who.via === 'basic' ? 'default' : 'cookie' } : {}),
			authentication_db: '_users',
			authentication_handlers: ['cookie', 'default']
		}
	};
}

/** `/_session`: CouchDB's cookie sign-in (form or JSON), who-am-I, and sign-out. */
export async function session(c: Call): Promise<void> {
	const { res, raw } = c;
	if (c.method === 'GET' || c.method === 'HEAD') {
		allowParams(c.query, ['basic']);
		sendJson(res, 200, sessionInfo(c));
		return;
	}
	if (c.method === 'DELETE') {
		allowParams(c.query, []);
		await c.app.auth.signOut(raw.headers.cookie);
		sendJson(
			res,
			200,
			{ ok: true },
			{ 'Set-Cookie': c.app.auth.clearCookieHeader(c.app.auth.isSecure(raw)) }
		);
		return;
	}
	if (c.method !== 'POST') throw methodNotAllowed('GET,HEAD,POST,DELETE');
	allowParams(c.query, ['refusal']);
	// A wrong password is an expected answer, but a browser logs every 401 as a console error. The
	// app asks with `?refusal=200` for the refusal as a 200 carrying CouchDB's own error words
	// (`ok: false`), and no cookie. CouchDB ignores the parameter and answers 401, which the app
	// reads the same way; anything else (a bad body, too many attempts) keeps its status.
	if (c.query.get('refusal') === '200') {
		try {
			await signInWithPassword(c);
		} catch (err) {
			if (!(err instanceof CouchError) || err.status !== 401) throw err;
			sendJson(res, 200, { ok: false, error: err.error, reason: err.reason });
		}
		return;
	}
	await signInWithPassword(c);
}

async function signInWithPassword(c: Call): Promise<void> {
	const { res, raw } = c;
	const type = mediaType(raw);
	const body = await readBody(raw, 64 * 1024);
	let fields: Record<string, unknown>;
	if (type === 'application/json') {
		try {
			const parsed: unknown = JSON.parse(body.toString('utf8'));
			if (!isObject(parsed)) throw new Error('not an object');
			fields = parsed;
		} catch {
			throw badRequest('invalid UTF-8 JSON');
		}
	} else if (type === 'application/x-www-form-urlencoded') {
		// A form can be posted from any site, which would sign the browser in to the attacker's
		// account (login CSRF); JSON cannot be sent cross-site without our CORS consent. So a form
		// is taken only from a client that sends no Origin (curl, scripts) or from our own pages.
		if (!formAllowed(c)) {
			throw forbidden('Sign-in from another site is refused: send the name and password as JSON.');
		}
		fields = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
	} else {
		throw new CouchError(
			415,
			'bad_content_type',
			'Content-Type must be application/json or application/x-www-form-urlencoded'
		);
	}
	const { name, password } = fields;
	if (typeof name !== 'string' || typeof password !== 'string' || !name || !password) {
		throw unauthorized('Name or password is incorrect.');
	}
	const user = await c.app.auth.signIn(name, password, c.app.auth.address(raw));
	c.log.info('signed in', { user: user.name });
	const cookie = c.app.auth.cookieHeader(c.app.auth.sessionValue(user), c.app.auth.isSecure(raw));
	const ctx = userCtxOf(user);
	sendJson(res, 200, { ok: true, name: ctx.name, roles: ctx.roles }, { 'Set-Cookie': cookie });
}

function formAllowed(c: Call): boolean {
	const origin = c.raw.headers.origin;
	if (origin === undefined) return true;
	if (c.app.cfg.corsOrigins.includes(origin)) return true;
	const forwarded = c.app.cfg.trustProxy
		? String(c.raw.headers['x-forwarded-host'] ?? '')
				.split(',')[0]!
				.trim()
		: '';
	const host = forwarded || c.raw.headers.host;
	const proto = c.app.auth.isSecure(c.raw) ? 'https' : 'http';
	return !!host && origin === `${proto}://${host}`;
}

export function methodNotAllowed(allowed: string): CouchError {
	return new CouchError(405, 'method_not_allowed', `Only ${allowed} allowed`, { Allow: allowed });
}
