import path from 'node:path';

/** Everything the server reads from its environment, parsed once at start. */
export interface Config {
	port: number;
	host: string;
	dataDir: string;
	staticDir: string;
	adminUser: string | null;
	adminPassword: string | null;
	/** Seconds a session lives after its last use (sliding, as CouchDB's `[chttpd_auth] timeout`). */
	sessionTimeout: number;
	logLevel: LogLevel;
	pbkdf2Iterations: number;
	/** Largest request body accepted, in bytes (a `_bulk_docs` batch with inline attachments). */
	maxRequestBytes: number;
	/** Largest JSON document accepted, in bytes, attachments excluded (CouchDB's `max_document_size`). */
	maxDocumentBytes: number;
	/** Largest single attachment, in bytes. */
	maxAttachmentBytes: number;
	/** Documents, keys, ids or revisions one request may list (`_bulk_docs`, `_bulk_get`, …). */
	maxRequestEntries: number;
	/**
	 * Failed sign-ins allowed within `loginWindow` seconds: for one account from one address, from
	 * one address over all accounts, and for one account over all addresses (a spread attack).
	 */
	loginMaxFailures: number;
	loginMaxFailuresPerAddress: number;
	loginMaxFailuresPerAccount: number;
	loginWindow: number;
	/** Seconds a client has to send its headers, and its whole request (body included). */
	headersTimeout: number;
	requestTimeout: number;
	/** Seconds an idle keep-alive connection stays open. */
	keepAliveTimeout: number;
	/** Seconds after which a request still unanswered (a live feed apart) is named in the log. */
	slowRequest: number;
	/** Open connections allowed in all, and from one address (not applied behind a proxy). */
	maxConnections: number;
	maxConnectionsPerAddress: number;
	/** Password checks (PBKDF2) run at once, and waiting; beyond both a sign-in is refused (429). */
	passwordChecksConcurrent: number;
	passwordChecksQueue: number;
	/** fsync every write before answering (survives power loss, not only a killed process). */
	syncWrites: boolean;
	/** Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy in front of us. */
	trustProxy: boolean;
	/** Origins allowed to call the API from another origin (development), comma separated. */
	corsOrigins: string[];
	demo: boolean;
	demoPassword: string | null;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

const MB = 1024 * 1024;

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < min) {
		throw new Error(`${name} must be a whole number of at least ${min}, not "${raw}"`);
	}
	return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	if (/^(1|true|yes|on)$/i.test(raw)) return true;
	if (/^(0|false|no|off)$/i.test(raw)) return false;
	throw new Error(`${name} must be true or false, not "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
	const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase() as LogLevel;
	if (!LOG_LEVELS.includes(logLevel)) {
		throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
	}
	const adminUser = env.COUCHDB_USER || null;
	const adminPassword = env.COUCHDB_PASSWORD || null;
	if (adminUser && !adminPassword) {
		throw new Error('COUCHDB_USER is set without COUCHDB_PASSWORD: there is no default password');
	}
	return {
		port: int(env, 'PORT', 8080),
		host: env.HOST || '127.0.0.1',
		dataDir: path.resolve(env.DATA_DIR || './data'),
		staticDir: path.resolve(env.STATIC_DIR || './build'),
		adminUser,
		adminPassword,
		sessionTimeout: int(env, 'SESSION_TIMEOUT', 7 * 24 * 3600, 1),
		logLevel,
		// OWASP's figure for PBKDF2-HMAC-SHA256; tests lower it (never below 1,000).
		pbkdf2Iterations: int(env, 'PBKDF2_ITERATIONS', 600_000, 1000),
		maxRequestBytes: int(env, 'MAX_REQUEST_BYTES', 64 * MB, 1024),
		maxDocumentBytes: int(env, 'MAX_DOCUMENT_BYTES', 1 * MB, 1024),
		maxAttachmentBytes: int(env, 'MAX_ATTACHMENT_BYTES', 16 * MB, 1024),
		// PouchDB's replicator sends 100 at a time (its batch_size, which the app keeps).
		maxRequestEntries: int(env, 'MAX_REQUEST_ENTRIES', 10_000, 100),
		loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 10, 1),
		loginMaxFailuresPerAddress: int(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 50, 1),
		loginMaxFailuresPerAccount: int(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 50, 1),
		loginWindow: int(env, 'LOGIN_WINDOW', 15 * 60, 1),
		headersTimeout: int(env, 'HEADERS_TIMEOUT', 20, 1),
		requestTimeout: int(env, 'REQUEST_TIMEOUT', 300, 1),
		keepAliveTimeout: int(env, 'KEEP_ALIVE_TIMEOUT', 65, 1),
		slowRequest: int(env, 'SLOW_REQUEST_SECONDS', 30, 1),
		maxConnections: int(env, 'MAX_CONNECTIONS', 4000, 1),
		maxConnectionsPerAddress: int(env, 'MAX_CONNECTIONS_PER_ADDRESS', 300, 1),
		passwordChecksConcurrent: int(env, 'PASSWORD_CHECKS_CONCURRENT', 1, 1),
		passwordChecksQueue: int(env, 'PASSWORD_CHECKS_QUEUE', 20, 0),
		syncWrites: bool(env, 'SYNC_WRITES', true),
		trustProxy: bool(env, 'TRUST_PROXY', false),
		corsOrigins: (env.CORS_ORIGINS ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean),
		demo: argv.includes('--demo'),
		demoPassword: env.DEMO_PASSWORD || null
	};
}
