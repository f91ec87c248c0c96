import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { CONCERNS_DB } from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import { Auth } from './auth.ts';
import type { Config } from './config.ts';
import { limitConnections } from './connections.ts';
import type { App, Call } from './context.ts';
import { runOwned } from './contain.ts';
import { CouchError, discardBody, paramLog, sendError, type Req } from './http.ts';
import { loadIdentity } from './identity.ts';
import { createLogger, type Logger } from './log.ts';
import { route } from './router.ts';
import { recordDbUpdates } from './routes/db-updates.ts';
import { migrateVulnerableOverviews } from './migrate-marks.ts';
import { ensureGovernorsDbs } from './governors-dbs.ts';
import { serveStatic } from './static.ts';
import { Storage } from './storage.ts';
import { hashPassword, USERS_DB, userDocId } from './users.ts';

export const API_PREFIX = '/couchdb';
const VERSION = '0.1.0';

/** Opens the data folder: `_users` exists, and the first admin from COUCHDB_USER is there. */
export async function openApp(cfg: Config, log: Logger = createLogger(cfg.logLevel)): Promise<App> {
	fs.mkdirSync(cfg.dataDir, { recursive: true });
	const { uuid, secret } = loadIdentity(cfg.dataDir);
	const storage = new Storage(cfg.dataDir, cfg.syncWrites);
	const users = await storage.ensure(USERS_DB, defaultSecurity(USERS_DB));
	// Every trust has one: a lead's device replicates it from the first sign-in.
	await storage.ensure(CONCERNS_DB, defaultSecurity(CONCERNS_DB));
	if (cfg.adminUser && cfg.adminPassword) {
		const id = userDocId(cfg.adminUser);
		const existing = await users.get(id).catch(() => null);
		if (!existing) {
			await users.put({
				_id: id,
				type: 'user',
				name: cfg.adminUser,
				roles: ['admin'],
				fullName: 'Trust administrator',
				...(await hashPassword(cfg.adminPassword, cfg.pbkdf2Iterations))
			});
			log.info('created the first admin account from COUCHDB_USER', { user: cfg.adminUser });
		}
	}
	return {
		cfg,
		storage,
		auth: new Auth(cfg, storage, secret, log),
		log,
		uuid,
		feeds: new Set(),
		version: VERSION
	};
}

function cors(app: App, req: http.IncomingMessage, res: http.ServerResponse): boolean {
	const origin = req.headers.origin;
	if (!origin || !app.cfg.corsOrigins.includes(origin)) return false;
	res.setHeader('Access-Control-Allow-Origin', origin);
	res.setHeader('Access-Control-Allow-Credentials', 'true');
	res.setHeader('Vary', 'Origin');
	return true;
}

/** Feeds that hold their request open until something changes. */
const LIVE_FEEDS = new Set(['longpoll', 'continuous', 'eventsource']);

/** The request handler: `/couchdb/*` is the CouchDB API, everything else the built app. */
export function createHandler(app: App): http.RequestListener {
	recordDbUpdates(app);
	return (req, res) => {
		const id =
			(req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || crypto.randomUUID();
		const started = performance.now();
		res.setHeader('X-Request-Id', id);
		const url = new URL(req.url ?? '/', 'http://localhost');
		const log = app.log.child({ req: id });
		res.on('finish', () => {
			log.info('request', {
				method: req.method,
				path: url.pathname,
				status: res.statusCode,
				ms: Math.round(performance.now() - started)
			});
		});
		// A request still unanswered long after it came is named, once: a client waiting on it waits
		// for ever (PouchDB sets no time limit). A live feed is meant to wait, so it is not named.
		if (!LIVE_FEEDS.has(url.searchParams.get('feed') ?? '')) {
			const slow = setTimeout(() => {
				if (res.writableFinished) return;
				log.warn('request not yet answered', {
					method: req.method,
					path: url.pathname,
					seconds: app.cfg.slowRequest,
					// false: the client has not sent all of its body yet, so the wait may be the client's.
					bodyReceived: req.complete
				});
			}, app.cfg.slowRequest * 1000);
			slow.unref();
			res.once('close', () => clearTimeout(slow));
		}
		// CouchDB's replicator signs in at the root of the server it replicates with, whatever the
		// database's path: without this it cannot use Basic credentials against this server.
		if (url.pathname === '/_session') url.pathname = API_PREFIX + '/_session';
		const isApi = url.pathname === API_PREFIX || url.pathname.startsWith(API_PREFIX + '/');
		if (!isApi) {
			serveStatic(req, res, app.cfg.staticDir, url.pathname);
			return;
		}
		const allowed = cors(app, req, res);
		if (req.method === 'OPTIONS' && allowed) {
			res.writeHead(204, {
				'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE',
				'Access-Control-Allow-Headers':
					'Accept, Authorization, Content-Type, If-Match, X-Request-Id',
				'Access-Control-Max-Age': '600'
			});
			res.end();
			return;
		}
		// What PouchDB throws in a storage callback while serving this request fails this request
		// only (logged, 500), not the process: see contain.ts.
		let fail: (err: unknown) => void = () => undefined;
		const failed = new Promise<never>((_, reject) => (fail = reject));
		failed.catch(() => undefined);
		const owner = {
			fail(err: unknown) {
				log.error('storage callback failed', { err, path: url.pathname });
				fail(err);
			}
		};
		runOwned(owner, () => void handleApi(app, req, res, url, id, log, failed));
	};
}

async function handleApi(
	app: App,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	url: URL,
	id: string,
	log: Logger,
	failed: Promise<never>
): Promise<void> {
	try {
		const rawSegments = url.pathname.slice(API_PREFIX.length).split('/').slice(1);
		if (rawSegments.at(-1) === '') rawSegments.pop();
		let segments: string[];
		try {
			segments = rawSegments.map((s) => decodeURIComponent(s));
		} catch {
			throw new CouchError(400, 'bad_request', 'The path is not valid percent-encoding.');
		}
		const base: Req = {
			raw: req,
			res,
			method: req.method ?? 'GET',
			segments,
			query: url.searchParams,
			id
		};
		paramLog.set(url.searchParams, log);
		const who = await app.auth.identify(req);
		if (who.setCookie) res.setHeader('Set-Cookie', who.setCookie);
		const call: Call = {
			...base,
			app,
			who,
			log: who.user.name ? log.child({ user: who.user.name }) : log
		};
		await Promise.race([route(call), failed]);
	} catch (err) {
		if (err instanceof CouchError) {
			if (err.status === 413) discardBody(req);
			sendError(res, err);
			return;
		}
		const e = err as { status?: number; name?: string; message?: string };
		if (typeof e?.status === 'number' && e.status < 500 && e.name) {
			sendError(res, new CouchError(e.status, e.name, e.message ?? e.name));
			return;
		}
		log.error('request failed', { err });
		sendError(
			res,
			new CouchError(
				500,
				'internal_server_error',
				'The server could not complete the request; it has been logged.'
			)
		);
	}
}

export interface Running {
	app: App;
	server: http.Server;
	url: string;
	close(): Promise<void>;
}

/** Starts listening; `close` ends live feeds, stops accepting, and closes every database. */
export async function start(
	cfg: Config,
	log?: Logger,
	prepare?: (app: App) => Promise<void>
): Promise<Running> {
	const app = await openApp(cfg, log);
	if (prepare) await prepare(app);
	await migrateVulnerableOverviews(app.storage, app.log);
	await ensureGovernorsDbs(app.storage);
	const server = http.createServer(
		// Timeouts are checked this often (Node's default is every 30 s).
		{ connectionsCheckingInterval: Math.min(1000, cfg.headersTimeout * 250) },
		createHandler(app)
	);
	limitConnections(server, cfg, app.log);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(cfg.port, cfg.host, () => resolve());
	});
	const addr = server.address();
	const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
	const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
	let closing: Promise<void> | null = null;
	const close = () =>
		(closing ??= (async () => {
			for (const end of [...app.feeds]) end();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeIdleConnections();
				setTimeout(() => server.closeAllConnections(), 5000).unref();
			});
			await app.storage.closeAll();
		})());
	return { app, server, url: `http://${host}:${port}`, close };
}
