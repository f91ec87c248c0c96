import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { UserCtx } from '../../src/lib/domain/index.ts';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { Revocations } from './revocations.ts';
import { CouchError, unauthorized } from './http.ts';
import type { Storage } from './storage.ts';
import {
	dummyPasswordCheck,
	safeEqual,
	USERS_DB,
	userCtxOf,
	userDocId,
	verifyPassword,
	type UserDoc
} from './users.ts';

export const ANONYMOUS: UserCtx = { name: null, roles: [] };
export const COOKIE_NAME = 'AuthSession';

/** Who made a request, and whether a fresh session cookie should go back with the answer. */
export interface Identity {
	user: UserCtx;
	via: 'basic' | 'cookie' | null;
	setCookie?: string;
}

/**
 * One sign-in attempt, in the failure counts from the moment it starts: pending while its password
 * is checked, then removed (right password) or kept as a failure.
 */
interface Attempt {
	name: string;
	address: string;
	at: number;
	pending: boolean;
}

/**
 * Failed sign-ins in a sliding window, per (address, account) pair, per address and per account.
 * An attempt takes its place in the count before its password is checked, so a burst of parallel
 * guesses is cut off at the limit instead of all being checked. The pair is what normally locks:
 * a guesser at one address does not lock the owner out elsewhere. The account as a whole locks
 * only when more failures arrive than one address may send, that is, from many addresses at once
 * (a spread attack), and that is logged.
 */
class LoginLimiter {
	private readonly failures = new Map<string, Attempt[]>();
	private readonly cfg: Config;
	private readonly log: Logger;
	private readonly lockedAccounts = new Set<string>();
	constructor(cfg: Config, log: Logger) {
		this.cfg = cfg;
		this.log = log;
	}

	private recent(key: string, now: number): Attempt[] {
		const cutoff = now - this.cfg.loginWindow * 1000;
		const list = (this.failures.get(key) ?? []).filter((f) => f.pending || f.at > cutoff);
		if (list.length) this.failures.set(key, list);
		else this.failures.delete(key);
		return list;
	}

	private keys(name: string, address: string): [string, string, string] {
		return [`p:${address}\n${name}`, `i:${address}`, `a:${name}`];
	}

	/** Counts the attempt (as failed until `succeed`), or refuses it with 429 when over a limit. */
	begin(name: string, address: string): Attempt {
		const now = Date.now();
		const keys = this.keys(name, address);
		const [pair, addr, account] = keys.map((k) => this.recent(k, now)) as [
			Attempt[],
			Attempt[],
			Attempt[]
		];
		const limits: [Attempt[], number, string][] = [
			[pair, this.cfg.loginMaxFailures, 'this account from this address'],
			[addr, this.cfg.loginMaxFailuresPerAddress, 'this address'],
			[account, this.cfg.loginMaxFailuresPerAccount, 'this account']
		];
		for (const [list, limit, what] of limits) {
			if (list.length < limit) continue;
			const failed = list.filter((f) => !f.pending);
			if (failed.length < limit) {
				// Full only of attempts still being checked (a school's devices signing in at once
				// behind one address): they may well succeed, so come back in a moment, not in minutes.
				throw new CouchError(
					429,
					'too_many_requests',
					`Other sign-in attempts for ${what} are being checked. Try again in a moment.`,
					{ 'Retry-After': '2' }
				);
			}
			if (list === account && !this.lockedAccounts.has(name)) {
				this.lockedAccounts.add(name);
				this.log.warn('account locked: failed sign-ins from many addresses', {
					user: name,
					failures: failed.length,
					addresses: new Set(failed.map((f) => f.address)).size,
					minutes: Math.round(this.cfg.loginWindow / 60)
				});
			}
			const retry = Math.max(
				1,
				Math.ceil((failed[0]!.at + this.cfg.loginWindow * 1000 - now) / 1000)
			);
			throw new CouchError(
				429,
				'too_many_requests',
				`Too many failed sign-in attempts for ${what}. Try again in ${Math.ceil(retry / 60)} minute(s).`,
				{ 'Retry-After': String(retry) }
			);
		}
		if (!account.length) this.lockedAccounts.delete(name);
		const attempt: Attempt = { name, address, at: now, pending: true };
		keys.forEach((key, i) => {
			const list = [pair, addr, account][i]!;
			list.push(attempt);
			this.failures.set(key, list);
		});
		if (this.failures.size > 100_000) {
			// Bound memory under a flood from very many addresses.
			this.failures.clear();
			this.lockedAccounts.clear();
		}
		return attempt;
	}

	/** The password was wrong: the attempt stays in the counts as a failure. */
	fail(attempt: Attempt): void {
		attempt.pending = false;
	}

	/** The attempt was never judged (the server was too busy): it does not count. */
	withdraw(attempt: Attempt): void {
		for (const key of this.keys(attempt.name, attempt.address)) {
			const list = this.failures.get(key);
			const i = list?.indexOf(attempt) ?? -1;
			if (i >= 0) list!.splice(i, 1);
		}
	}

	/** The password was right: the attempt does not count, and the pair's failures are forgotten. */
	succeed(attempt: Attempt): void {
		this.withdraw(attempt);
		const key = this.keys(attempt.name, attempt.address)[0];
		const others = this.failures.get(key)?.filter((f) => f.pending);
		if (others?.length) this.failures.set(key, others);
		else this.failures.delete(key);
	}
}

/**
 * At most `concurrent` password checks at once, `queue` more waiting, the rest refused with 429.
 * PBKDF2 runs on libuv's thread pool (4 threads), which LevelDB and file reads share: with every
 * thread hashing, a signed-in person's read waits behind the whole flood. One at a time (the
 * default; a check at 600,000 rounds is about 150 ms of one core) leaves three threads and, on a
 * two-core server, a core to everyone else.
 */
class PasswordChecks {
	private running = 0;
	private readonly waiting: (() => void)[] = [];
	private readonly concurrent: number;
	private readonly queue: number;
	constructor(concurrent: number, queue: number) {
		this.concurrent = concurrent;
		this.queue = queue;
	}

	async run<T>(check: () => Promise<T>): Promise<T> {
		if (this.running >= this.concurrent) {
			if (this.waiting.length >= this.queue) {
				throw new CouchError(
					429,
					'too_many_requests',
					'The server is busy checking other sign-ins. Try again in a moment.',
					{ 'Retry-After': '2' }
				);
			}
			// The slot is handed over by the check that finishes, so `running` never passes the cap.
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		} else {
			this.running++;
		}
		try {
			return await check();
		} finally {
			const next = this.waiting.shift();
			if (next) next();
			else this.running--;
		}
	}
}

/** How long a verified Basic-auth password is trusted without hashing it again. */
const VERIFIED_TTL_MS = 5 * 60 * 1000;

export class Auth {
	private readonly cfg: Config;
	private readonly storage: Storage;
	private readonly secret: string;
	private readonly limiter: LoginLimiter;
	private readonly checks: PasswordChecks;
	/** User documents by name: read on every request, changed only through `forget`. */
	private readonly users = new Map<string, UserDoc | null>();
	/**
	 * Passwords already verified against a user document revision, as keyed hashes: Basic auth sends
	 * the password on every request and PBKDF2 is deliberately slow (CouchDB caches the same way).
	 * A new revision (a password change) or five minutes end an entry.
	 */
	private readonly verified = new Map<string, { rev: string; mac: string; until: number }>();
	/** Password checks in flight, by name and keyed hash of the password: the account, or null. */
	private readonly checking = new Map<string, Promise<UserDoc | null>>();
	private readonly revocations: Revocations;
	/**
	 * The keys of those hashes and of session cookies, made once: an HMAC from a key object costs
	 * a sixth of one from a string, and every request makes one. Session keys are by the user's salt.
	 */
	private readonly passwordKey: crypto.KeyObject;
	private readonly sessionKeys = new Map<string, crypto.KeyObject>();

	constructor(cfg: Config, storage: Storage, secret: string, log: Logger = createLogger('silent')) {
		this.cfg = cfg;
		this.storage = storage;
		this.secret = secret;
		this.passwordKey = crypto.createSecretKey(Buffer.from(secret, 'utf8'));
		this.revocations = new Revocations(cfg.dataDir, log);
		this.limiter = new LoginLimiter(cfg, log);
		this.checks = new PasswordChecks(cfg.passwordChecksConcurrent, cfg.passwordChecksQueue);
	}

	forget(name: string): void {
		this.users.delete(name);
		this.verified.delete(name);
		// A check in flight was against the old password: later requests must not share it.
		for (const key of this.checking.keys())
			if (key.startsWith(`${name}\n`)) this.checking.delete(key);
	}

	async userDoc(name: string): Promise<UserDoc | null> {
		if (this.users.has(name)) return this.users.get(name)!;
		const db = await this.storage.get(USERS_DB);
		let doc: UserDoc | null;
		try {
			doc = db ? ((await db.get(userDocId(name))) as UserDoc) : null;
		} catch {
			doc = null;
		}
		if (this.users.size > 10_000) this.users.clear();
		this.users.set(name, doc);
		return doc;
	}

	/** Checks a name and password (rate limited); the person's userCtx or a 401. */
	async signIn(name: string, password: string, address: string): Promise<UserDoc> {
		const mac = crypto.createHmac('sha256', this.passwordKey).update(password).digest('hex');
		// Many requests with the same credentials at once (a device starting to sync, a school's
		// devices after a restart) share one check, and one place in the failure counts.
		const key = `${name}\n${mac}`;
		const shared = this.checking.get(key);
		if (shared) {
			const user = await shared;
			if (user) return user;
			throw unauthorized('Name or password is incorrect.');
		}
		// Refused before anything is read: under a flood a refusal must cost next to nothing.
		const attempt = this.limiter.begin(name, address);
		// Registered at once, before anything is awaited, so that the next identical request shares it.
		const pending = (async () => {
			const user = await this.userDoc(name);
			const cached = this.verified.get(name);
			if (user && cached && cached.rev === user._rev && cached.mac === mac) {
				if (cached.until > Date.now()) return user;
				this.verified.delete(name);
			}
			// An unknown name costs as much as a known one, so timing does not tell which names exist.
			const ok = await this.checks.run(() =>
				user
					? verifyPassword(user, password)
					: dummyPasswordCheck(password, this.cfg.pbkdf2Iterations)
			);
			if (!user || !ok) return null;
			this.verified.set(name, { rev: user._rev!, mac, until: Date.now() + VERIFIED_TTL_MS });
			return user;
		})();
		this.checking.set(key, pending);
		const done = () => {
			if (this.checking.get(key) === pending) this.checking.delete(key);
		};
		pending.then(done, done);
		let user: UserDoc | null;
		try {
			user = await pending;
		} catch (err) {
			this.limiter.withdraw(attempt);
			throw err;
		}
		if (user) {
			this.limiter.succeed(attempt);
			return user;
		}
		this.limiter.fail(attempt);
		throw unauthorized('Name or password is incorrect.');
	}

	private sessionMac(name: string, time: string, sid: string | null, salt: string): string {
		// Keyed on the user's salt too, as CouchDB does: changing a password ends every session.
		let key = this.sessionKeys.get(salt);
		if (!key) {
			if (this.sessionKeys.size >= 10_000) this.sessionKeys.clear();
			key = crypto.createSecretKey(Buffer.from(this.secret + salt, 'utf8'));
			this.sessionKeys.set(salt, key);
		}
		return crypto
			.createHmac('sha256', key)
			.update(sid === null ? `${name}:${time}` : `${name}:${time}:${sid}`)
			.digest('base64url');
	}

	/**
	 * The cookie value for a session that starts now: `name:time:sid:mac`. The session id stays the
	 * same when the cookie is re-issued, so signing out ends every copy of it.
	 */
	sessionValue(
		user: UserDoc,
		now = Date.now(),
		sid = crypto.randomBytes(16).toString('base64url')
	): string {
		const time = Math.floor(now / 1000)
			.toString(16)
			.toUpperCase();
		const mac = this.sessionMac(user.name, time, sid, user.salt ?? '');
		return Buffer.from(`${user.name}:${time}:${sid}:${mac}`).toString('base64url');
	}

	/** Signing out: the session of this cookie (if it is one) can never be used again. */
	signOut(cookieHeader: string | undefined): Promise<void> {
		const value = readCookie(cookieHeader, COOKIE_NAME);
		if (!value) return Promise.resolve();
		return this.checkSession(value).then((session) => {
			if (session) {
				this.revocations.revoke(
					session.sid,
					Math.ceil(Date.now() / 1000) + this.cfg.sessionTimeout
				);
			}
		});
	}

	cookieHeader(value: string, secure: boolean, maxAge = this.cfg.sessionTimeout): string {
		return [
			`${COOKIE_NAME}=${value}`,
			'Version=1',
			'Path=/',
			`Max-Age=${maxAge}`,
			'HttpOnly',
			'SameSite=Lax',
			...(secure ? ['Secure'] : [])
		].join('; ');
	}

	clearCookieHeader(secure: boolean): string {
		return this.cookieHeader('', secure, 0);
	}

	isSecure(req: IncomingMessage): boolean {
		const socket = req.socket as { encrypted?: boolean };
		if (socket.encrypted) return true;
		const proto = String(req.headers['x-forwarded-proto'] ?? '')
			.split(',')[0]!
			.trim();
		return proto === 'https';
	}

	address(req: IncomingMessage): string {
		if (this.cfg.trustProxy) {
			const fwd = String(req.headers['x-forwarded-for'] ?? '')
				.split(',')[0]!
				.trim();
			if (fwd) return fwd;
		}
		return req.socket.remoteAddress ?? 'unknown';
	}

	/**
	 * Who is asking: Basic credentials if sent (wrong ones are a 401, as in CouchDB), else a valid
	 * session cookie (re-issued once a tenth of its lifetime has passed, as CouchDB does), else
	 * nobody. An expired or forged cookie is simply no session.
	 */
	async identify(req: IncomingMessage): Promise<Identity> {
		const header = req.headers.authorization;
		if (header && /^basic /i.test(header)) {
			const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
			const colon = decoded.indexOf(':');
			if (colon < 0) throw unauthorized('Malformed Basic credentials.');
			const user = await this.signIn(
				decoded.slice(0, colon),
				decoded.slice(colon + 1),
				this.address(req)
			);
			return { user: userCtxOf(user), via: 'basic' };
		}
		const value = readCookie(req.headers.cookie, COOKIE_NAME);
		if (!value) return { user: ANONYMOUS, via: null };
		const session = await this.checkSession(value);
		if (!session) return { user: ANONYMOUS, via: null };
		const age = Date.now() / 1000 - session.issued;
		const setCookie =
			age > this.cfg.sessionTimeout * 0.1
				? this.cookieHeader(
						this.sessionValue(session.user, Date.now(), session.sid),
						this.isSecure(req)
					)
				: undefined;
		return { user: userCtxOf(session.user), via: 'cookie', setCookie };
	}

	private async checkSession(
		value: string
	): Promise<{ user: UserDoc; issued: number; sid: string } | null> {
		const text = Buffer.from(value, 'base64url').toString('utf8');
		const parts = text.split(':');
		// Three parts: a cookie from before session ids, accepted until it expires (its re-issue
		// has an id); its signature stands in for the id.
		if (parts.length !== 3 && parts.length !== 4) return null;
		const [name, time] = parts as [string, string];
		const sid = parts.length === 4 ? parts[2]! : null;
		const mac = parts.at(-1)!;
		const issued = parseInt(time, 16);
		if (!Number.isFinite(issued) || Date.now() / 1000 >= issued + this.cfg.sessionTimeout) {
			return null;
		}
		const user = await this.userDoc(name);
		if (!user) return null;
		if (!safeEqual(this.sessionMac(name, time, sid, user.salt ?? ''), mac)) return null;
		const id = sid ?? `v0-${mac.slice(0, 22)}`;
		if (this.revocations.isRevoked(id, issued)) return null;
		return { user, issued, sid: id };
	}
}

export function readCookie(header: string | undefined, name: string): string | null {
	if (!header) return null;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
	}
	return null;
}
