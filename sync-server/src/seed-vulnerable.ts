import {
	SCHEMA_VERSION,
	schoolDbName,
	VulnerableMark,
	vulnerableMarkDocId
} from '../../src/lib/domain/index.ts';
import { defaultSecurity } from './access.ts';
import type { Doc, Storage } from './storage.ts';

/**
 * The demo's vulnerable school (issue 15): St Aidan's, category 3, marked by the CEO after the
 * autumn 1 visit, with the meeting with the head and the support agreed (the strategy's route).
 */
export async function seedVulnerable(storage: Storage): Promise<void> {
	const schoolId = 'st-aidans';
	const db = await storage.ensure(schoolDbName(schoolId), defaultSecurity(schoolDbName(schoolId)));
	const mark = VulnerableMark.parse({
		_id: vulnerableMarkDocId('st-aidans-2026-autumn'),
		schemaVersion: SCHEMA_VERSION,
		type: 'vulnerable-mark',
		schoolId,
		markedOn: '2026-09-28',
		markedBy: 'ceo',
		reason:
			'Year 1 phonics and Key Stage 2 reading fell for a second year, and two senior leaders left in the summer.',
		meetingOn: '2026-10-02',
		meetingNotes:
			'Met Daniel Okafor and the chair of governors at the school. Agreed that leadership capacity, not staff commitment, is the issue.',
		supportPlan:
			'Fortnightly SIL visits until February half-term, focused on early reading; a Lead Practitioner from Oakfield supports the Year 1 team each week; an external teaching and learning review in spring 1; progress reviewed with the CEO each half-term.',
		updatedBy: 'ceo',
		updatedAt: '2026-10-02T15:30:00Z'
	});
	await db.put(mark as Doc);
	storage.notify(schoolDbName(schoolId));
}
