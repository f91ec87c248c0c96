import { Concern, concernDocId, CONCERNS_DB, SCHEMA_VERSION } from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import { addDays, type SeededVisit } from './seed-visits.ts';
import type { Doc, Storage } from './storage.ts';

/**
 * The demo's open concern (issue 15): the SIL alerted the CEO after St Aidan's term-2 visit (the
 * school on the vulnerable route), and the CEO has recorded one thing done. Raised on the day of
 * the visit, acted on a few days later, never after the day the demo starts.
 */
export async function seedConcerns(
	storage: Storage,
	visits: readonly SeededVisit[],
	today: string
): Promise<void> {
	const schoolId = 'st-aidans';
	const took = visits.filter((v) => v.school === schoolId && v.status !== 'planned');
	// The term-2 visit, or the term-1 one when the demo starts before term 2's visit took place.
	const visit = took.find((v) => v.term === 2) ?? took[took.length - 1];
	if (!visit) return;
	const actedOn = [addDays(visit.date, 4), today].sort()[0]!;
	const concern = Concern.parse({
		_id: concernDocId('st-aidans-2026-phonics'),
		schemaVersion: SCHEMA_VERSION,
		type: 'concern',
		schoolId,
		visitId: visit.id,
		raisedOn: visit.date,
		raisedBy: 'sil',
		raisedByName: 'James Whitfield',
		title: 'Year 1 phonics groups led by untrained staff',
		seen: 'In three of the four Year 1 phonics groups the adult leading had not been trained in the school’s scheme, and pupils were reading books with sounds they have not yet been taught. Two teaching assistants have covered the Year 2 vacancy since October.',
		level: 'action',
		actions: [
			{
				id: 'demo-action-1',
				on: actedOn,
				text: 'Spoke with Daniel Okafor and the chair of governors. The trust’s phonics lead trains the Year 1 team, and the SIL checks the groups at the next visit.',
				by: 'ceo',
				name: 'Dr Margaret Ellison',
				at: `${actedOn}T16:10:00Z`
			}
		],
		updatedBy: 'ceo',
		updatedAt: `${actedOn}T16:10:00Z`
	});
	const db = await storage.ensure(CONCERNS_DB, defaultSecurity(CONCERNS_DB));
	await db.put(concern as Doc);
	storage.notify(CONCERNS_DB);
}
