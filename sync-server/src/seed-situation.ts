import { School, schoolDocId, TRUST_DB, type SituationChange } from '../../src/lib/domain/index.ts';
import type { Storage } from './storage.ts';

/**
 * How two demo schools came to be where they are (issue 15): St Aidan's went from good with
 * weaknesses to requires improvement and the corrective strand last summer, then from stabilise to
 * repair in the autumn; Kingsmead moved on from repair to improve. Dated before the demo year's
 * autumn half-term, so always in the past of the day the demo is started.
 */
const HISTORY: Record<string, SituationChange[]> = {
	'st-aidans': [
		{
			id: 'demo-sa-1',
			on: '2026-07-13',
			from: { category: '2b', strand: 'preventative' },
			to: { category: '3', strand: 'corrective', carterStage: 'stabilise' },
			reason:
				'KS2 reading and maths fell well below national for a second year and attendance dropped; the trust board agreed targeted support and a support plan.',
			by: 'admin',
			at: '2026-07-14T09:30:00.000Z'
		},
		{
			id: 'demo-sa-2',
			on: '2026-10-19',
			from: { category: '3', strand: 'corrective', carterStage: 'stabilise' },
			to: { category: '3', strand: 'corrective', carterStage: 'repair' },
			reason:
				'Leadership capacity restored with an interim deputy and safeguarding actions closed; the work now is on the reading curriculum.',
			by: 'admin',
			at: '2026-10-20T15:10:00.000Z'
		}
	],
	kingsmead: [
		{
			id: 'demo-km-1',
			on: '2026-09-01',
			from: { category: '3', strand: 'corrective', carterStage: 'repair' },
			to: { category: '3', strand: 'corrective', carterStage: 'improve' },
			reason:
				'Behaviour and attendance secure through last year; the focus moves to consistent teaching of phonics and writing.',
			by: 'admin',
			at: '2026-09-02T08:45:00.000Z'
		}
	]
};

export async function seedSituationHistory(storage: Storage): Promise<void> {
	const trust = await storage.get(TRUST_DB);
	if (!trust) return;
	for (const [id, history] of Object.entries(HISTORY)) {
		const current = (await trust.get(schoolDocId(id)).catch(() => null)) as School | null;
		if (!current || current.history?.length) continue;
		await trust.put(School.parse({ ...current, history }));
	}
	storage.notify(TRUST_DB);
}
