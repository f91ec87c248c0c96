import { VISIT_PRESETS, type VisitRecord, type VisitType } from '../../src/lib/domain/index.ts';

/**
 * Demo visits of other kinds than the termly SI visit (issue 15): Kingsmead, a corrective school,
 * had a SEND review in term 2 in place of its termly visit, and Ashcombe hosted a peer review by
 * the leadership group's heads. Each starts as its type's preset does, with the first documents
 * seen and the first activities done once the visit has taken place.
 */
const DEMO_TYPES: Record<string, { term: number; type: VisitType }> = {
	kingsmead: { term: 2, type: 'send' },
	ashcombe: { term: 2, type: 'peer' }
};

export function demoVisitType(
	schoolId: string,
	term: number,
	took: boolean
): Partial<Pick<VisitRecord, 'visitType' | 'focus' | 'documents' | 'activities'>> {
	const demo = DEMO_TYPES[schoolId];
	if (!demo || demo.term !== term) return {};
	const preset = VISIT_PRESETS[demo.type];
	return {
		visitType: demo.type,
		focus: preset.focus,
		documents: preset.documents.map((label, i) => ({ label, seen: took && i < 2 })),
		activities: preset.activities.map((label, i) => ({ label, done: took && i < 2 }))
	};
}
