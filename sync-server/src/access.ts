import {
	canAccessDb,
	CONCERNS_DB,
	isAdmin,
	schoolIdFromDbName,
	schoolIdFromGovernorsDb,
	securityFor,
	TRUST_DB,
	type UserCtx
} from '../../src/lib/domain/index.ts';
import { forbidden, unauthorized } from './http.ts';
import type { Security } from './storage.ts';
import { USERS_DB } from './users.ts';

/**
 * The databases the app owns: the trust, each school and its governors' copies, the concerns and the
 * accounts. Only these carry the domain rules; any other database an administrator creates is a
 * plain CouchDB database.
 */
export const isAppDb = (db: string) =>
	db === TRUST_DB ||
	db === CONCERNS_DB ||
	db === USERS_DB ||
	schoolIdFromDbName(db) !== null ||
	schoolIdFromGovernorsDb(db) !== null;

/**
 * CouchDB 3's `[couchdb] default_security = admin_only`: a new database is for server
 * administrators until one of them adds members.
 */
const ADMIN_ONLY: Security = {
	admins: { names: [], roles: ['_admin'] },
	members: { names: [], roles: ['_admin'] }
};

/** The `_security` object a database gets when it is created, from the shared domain. */
export function defaultSecurity(db: string): Security {
	if (db === USERS_DB) {
		return { admins: { names: [], roles: ['admin'] }, members: { names: [], roles: ['admin'] } };
	}
	if (!isAppDb(db)) return structuredClone(ADMIN_ONLY);
	return securityFor(db);
}

const listed = (group: { names: string[]; roles: string[] } | undefined, user: UserCtx) =>
	!!group &&
	user.name !== null &&
	(group.names.includes(user.name) || group.roles.some((r) => user.roles.includes(r)));

const empty = (group: { names: string[]; roles: string[] } | undefined) =>
	!group || (group.names.length === 0 && group.roles.length === 0);

/**
 * Whether a person may read and replicate a database. An app database: the domain's rule
 * (`canAccessDb`), widened by names or roles an administrator added to its `_security`. Any other
 * database: CouchDB's rule (listed in members or admins; admin-only when `_security` is missing), except
 * that empty members open it to everyone signed in, not to anonymous callers: CouchDB with
 * `require_valid_user`, as the README asks a trust to run it.
 */
export function isMember(user: UserCtx, db: string, sec: Security | null): boolean {
	if (db === USERS_DB) return isAdmin(user) || listed(sec?.admins, user);
	if (!isAppDb(db)) {
		if (user.name === null) return false;
		const s = sec ?? ADMIN_ONLY;
		return isAdmin(user) || empty(s.members) || listed(s.members, user) || listed(s.admins, user);
	}
	return canAccessDb(user, db) || listed(sec?.members, user) || listed(sec?.admins, user);
}

export function isDbAdmin(user: UserCtx, sec: Security | null): boolean {
	return isAdmin(user) || listed(sec?.admins, user);
}

/** 401 for nobody (sign in), 403 for someone signed in without access, as CouchDB answers. */
export function requireMember(user: UserCtx, db: string, sec: Security | null): void {
	if (isMember(user, db, sec)) return;
	if (user.name === null) throw unauthorized('You are not authorized to access this db.');
	throw forbidden('You are not allowed to access this db.');
}

export function requireDbAdmin(user: UserCtx, sec: Security | null): void {
	if (isDbAdmin(user, sec)) return;
	if (user.name === null) throw unauthorized('You are not a db or server admin.');
	throw forbidden('You are not a db or server admin.');
}

export function requireServerAdmin(user: UserCtx): void {
	if (isAdmin(user)) return;
	if (user.name === null) throw unauthorized('You are not a server admin.');
	throw forbidden('You are not a server admin.');
}
