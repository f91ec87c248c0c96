import { z } from 'zod';
import { changeMeta } from './changes.ts';
import { docMeta, PersonName } from './common.ts';

export const PEOPLE_ID = 'people';

/**
 * The trust's people by user name and full name (trust database), so that every device can name
 * whoever wrote a record, offline, without reading the accounts (`_users` is private to each
 * person). The server keeps it in step with the accounts it creates; nothing else is in it.
 */
export const PeopleDirectory = z.object({
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
				formerNames: z.array(PersonName).max(10).optional()
			})
		)
		.max(5000)
});
export type PeopleDirectory = z.infer<typeof PeopleDirectory>;
