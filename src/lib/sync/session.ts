import type { UserCtx } from '$lib/domain/roles';
import { couchUrl } from '$lib/config';
import { keepNote, readMirrored, recoverNote } from '$lib/state/kept-notes';

// The shapes here are checked by hand, not with zod: a cold start reads the stored session before
// anything else, and building schemas is work its first screen does not need (issue 17).

/** The signed-in person as kept on the device, so the app opens and works offline afterwards. */
export interface StoredSession {
	name: string;
	fullName: string;
	roles: string[];
	signedInAt: string;
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json =>
	typeof x === 'object' && x !== null && !Array.isArray(x);
const isStrings = (x: unknown): x is string[] =>
	Array.isArray(x) && x.every((r) => typeof r === 'string');

function storedSession(x: unknown): StoredSession | null {
	if (!isObject(x)) return null;
	const { name, fullName, roles, signedInAt } = x;
	if (typeof name !== 'string' || name.length === 0 || typeof fullName !== 'string') return null;
	if (!isStrings(roles) || typeof signedInAt !== 'string') return null;
	return { name, fullName, roles: [...roles], signedInAt };
}

/** CouchDB's `userCtx` from a `/_session` answer, or null if the answer is not one. */
function userCtxOf(body: unknown): UserCtx | null {
	if (!isObject(body) || body.ok !== true || !isObject(body.userCtx)) return null;
	const { name, roles } = body.userCtx;
	if (!(name === null || typeof name === 'string') || !isStrings(roles)) return null;
	return { name, roles: [...roles] };
}

const KEY = 'si:session';

/**
 * Where something about one person's use of this device is kept in localStorage. Signing out
 * removes every key of this shape for the person (`workspace.signOut`).
 */
export const userKey = (user: string, what: string) => `si:${what}:${user}`;

export function loadSession(): StoredSession | null {
	try {
		const raw = localStorage.getItem(KEY);
		if (!raw) return null;
		return storedSession(JSON.parse(raw));
	} catch {
		return null;
	}
}

/**
 * Keep the session on the device (null: forget it). Kept as the notes of typing are (`keepNote`):
 * in localStorage at once, and in IndexedDB a moment later, because Chromium writes localStorage to
 * disk only seconds after it changes and a browser killed in that time would open on the sign-in
 * screen, offline perhaps, though the person's records are on the device.
 */
export function storeSession(session: StoredSession | null): void {
	keepNote(KEY, session ? JSON.stringify(session) : null);
}

/**
 * At a start that found no session in localStorage: the session IndexedDB kept, put back there if
 * localStorage lost it (a browser killed just after signing in), else null. Unless someone has
 * signed in meanwhile. A start that finds the session in localStorage never waits for this.
 */
export async function recoverSession(): Promise<StoredSession | null> {
	const taken = await recoverNote(KEY, () => loadSession() !== null);
	return taken ? loadSession() : null;
}

/**
 * Whether the person signed out after `session` began though localStorage still holds it (a
 * browser killed just after signing out): IndexedDB forgot it later than the sign-in.
 */
export async function signedOutSince(session: StoredSession): Promise<boolean> {
	const kept = await readMirrored(KEY);
	return kept?.value === null && kept.at > Date.parse(session.signedInAt);
}

/** A sign-in failed: `message` is in plain words for the person signing in. */
export class SignInError extends Error {
	override name = 'SignInError';
	/** The server answered: this name and password do not match. */
	mismatch = false;
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
	try {
		return await fetch(`${couchUrl()}${path}`, {
			...init,
			credentials: 'include',
			headers: { Accept: 'application/json', ...init.headers }
		});
	} catch {
		throw new SignInError(
			'The trust server cannot be reached. Check the connection: you need to be online to sign in the first time.'
		);
	}
}

/** Sign in against the sync server's `/_session` (CouchDB's cookie authentication). */
export async function signIn(name: string, password: string): Promise<StoredSession> {
	// `refusal=200`: our server answers a wrong password with 200 and `ok: false`, so that the
	// browser does not log an expected answer as an error; CouchDB ignores it and answers 401.
	const res = await request('/_session?refusal=200', {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ name, password })
	});
	const answer: unknown = res.ok
		? await res
				.clone()
				.json()
				.catch(() => null)
		: null;
	const refused = isObject(answer) && answer.ok === false && answer.error === 'unauthorized';
	if (res.status === 401 || refused) {
		throw Object.assign(
			new SignInError('That user name and password do not match. Check them and try again.'),
			{ mismatch: true }
		);
	}
	if (res.status === 429) {
		throw new SignInError('Too many attempts to sign in. Wait a few minutes, then try again.');
	}
	if (!res.ok) throw new SignInError(`The trust server could not sign you in (${res.status}).`);
	const userCtx = await currentUser();
	if (!userCtx?.name) throw new SignInError('The trust server did not keep the session.');
	let fullName = userCtx.name;
	const profile = await request(`/_users/org.couchdb.user:${encodeURIComponent(userCtx.name)}`);
	if (profile.ok) {
		const doc: unknown = await profile.json().catch(() => null);
		if (isObject(doc) && typeof doc.fullName === 'string') fullName = doc.fullName;
	}
	return {
		name: userCtx.name,
		roles: userCtx.roles,
		fullName,
		signedInAt: new Date().toISOString()
	};
}

/** Who the server thinks is signed in, or null when the session has expired. */
export async function currentUser(): Promise<UserCtx | null> {
	const res = await request('/_session');
	if (!res.ok) return null;
	const userCtx = userCtxOf(await res.json());
	return userCtx?.name ? userCtx : null;
}

export async function signOutRemote(): Promise<void> {
	await request('/_session', { method: 'DELETE' }).catch(() => undefined);
}
