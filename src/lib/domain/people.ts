import { z } from 'zod';
import { lazy } from './lazy.ts';
import { changeMeta } from './changes.ts';
import { docMeta, PersonName } from './common.ts';
import { PEOPLE_ID } from './databases.ts';
import { VISITOR_TITLES } from './roles.ts';

export { PEOPLE_ID } from './databases.ts';

/**
 * The trust's people by user name and full name (trust database), so that every device can name
 * whoever wrote a record, offline, without reading the accounts (`_users` is private to each
 * person). The server keeps it in step with the accounts it creates; nothing else is in it.
 */
export const PeopleDirectory = lazy(() =>
	z.object({
		...docMeta,
		...changeMeta,
		_id: z.literal(PEOPLE_ID),
		type: z.literal('people'),
		people: z
			.array(
				z.object({
					name: z.string().min(1).max(64),
					fullName: PersonName,
					/**
					 * The names the person had before, most recent first: a device that has not yet heard of
					 * a rename still signs with the old one, and the server accepts it.
					 */
					formerNames: z.array(PersonName).max(10).optional(),
					/**
					 * For a school improvement lead, the schools they support (from their account's
					 * `school:<id>` roles), so that the CEO's dashboard can say which school has none.
					 */
					supports: z.array(z.string().min(1).max(64)).max(500).optional(),
					/**
					 * For a headteacher, the schools they lead (public: each school's own details name its
					 * head), so that a device hears at once of a head given another school.
					 */
					leads: z.array(z.string().min(1).max(64)).max(500).optional(),
					/**
					 * For a school improvement lead, their title as a visitor when it is not "School
					 * improvement lead" (`VISITOR_TITLES`): from their account, set by an administrator.
					 */
					title: z.enum(VISITOR_TITLES).optional()
				})
			)
			.max(5000),
		/**
		 * Written by a server that lists every SIL's schools (`supports`): with it, a list where no
		 * one supports a school means the trust has no SIL at all, not that the list does not say.
		 */
		silsListed: z.literal(true).optional()
	})
);
export type PeopleDirectory = z.infer<typeof PeopleDirectory>;

/**
 * The school improvement leads supporting each school, by school id, from the trust's list of
 * people; null when the list does not say (written by a server from before it kept this, or on
 * Apache CouchDB, where no server keeps the list). A list that says so (`silsListed`) with no SIL
 * on it means no school has one: the last SIL's account removed leaves every school flagged.
 */
export function silsBySchool(
	directory: PeopleDirectory | null | undefined
): Map<string, string[]> | null {
	const people = directory?.people ?? [];
	if (!directory?.silsListed && !people.some((p) => p.supports !== undefined)) return null;
	const out = new Map<string, string[]>();
	for (const p of people) {
		for (const school of p.supports ?? []) out.set(school, [...(out.get(school) ?? []), p.name]);
	}
	return out;
}
