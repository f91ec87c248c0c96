import { z } from 'zod';
import { UserCtx } from '$lib/domain/roles';
import { couchUrl } from '$lib/config';

/** The signed-in person as kept on the device, so the app opens and works offline afterwards. */
export const StoredSession = z.object({
	name: z.string().min(1),
	fullName: z.string(),
	roles: z.array(z.string()),
	signedInAt: z.string()
});
export type StoredSession = z.infer<typeof StoredSession>;

const KEY = 'si:session';

export function loadSession(): StoredSession | null {
	try {
		const raw = localStorage.getItem(KEY);
		if (!raw) return null;
		const parsed = StoredSession.safeParse(JSON.parse(raw));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

export function storeSession(session: StoredSession | null): void {
	if (session) localStorage.setItem(KEY, JSON.stringify(session));
	else localStorage.removeItem(KEY);
}

/** A sign-in failed: `message` is in plain words for the person signing in. */
export class SignInError extends Error {
	override name = 'SignInError';
}

const SessionResponse = z.object({ ok: z.literal(true), userCtx: UserCtx });
const Profile = z.object({ fullName: z.string().optional() });
const Refusal = z.object({ ok: z.literal(false), error: z.literal('unauthorized') });

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
	const refused =
		res.ok &&
		Refusal.safeParse(
			await res
				.clone()
				.json()
				.catch(() => null)
		).success;
	if (res.status === 401 || refused) {
		throw new SignInError('That user name and password do not match. Check them and try again.');
	}
	if (res.status === 429) {
		throw new SignInError('Too many attempts to sign in. Wait a few minutes, then try again.');
	}
	if (!res.ok) throw new SignInError(`The trust server could not sign you in (${res.status}).`);
	const userCtx = await currentUser();
	if (!userCtx?.name) throw new SignInError('The trust server did not keep the session.');
	let fullName = userCtx.name;
	const profile = await request(`/_users/org.couchdb.user:${encodeURIComponent(userCtx.name)}`);
	if (profile.ok) fullName = Profile.parse(await profile.json()).fullName ?? fullName;
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
	const body = SessionResponse.safeParse(await res.json());
	return body.success && body.data.userCtx.name ? body.data.userCtx : null;
}

export async function signOutRemote(): Promise<void> {
	await request('/_session', { method: 'DELETE' }).catch(() => undefined);
}
