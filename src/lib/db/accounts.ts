import { couchUrl } from '$lib/config';
import { signIn, SignInError } from '$lib/sync/session';
import {
	assignedSchools,
	governedSchools,
	governorRole,
	headedSchools,
	headRole,
	ROLE_LABELS,
	ROLES,
	schoolRole,
	isVisitorTitle,
	visitorTitleLabel,
	type Role,
	type VisitorTitle
} from '$lib/domain/roles';

/**
 * The trust's accounts, as an administrator manages them in the app: read from and written to the
 * server's `_users` database over HTTP (our sync server, or CouchDB's, which takes the same
 * documents). Accounts are personal data and are never kept on the device: the screen reads them
 * while it is open, online.
 */

/** What the screen shows of an account: never its password hash. */
export interface Account {
	name: string;
	fullName: string;
	roles: string[];
	/** A school improvement lead's title as a visitor; none: "School improvement lead". */
	title?: VisitorTitle;
}

/** The account form: the person's roles, the schools they lead as head and those they support. */
export interface AccountChoice {
	roles: Role[];
	/** The schools they are the headteacher of (`head:<id>`), when `roles` has `head`. */
	leads: string[];
	/** The schools they support as a school improvement lead (`school:<id>`), when `roles` has `sil`. */
	supports: string[];
	/** The one school whose governors they chair (`governor:<id>`), when `roles` has `governor`. */
	governs?: string;
	/**
	 * Schools the account is assigned that the form does not show (a head given access to a second
	 * school with the command line): kept as they are.
	 */
	also?: string[];
	/** The title a SIL is given as a visitor (`VISITOR_TITLES`), when `roles` has `sil`. */
	title?: VisitorTitle;
}

/** The account's roles as the server keeps them, from the form. */
export function rolesFrom(choice: AccountChoice): string[] {
	const roles = ROLES.filter((r) => choice.roles.includes(r));
	const leads = roles.includes('head') ? choice.leads : [];
	const supports = roles.includes('sil') ? choice.supports.filter((s) => !leads.includes(s)) : [];
	const schools = [...new Set([...leads, ...supports, ...(choice.also ?? [])])].sort();
	const governs =
		roles.includes('governor') && choice.governs ? [governorRole(choice.governs)] : [];
	return [...roles, ...[...leads].sort().map(headRole), ...schools.map(schoolRole), ...governs];
}

/** The account's title as the server keeps it, from the form: a SIL's only. */
export const titleFrom = (choice: AccountChoice): VisitorTitle | undefined =>
	choice.roles.includes('sil') ? choice.title : undefined;

/**
 * The form for an account's roles. An account from before `head:<id>` reads as leading the schools
 * `headedSchools` says it leads, so saving it names them.
 */
export function choiceFrom(roles: readonly string[], title?: VisitorTitle): AccountChoice {
	const user = { name: null, roles: [...roles] };
	const leads = headedSchools(user);
	const assigned = assignedSchools(user);
	const supports = roles.includes('sil') ? assigned.filter((s) => !leads.includes(s)) : [];
	const also = assigned.filter((s) => !leads.includes(s) && !supports.includes(s));
	const governs = governedSchools(user)[0];
	return {
		roles: ROLES.filter((r) => roles.includes(r)),
		leads,
		supports,
		...(governs ? { governs } : {}),
		...(also.length ? { also } : {}),
		...(title ? { title } : {})
	};
}

/** What is missing from the form, in plain words, or null. */
export function choiceProblem(choice: AccountChoice): string | null {
	if (choice.roles.length === 0) return 'Choose at least one role.';
	if (choice.roles.includes('governor')) {
		// A chair of governors reads only the copies sent to them: any other role would open the
		// school's records, or the trust's, to them.
		if (choice.roles.length > 1) return 'A chair of governors has no other role.';
		if (!choice.governs) return 'Choose the school whose governors they chair.';
	}
	if (choice.roles.includes('head') && choice.leads.length === 0) {
		return 'Choose the school they are the headteacher of.';
	}
	return null;
}

/** A user name as the server takes them (`USER_NAME` in `sync-server/src/users.ts`). */
export const USER_NAME = /^[a-z0-9._-]{1,64}$/;

/** A password to give a new person, or an old one who forgot theirs: 16 letters and digits. */
export function newPassword(): string {
	// No 0/O, 1/l/I: it is read out or copied by hand.
	const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
	// Bytes from the top of the range that would favour the first letters are drawn again.
	const limit = 256 - (256 % alphabet.length);
	let out = '';
	while (out.length < 16) {
		for (const b of crypto.getRandomValues(new Uint8Array(32))) {
			if (b < limit && out.length < 16) out += alphabet[b % alphabet.length];
		}
	}
	return out;
}

/** Managing accounts failed: `message` is in plain words for the administrator. */
export class AccountError extends Error {
	override name = 'AccountError';
}

const docPath = (name: string) => `/_users/${encodeURIComponent(`org.couchdb.user:${name}`)}`;

async function call(path: string, init: RequestInit = {}): Promise<Response> {
	let res: Response;
	try {
		res = await fetch(`${couchUrl()}${path}`, {
			...init,
			credentials: 'include',
			headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...init.headers }
		});
	} catch {
		throw new AccountError(
			'Accounts are kept on the trust’s server, which cannot be reached: check the connection.'
		);
	}
	if (res.status === 401 || res.status === 403) {
		const body = (await res.json().catch(() => ({}))) as { reason?: unknown };
		// A refusal of what was written says why (a role the server does not take); otherwise the
		// person is not, or no longer, signed in as an administrator.
		throw new AccountError(
			res.status === 403 && typeof body.reason === 'string' && !/admin/i.test(body.reason)
				? body.reason
				: 'Only a trust administrator manages accounts here (on an Apache CouchDB cluster, only its server administrator). Sign in again if you are one.'
		);
	}
	return res;
}

async function failed(res: Response, what: string): Promise<never> {
	const body = (await res.json().catch(() => ({}))) as { reason?: unknown };
	const reason = typeof body.reason === 'string' ? `: ${body.reason}` : '';
	throw new AccountError(`${what} (the server answered ${res.status}${reason}).`);
}

/** Every account of the trust, by full name. */
export async function listAccounts(): Promise<Account[]> {
	const range = `startkey=${encodeURIComponent('"org.couchdb.user:"')}&endkey=${encodeURIComponent('"org.couchdb.user:\ufff0"')}`;
	const res = await call(`/_users/_all_docs?include_docs=true&${range}`);
	if (!res.ok) return failed(res, 'The accounts could not be read');
	const body = (await res.json()) as { rows: { doc?: Record<string, unknown> }[] };
	return body.rows
		.flatMap(({ doc }) =>
			doc && typeof doc.name === 'string' && Array.isArray(doc.roles)
				? [
						{
							name: doc.name,
							fullName: typeof doc.fullName === 'string' && doc.fullName ? doc.fullName : doc.name,
							roles: doc.roles.filter((r): r is string => typeof r === 'string'),
							...(isVisitorTitle(doc.title) ? { title: doc.title } : {})
						}
					]
				: []
		)
		.sort((a, b) => a.fullName.localeCompare(b.fullName, 'en-GB'));
}

/** Adds an account with a first password; refused if the user name is taken. */
export async function addAccount(account: Account, password: string): Promise<void> {
	if (!USER_NAME.test(account.name)) {
		throw new AccountError(
			'A user name is 1-64 lower-case letters, digits, dots, hyphens or underscores.'
		);
	}
	const res = await call(docPath(account.name), {
		method: 'PUT',
		body: JSON.stringify({
			_id: `org.couchdb.user:${account.name}`,
			type: 'user',
			name: account.name,
			fullName: account.fullName,
			roles: account.roles,
			...(account.title ? { title: account.title } : {}),
			password
		})
	});
	if (res.status === 409) throw new AccountError(`There is already an account ${account.name}.`);
	if (!res.ok) return failed(res, 'The account could not be added');
}

/**
 * Changes an account: its full name and roles, or its password. The document is read just before
 * and written back whole, so its password stays (CouchDB keeps only what is written back); a change
 * made meanwhile by someone else is read again rather than overwritten.
 */
export async function changeAccount(
	name: string,
	/** A `title` key left undefined takes the title away ("School improvement lead"). */
	change: { fullName?: string; roles?: string[]; title?: VisitorTitle; password?: string }
): Promise<void> {
	for (let attempt = 0; attempt < 3; attempt++) {
		const read = await call(docPath(name));
		if (read.status === 404) throw new AccountError(`The account ${name} has been removed.`);
		if (!read.ok) return failed(read, 'The account could not be read');
		const doc = (await read.json()) as Record<string, unknown>;
		const res = await call(docPath(name), {
			method: 'PUT',
			body: JSON.stringify({ ...doc, ...change })
		});
		if (res.ok) return;
		if (res.status !== 409) return failed(res, 'The account could not be changed');
	}
	throw new AccountError('The account is being changed elsewhere: try again.');
}

/**
 * A person changes their own password. The one in use is asked for first, so that whoever holds
 * an unlocked device cannot take the account. The change ends every session of the person (the
 * server's, and CouchDB's), so `renew` then signs this device in again with the new one; their
 * other devices ask for it at their next sync.
 */
export async function changeOwnPassword(
	name: string,
	current: string,
	next: string,
	renew: (password: string) => Promise<void>
): Promise<void> {
	if (next.length < 8) throw new AccountError('A new password needs at least 8 characters.');
	if (next === current) throw new AccountError('The new password is the one you have now.');
	try {
		await signIn(name, current);
	} catch (err) {
		if (err instanceof SignInError) {
			throw new AccountError(err.mismatch ? 'Your current password is not right.' : err.message);
		}
		throw err;
	}
	await changeAccount(name, { password: next });
	try {
		await renew(next);
	} catch {
		// The change is made; only this device's new session is missing (the connection dropped).
		throw new AccountError(
			'Your password was changed, but this device could not sign in again: sign in with the new one.'
		);
	}
}

/** Removes an account: the person can no longer sign in. What they wrote stays, in their name. */
export async function removeAccount(name: string): Promise<void> {
	const read = await call(docPath(name));
	if (read.status === 404) return;
	if (!read.ok) return failed(read, 'The account could not be read');
	const { _rev } = (await read.json()) as { _rev: string };
	const res = await call(`${docPath(name)}?rev=${encodeURIComponent(_rev)}`, { method: 'DELETE' });
	if (!res.ok && res.status !== 404) return failed(res, 'The account could not be removed');
}

/**
 * The schools `account` supports as a school improvement lead that no other account of `all`
 * does: removing it leaves them with none, which the CEO's dashboard then flags.
 */
export function onlyLeadOf(account: Account, all: readonly Account[]): string[] {
	const supported = (a: Account) =>
		a.roles.includes('sil') ? choiceFrom(a.roles).supports : ([] as string[]);
	const others = new Set(all.filter((a) => a.name !== account.name).flatMap(supported));
	return supported(account).filter((id) => !others.has(id));
}

/** An account's roles in words: "Headteacher of Oakfield; school improvement lead for Ash". */
export function describeRoles(
	roles: readonly string[],
	schoolName: (id: string) => string,
	/** A SIL's title as a visitor: "Lead practitioner for Ash". */
	title?: VisitorTitle
): string {
	const { roles: held, leads, supports, governs, also = [] } = choiceFrom(roles);
	// By name, as every list of schools reads: the roles keep them in the order they were given.
	const names = (ids: string[]) =>
		ids
			.map(schoolName)
			.sort((a, b) => a.localeCompare(b, 'en-GB'))
			.join(', ');
	const order: Role[] = ['head', 'sil', 'ceo', 'admin', 'governor'];
	const parts = order
		.filter((r) => held.includes(r))
		.map((r) => {
			if (r === 'head') {
				return leads.length
					? `Headteacher of ${names(leads)}`
					: 'Headteacher, school not chosen yet';
			}
			if (r === 'sil') {
				return supports.length
					? `${visitorTitleLabel(title)} for ${names(supports)}`
					: `${visitorTitleLabel(title)}, no schools yet`;
			}
			if (r === 'governor') {
				return governs
					? `Chair of governors of ${schoolName(governs)}`
					: 'Chair of governors, school not chosen yet';
			}
			return ROLE_LABELS[r];
		});
	if (also.length) parts.push(`also reads ${names(also)}`);
	return parts.join('; ') || 'No role';
}
