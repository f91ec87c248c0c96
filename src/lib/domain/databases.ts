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

/** The trust's list of people (`PeopleDirectory` in people.ts), in the trust database. */
export const PEOPLE_ID = 'people';
