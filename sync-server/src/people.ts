import {
	assignedSchools,
	headedSchools,
	isVisitorTitle,
	PEOPLE_ID,
	PeopleDirectory,
	SCHEMA_VERSION,
	TRUST_DB
} from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import type { Doc, Storage } from './storage.ts';

/** Earlier full names kept per person, the most recent first. */
const FORMER_KEPT = 10;

/**
 * Writes a person's full name into the trust's list of people (`PeopleDirectory`), which every
 * member replicates, so that records name them in full on every device. Only name and full name,
 * the names they had before (which a device that has not heard of a rename still writes), for a
 * school improvement lead the schools they support (so the CEO sees a school with none) and for a
 * head the schools they lead (so their device hears of a move at once), and a SIL's title as a
 * visitor (what the screens call them): other roles stay in `_users`. An empty full name takes the person off the list. Runs under
 * the trust database's write lock, as every other write to it does.
 */
export async function recordPerson(
	storage: Storage,
	name: string,
	fullName: string,
	/** The account's roles: a SIL's `school:<id>` roles become the schools they support. */
	roles: readonly string[] = [],
	/** The account's title as a visitor (`VISITOR_TITLES`), kept for a SIL only. */
	title?: unknown
): Promise<void> {
	const trust = await storage.ensure(TRUST_DB, defaultSecurity(TRUST_DB));
	await storage.withLock(TRUST_DB, async () => {
		const current = (await trust.get(PEOPLE_ID).catch(() => null)) as PeopleDirectory | null;
		const before = current?.people.find((p) => p.name === name);
		const people = (current?.people ?? []).filter((p) => p.name !== name);
		const full = fullName.trim();
		if (full && full !== name) {
			const formerNames = [
				...(before && before.fullName !== full ? [before.fullName] : []),
				...(before?.formerNames ?? [])
			]
				.filter((n, i, all) => n !== full && all.indexOf(n) === i)
				.slice(0, FORMER_KEPT);
			// A SIL supports their schools, except one they lead as its head (`isHeadOf`).
			const ctx = { name, roles: [...roles] };
			const led = headedSchools(ctx);
			const supports = assignedSchools(ctx).filter((s) => !led.includes(s));
			people.push({
				name,
				fullName: full,
				...(formerNames.length ? { formerNames } : {}),
				...(roles.includes('sil') ? { supports } : {}),
				...(led.length ? { leads: led } : {}),
				...(roles.includes('sil') && isVisitorTitle(title) ? { title } : {})
			});
		}
		people.sort((a, b) => a.name.localeCompare(b.name));
		const same = JSON.stringify(current?.people) === JSON.stringify(people);
		if (current?.silsListed && same) return;
		const doc = PeopleDirectory.parse({
			_id: PEOPLE_ID,
			...(current?._rev ? { _rev: current._rev } : {}),
			schemaVersion: SCHEMA_VERSION,
			type: 'people',
			people,
			silsListed: true
		});
		await trust.put(doc as Doc);
		storage.notify(TRUST_DB);
	});
}
