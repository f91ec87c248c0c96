import { canAccessDb, isAdmin, securityFor, type UserCtx } from '../../src/lib/domain/index.ts';
import { forbidden, unauthorized } from './http.ts';
import type { Security } from './storage.ts';
import { USERS_DB } from './users.ts';

/** The `_security` object a database gets when it is created, from the shared domain. */
export function defaultSecurity(db: string): Security {
	if (db === USERS_DB) {
		return { admins: { names: [], roles: ['admin'] }, members: { names: [], roles: ['admin'] } };
	}
	return securityFor(db);
}

const listed = (group: { names: string[]; roles: string[] } | undefined, user: UserCtx) =>
	!!group &&
	user.name !== null &&
	(group.names.includes(user.name) || group.roles.some((r) => user.roles.includes(r)));

/**
 * Whether a person may read and replicate a database: the domain's rule (`canAccessDb`), widened by
 * names or roles an administrator added to the database's `_security` members or admins. Unlike
 * CouchDB, an empty members list never means "everyone": nothing here is public.
 */
export function isMember(user: UserCtx, db: string, sec: Security | null): boolean {
	if (db === USERS_DB) return isAdmin(user) || listed(sec?.admins, user);
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
