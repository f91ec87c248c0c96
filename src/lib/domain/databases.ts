// Names of databases and well-known documents, without schemas: the first screens of a cold start
// import this file, and building zod schemas is work they do not need (issue 17).

export const schoolDocId = (schoolId: string) => `school:${schoolId}`;
/** Each school's records live in their own database, so access is granted per school. */
export const schoolDbName = (schoolId: string) => `school-${schoolId}`;
export const TRUST_DB = 'trust';
/** Every school's concerns raised to the CEO (`concern.ts`): SILs and the CEO are its members. */
export const CONCERNS_DB = 'concerns';

export function schoolIdFromDbName(db: string): string | null {
	const m = /^school-([a-z0-9-]+)$/.exec(db);
	return m ? m[1]! : null;
}

/**
 * The copies of a school's summary sent to its chair of governors, in a database of their own: read
 * access to a database is all or nothing, and the school's holds drafts, walk notes and staff data
 * that a governor must not replicate.
 */
export const governorsDbName = (schoolId: string) => `governors-${schoolId}`;

export function schoolIdFromGovernorsDb(db: string): string | null {
	const m = /^governors-([a-z0-9-]+)$/.exec(db);
	return m ? m[1]! : null;
}

/**
 * The school a database belongs to, whose closure makes it read-only: its records (`school-<id>`)
 * and the copies sent to its governors (`governors-<id>`). Null for the trust's own databases.
 */
export function schoolOfDb(db: string): string | null {
	return schoolIdFromDbName(db) ?? schoolIdFromGovernorsDb(db);
}

/** The trust's list of people (`PeopleDirectory` in people.ts), in the trust database. */
export const PEOPLE_ID = 'people';
