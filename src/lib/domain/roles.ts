import { CONCERNS_DB, schoolIdFromDbName, schoolIdFromGovernorsDb, TRUST_DB } from './databases.ts';

// No zod here: the first screens of a cold start import this file, and building schemas is work
// they do not need (issue 17).

/**
 * People's roles. A person's schools are roles too (`school:<id>`), so the same access rule works
 * on our sync server and on Apache CouchDB, whose `_security` objects grant access by role.
 */
export const ROLES = ['sil', 'head', 'ceo', 'admin', 'governor'] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (r: unknown): r is Role => (ROLES as readonly unknown[]).includes(r);

export const ROLE_LABELS: Record<Role, string> = {
	sil: 'School improvement lead',
	head: 'Headteacher',
	ceo: 'Chief executive',
	admin: 'Trust administrator',
	governor: 'Chair of governors'
};

/**
 * What a visitor (the `sil` role) is called: DOMAIN.md's visitors are school improvement leads and
 * also teaching and learning leads and lead practitioners. The role and what it may do are the
 * same; the title, given by an administrator, is what the screens and reports call them. None
 * given: a school improvement lead.
 */
export const VISITOR_TITLES = [
	'teaching-and-learning-lead',
	'lead-practitioner',
	'school-improvement-adviser'
] as const;
export type VisitorTitle = (typeof VISITOR_TITLES)[number];
export const VISITOR_TITLE_LABELS: Record<VisitorTitle, string> = {
	'teaching-and-learning-lead': 'Teaching and learning lead',
	'lead-practitioner': 'Lead practitioner',
	'school-improvement-adviser': 'School improvement adviser'
};
export const isVisitorTitle = (t: unknown): t is VisitorTitle =>
	(VISITOR_TITLES as readonly unknown[]).includes(t);
/** A visitor's title in words; a title not known (or none) reads as the role's own label. */
export const visitorTitleLabel = (title?: unknown): string =>
	isVisitorTitle(title) ? VISITOR_TITLE_LABELS[title] : ROLE_LABELS.sil;

/**
 * Each visitor's title in words by user name, from the trust's list of people (`PeopleDirectory`):
 * everyone it says supports schools (a school improvement lead), whatever their title.
 */
export function visitorTitles(
	people: readonly { name: string; supports?: unknown; title?: unknown }[]
): Readonly<Record<string, string>> {
	return Object.fromEntries(
		people.filter((p) => p.supports !== undefined).map((p) => [p.name, visitorTitleLabel(p.title)])
	);
}

export const schoolRole = (schoolId: string) => `school:${schoolId}`;

/** The school a head leads, named on their account (with `head` and that school's `school:` role). */
export const headRole = (schoolId: string) => `head:${schoolId}`;

/**
 * The one school whose chair of governors a person is. A governor holds `governor` and
 * `governor:<id>`, and no `school:<id>`: they read only the copies sent to them (`governorsDbName`),
 * never the school's own records, the trust's people or concerns.
 */
export const governorRole = (schoolId: string) => `governor:${schoolId}`;

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
	for (const r of ['admin', 'ceo', 'sil', 'head', 'governor'] as const) if (hasRole(u, r)) return r;
	return null;
}

/** The schools whose chair of governors a person is (`governorRole`), with the `governor` role. */
export function governedSchools(u: UserCtx): string[] {
	if (!hasRole(u, 'governor')) return [];
	return u.roles.filter((r) => r.startsWith('governor:')).map((r) => r.slice('governor:'.length));
}

/** A chair of governors and nothing else: their screens are the copies sent to them. */
export const onlyGovernor = (u: UserCtx | null): boolean => !!u && primaryRole(u) === 'governor';

/** The schools a person was assigned (the CEO and admins see all schools: see `canAccessDb`). */
export function assignedSchools(u: UserCtx): string[] {
	return u.roles.filter((r) => r.startsWith('school:')).map((r) => r.slice('school:'.length));
}

/**
 * The schools a person is the headteacher of. An account names them with `head:<id>` roles. One
 * that names none (every account made before those roles) leads the schools it is assigned,
 * unless it is also a SIL: then its roles cannot say which of its schools is its own, so it leads
 * none until an administrator adds `head:<id>`. A school is led only where it is also assigned, so
 * leading never grants access on its own.
 */
export function headedSchools(u: UserCtx): string[] {
	if (!hasRole(u, 'head')) return [];
	const schools = assignedSchools(u);
	const named = u.roles.filter((r) => r.startsWith('head:')).map((r) => r.slice('head:'.length));
	if (named.length > 0) return schools.filter((s) => named.includes(s));
	return hasRole(u, 'sil') ? [] : schools;
}

/**
 * Whether a person is this school's headteacher: the one its screens speak to as its head, who
 * confirms its visit records and replies to its next steps. In a school they lead they act as its
 * head, never as its visitor, even if they are also a SIL: no one reviews their own school.
 */
export const isHeadOf = (u: UserCtx | null, schoolId: string | undefined): boolean =>
	!!u && !!schoolId && headedSchools(u).includes(schoolId);

/**
 * Whether a person works in a school as one of its school improvement leads: a SIL, except in a
 * school they lead as its head (`isHeadOf`). The write rules and the screens decide by it.
 */
export const actsAsSil = (u: UserCtx | null, schoolId: string | undefined): boolean =>
	!!u && !!schoolId && hasRole(u, 'sil') && !isHeadOf(u, schoolId);

/**
 * Whether a person may read and replicate a database. Mirrors the `_security` members that
 * `securityFor` gives each database.
 */
export function canAccessDb(u: UserCtx, db: string): boolean {
	if (u.name === null) return false;
	if (isAdmin(u)) return true;
	// The trust's database holds the people directory, staff personal data: not for governors.
	if (db === TRUST_DB) return ['sil', 'head', 'ceo'].some((r) => u.roles.includes(r));
	// Concerns are raised to the CEO, not the head (see concern.ts). CouchDB grants a database by
	// role, and a lead's schools are roles a head holds too, so every lead is a member; our sync
	// server then hands each lead only their schools' concerns (`mayReadConcernsOf`).
	if (db === CONCERNS_DB) return hasRole(u, 'sil') || hasRole(u, 'ceo');
	const governed = schoolIdFromGovernorsDb(db);
	if (governed !== null) {
		// Those who send the copies (the school's SILs and head, the CEO) and its chair of governors.
		if (hasRole(u, 'ceo')) return true;
		if (u.roles.includes(governorRole(governed)) && hasRole(u, 'governor')) return true;
		return (hasRole(u, 'sil') || hasRole(u, 'head')) && u.roles.includes(schoolRole(governed));
	}
	const schoolId = schoolIdFromDbName(db);
	if (schoolId === null) return false;
	if (hasRole(u, 'ceo')) return true;
	return (hasRole(u, 'sil') || hasRole(u, 'head')) && u.roles.includes(schoolRole(schoolId));
}

/**
 * Whether a person reads every concern in the concerns database: the CEO, to whom they are raised,
 * and administrators. Everyone else reads only those `mayReadConcernsOf` allows.
 */
export const readsEveryConcern = (u: UserCtx): boolean =>
	u.name !== null && (isAdmin(u) || hasRole(u, 'ceo'));

/**
 * Whether a person may read the concerns raised about a school: the CEO and administrators every
 * school's; a SIL those of a school they are assigned and do not lead (`isHeadOf`: no one reads the
 * concerns raised about their own leadership); nobody else. Our sync server applies it to every
 * read of the concerns database; Apache CouchDB cannot (it grants a whole database, see
 * `securityFor`), so there every member reads every concern.
 */
export function mayReadConcernsOf(u: UserCtx, schoolId: string | undefined): boolean {
	if (readsEveryConcern(u)) return true;
	if (u.name === null || !schoolId || !hasRole(u, 'sil')) return false;
	return assignedSchools(u).includes(schoolId) && !isHeadOf(u, schoolId);
}

/** CouchDB `_security` object for a database, matching `canAccessDb`. */
export function securityFor(db: string): {
	admins: { names: string[]; roles: string[] };
	members: { names: string[]; roles: string[] };
} {
	const admins = { names: [], roles: ['admin'] };
	if (db === TRUST_DB) return { admins, members: { names: [], roles: ['sil', 'head', 'ceo'] } };
	if (db === CONCERNS_DB) return { admins, members: { names: [], roles: ['sil', 'ceo'] } };
	const governed = schoolIdFromGovernorsDb(db);
	if (governed !== null) {
		return {
			admins,
			members: { names: [], roles: ['ceo', schoolRole(governed), governorRole(governed)] }
		};
	}
	const schoolId = schoolIdFromDbName(db);
	return {
		admins,
		members: { names: [], roles: schoolId ? ['ceo', schoolRole(schoolId)] : [] }
	};
}
