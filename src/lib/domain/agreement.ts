import { hasRole, type UserCtx } from './roles.ts';
import type { NextStep, VisitRecord } from './visit.ts';

/**
 * Where a next step is in its agreement with the headteacher. The documents make the head, the
 * governors and the trust aware of *agreed* next steps; a step is agreed only when the head has
 * said so, and until then it is proposed.
 */
export type StepAgreement = 'agreed' | 'proposed' | 'disagreed';

export const STEP_AGREEMENT_LABELS: Record<StepAgreement, string> = {
	agreed: 'Agreed with the headteacher',
	proposed: 'Proposed: waiting for the headteacher',
	disagreed: 'The headteacher disagrees'
};

/**
 * The one rule for every screen and report. The head's own reply on a step wins (agreed, or not
 * with a reason); without one, a step is agreed when the head has confirmed the visit record it
 * came from, and proposed while that record is planned, a draft, shared or disagreed with. A step
 * recorded outside a visit, or whose visit is not on the device, waits for the head's own reply.
 */
export function stepAgreement(
	step: Pick<NextStep, 'visitId'> & { headReply?: { agrees: boolean } | undefined },
	visit: Pick<VisitRecord, 'status'> | null | undefined
): StepAgreement {
	if (step.headReply) return step.headReply.agrees ? 'agreed' : 'disagreed';
	return step.visitId && visit?.status === 'confirmed' ? 'agreed' : 'proposed';
}

/** The agreement of each step, its visit looked up among `visits` (the school's records). */
export function agreementsOf(
	steps: readonly (Pick<NextStep, '_id' | 'visitId'> & { headReply?: { agrees: boolean } })[],
	visits: readonly Pick<VisitRecord, '_id' | 'status'>[]
): Map<string, StepAgreement> {
	const byId = new Map(visits.map((v) => [v._id, v]));
	return new Map(
		steps.map((s) => [s._id, stepAgreement(s, s.visitId ? byId.get(s.visitId) : undefined)])
	);
}

/**
 * Whether `user` may change a visit record and add or remove its next steps, on every page that
 * offers it (the record's and its learning walk's): its visitor, a SIL, while it is planned or in
 * draft. Shared, it is what the head is confirming, and a step of a confirmed record is agreed:
 * one added then would be agreed by a confirmation given to a record without it. The visitor takes
 * the record back to draft first. The write rules cannot hold next steps to this (a step does not
 * carry its record's status, and `validate_doc_update` cannot read the record): the pages do.
 */
export function mayChangeRecord(
	user: UserCtx | null | undefined,
	visit: Pick<VisitRecord, 'visitor' | 'status'>
): boolean {
	return (
		!!user &&
		hasRole(user, 'sil') &&
		user.name === visit.visitor &&
		(visit.status === 'planned' || visit.status === 'draft')
	);
}
