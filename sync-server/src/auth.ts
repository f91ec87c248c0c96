import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { UserCtx } from '../../src/lib/domain/index.ts';
import type { Config } from './config.ts';
import { CouchError, unauthorized } from './http.ts';
import type { Storage } from './storage.ts';
import {
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
 * Failed sign-ins counted per account and per address in a sliding window. Over the limit, sign-in
 * is refused with 429 before the password is even checked, so guessing costs the attacker time
 * and us nothing.
 */
class LoginLimiter {
	private readonly failures = new Map<string, number[]>();
	private readonly cfg: Config;
	constructor(cfg: Config) {
		this.cfg = cfg;
	}

	private recent(key: string, now: number): number[] {
		const cutoff = now - this.cfg.loginWindow * 1000;
		const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
		if (list.length) this.failures.set(key, list);
		else this.failures.delete(key);
		return list;
	}

	check(name: string, address: string): void {
		const now = Date.now();
		const account = this.recent(`a:${name}`, now);
		const addr = this.recent(`i:${address}`, now);
		const over =
			account.length >= this.cfg.loginMaxFailuresPerAccount
				? account
				: addr.length >= this.cfg.loginMaxFailuresPerAddress
					? addr
					: null;
		if (!over) return;
		const retry = Math.max(1, Math.ceil((over[0]! + this.cfg.loginWindow * 1000 - now) / 1000));
		const what = over === account ? 'this account' : 'this address';
		throw new CouchError(
			429,
			'too_many_requests',
			`Too many failed sign-in attempts for ${what}. Try again in ${Math.ceil(retry / 60)} minute(s).`,
			{ 'Retry-After': String(retry) }
		);
	}

	fail(name: string, address: string): void {
		const now = Date.now();
		for (const key of [`a:${name}`, `i:${address}`]) {
			const list = this.recent(key, now);
			list.push(now);
			this.failures.set(key, list);
		}
		if (this.failures.size > 100_000) this.failures.clear(); // bound memory under a flood
	}

	succeed(name: string): void {
		this.failures.delete(`a:${name}`);
	}
}

export class Auth {
	private readonly cfg: Config;
	private readonly storage: Storage;
	private readonly secret: string;
	private readonly limiter: LoginLimiter;
	/** User documents by name: read on every request, changed only through `forget`. */
	private readonly users = new Map<string, UserDoc | null>();
	/**
	 * Passwords already verified against a user document revision, as keyed hashes: Basic auth sends
	 * the password on every request and PBKDF2 is deliberately slow (CouchDB caches the same way).
	 */
	private readonly verified = new Map<string, { rev: string; mac: string }>();
	private readonly checking = new Map<string, Promise<boolean>>();

	constructor(cfg: Config, storage: Storage, secret: string) {
		this.cfg = cfg;
		this.storage = storage;
		this.secret = secret;
		this.limiter = new LoginLimiter(cfg);
	}

	forget(name: string): void {
		this.users.delete(name);
		this.verified.delete(name);
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
		this.limiter.check(name, address);
		const user = await this.userDoc(name);
		const mac = crypto.createHmac('sha256', this.secret).update(password).digest('hex');
		const cached = this.verified.get(name);
		if (user && cached && cached.rev === user._rev && cached.mac === mac) return user;
		// Many requests with the same credentials at once (a device starting to sync) share one check.
		const key = `${name}\n${mac}\n${user?._rev ?? ''}`;
		let pending = this.checking.get(key);
		if (!pending) {
			pending = user ? verifyPassword(user, password) : Promise.resolve(false);
			this.checking.set(key, pending);
			const done = () => this.checking.delete(key);
			pending.then(done, done);
		}
		if (user && (await pending)) {
			this.verified.set(name, { rev: user._rev!, mac });
			this.limiter.succeed(name);
			return user;
		}
		this.limiter.fail(name, address);
		throw unauthorized('Name or password is incorrect.');
	}

	private sessionMac(name: string, time: string, salt: string): string {
		// Keyed on the user's salt too, as CouchDB does: changing a password ends every session.
		return crypto
			.createHmac('sha256', this.secret + salt)
			.update(`${name}:${time}`)
			.digest('base64url');
	}

	/** The cookie value for a session that starts now. */
	sessionValue(user: UserDoc, now = Date.now()): string {
		const time = Math.floor(now / 1000)
			.toString(16)
			.toUpperCase();
		const mac = this.sessionMac(user.name, time, user.salt ?? '');
		return Buffer.from(`${user.name}:${time}:${mac}`).toString('base64url');
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
				? this.cookieHeader(this.sessionValue(session.user), this.isSecure(req))
				: undefined;
		return { user: userCtxOf(session.user), via: 'cookie', setCookie };
	}

	private async checkSession(value: string): Promise<{ user: UserDoc; issued: number } | null> {
		const text = Buffer.from(value, 'base64url').toString('utf8');
		const parts = text.split(':');
		if (parts.length !== 3) return null;
		const [name, time, mac] = parts as [string, string, string];
		const issued = parseInt(time, 16);
		if (!Number.isFinite(issued) || Date.now() / 1000 >= issued + this.cfg.sessionTimeout) {
			return null;
		}
		const user = await this.userDoc(name);
		if (!user) return null;
		if (!safeEqual(this.sessionMac(name, time, user.salt ?? ''), mac)) return null;
		return { user, issued };
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
