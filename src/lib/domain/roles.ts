import { CONCERNS_DB, schoolIdFromDbName, TRUST_DB } from './databases.ts';

// No zod here: the first screens of a cold start import this file, and building schemas is work
// they do not need (issue 17).

/**
 * People's roles. A person's schools are roles too (`school:<id>`), so the same access rule works
 * on our sync server and on Apache CouchDB, whose `_security` objects grant access by role.
 */
export const ROLES = ['sil', 'head', 'ceo', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (r: unknown): r is Role => (ROLES as readonly unknown[]).includes(r);

export const ROLE_LABELS: Record<Role, string> = {
	sil: 'School improvement lead',
	head: 'Headteacher',
	ceo: 'Chief executive',
	admin: 'Trust administrator'
};

export const schoolRole = (schoolId: string) => `school:${schoolId}`;

/** What the server says about the person signed in (CouchDB's `userCtx`). */
export interface UserCtx {
	name: string | null;
	roles: string[];
}

export const isAdmin = (u: UserCtx) => u.roles.includes('admin') || u.roles.includes('_admin');

export function hasRole(u: UserCtx, role: Role): boolean {
	return role === 'admin' ? isAdmin(u) : u.roles.includes(role);
}

/** The main role a person works in, for choosing their home screen. */
export function primaryRole(u: UserCtx): Role | null {
	for (const r of ['admin', 'ceo', 'sil', 'head'] as const) if (hasRole(u, r)) return r;
	return null;
}

/** The schools a person was assigned (the CEO and admins see all schools: see `canAccessDb`). */
export function assignedSchools(u: UserCtx): string[] {
	return u.roles.filter((r) => r.startsWith('school:')).map((r) => r.slice('school:'.length));
}

/**
 * Whether a person may read and replicate a database. Mirrors the `_security` members that
 * `securityFor` gives each database.
 */
export function canAccessDb(u: UserCtx, db: string): boolean {
	if (u.name === null) return false;
	if (isAdmin(u)) return true;
	if (db === TRUST_DB) return u.roles.some(isRole);
	// Concerns are raised to the CEO, not the head (see concern.ts). A lead reads every school's:
	// CouchDB grants a database by role, and a lead's schools are roles a head holds too.
	if (db === CONCERNS_DB) return hasRole(u, 'sil') || hasRole(u, 'ceo');
	const schoolId = schoolIdFromDbName(db);
	if (schoolId === null) return false;
	if (hasRole(u, 'ceo')) return true;
	return (hasRole(u, 'sil') || hasRole(u, 'head')) && u.roles.includes(schoolRole(schoolId));
}

/** CouchDB `_security` object for a database, matching `canAccessDb`. */
export function securityFor(db: string): {
	admins: { names: string[]; roles: string[] };
	members: { names: string[]; roles: string[] };
} {
	const admins = { names: [], roles: ['admin'] };
	if (db === TRUST_DB) return { admins, members: { names: [], roles: ['sil', 'head', 'ceo'] } };
	if (db === CONCERNS_DB) return { admins, members: { names: [], roles: ['sil', 'ceo'] } };
	const schoolId = schoolIdFromDbName(db);
	return {
		admins,
		members: { names: [], roles: schoolId ? ['ceo', schoolRole(schoolId)] : [] }
	};
}
