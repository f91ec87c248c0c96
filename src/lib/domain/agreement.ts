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

/** What the agreement rule reads of a visit record: its status, and what its head confirmed. */
export type AgreeingVisit = Pick<VisitRecord, 'status'> & {
	confirmation?: { steps?: readonly string[] | undefined } | undefined;
};

/**
 * The one rule for every screen and report. The head's own reply on a step wins (agreed, or not
 * with a reason); without one, a step is agreed when the head has confirmed the visit record it
 * came from, and proposed while that record is planned, a draft, shared or disagreed with. A
 * confirmation names the steps the head had before them (`confirmation.steps`): a step it does not
 * name reached them after it (added on a device that had not seen the record shared) and waits for
 * their own reply, since no one agreed it. A step recorded outside a visit, or whose visit is not
 * on the device, waits for the head's own reply.
 */
export function stepAgreement(
	step: Pick<NextStep, '_id' | 'visitId'> & { headReply?: { agrees: boolean } | undefined },
	visit: AgreeingVisit | null | undefined
): StepAgreement {
	if (step.headReply) return step.headReply.agrees ? 'agreed' : 'disagreed';
	if (!step.visitId || visit?.status !== 'confirmed') return 'proposed';
	const confirmed = visit.confirmation?.steps;
	return !confirmed || confirmed.includes(step._id) ? 'agreed' : 'proposed';
}

/**
 * A next step as the head's confirmation leaves it (`keepConfirmedSteps`): confirming agrees the
 * steps the head had before them, so a step with no reply gets the head's agreeing reply; a reply
 * already given, agreeing or not, is kept as it is (a disagreement is never turned into
 * agreement). Either way the confirmation writes the step again: a revision the head wrote is a
 * live leaf, and a removal from a device that had not seen the record confirmed is a tombstone on
 * an older branch, which loses to it on every device and on the server (CouchDB's winner rule).
 */
export function confirmedStep<S extends Pick<NextStep, 'headReply'>>(
	step: S,
	by: string,
	at: string
): S {
	if (step.headReply) return step;
	return { ...step, headReply: { by, at, agrees: true, reason: '' } };
}

/** The agreement of each step, its visit looked up among `visits` (the school's records). */
export function agreementsOf(
	steps: readonly (Pick<NextStep, '_id' | 'visitId'> & { headReply?: { agrees: boolean } })[],
	visits: readonly (AgreeingVisit & Pick<VisitRecord, '_id'>)[]
): Map<string, StepAgreement> {
	const byId = new Map(visits.map((v) => [v._id, v]));
	return new Map(
		steps.map((s) => [s._id, stepAgreement(s, s.visitId ? byId.get(s.visitId) : undefined)])
	);
}

/**
 * Whether `user` may change a visit record and add or remove its next steps, on every page that
 * offers it (the record's and its learning walk's): its visitor, a SIL, while it is planned or in
 * draft. Shared, it is what the head is confirming: the visitor takes the record back to draft
 * first. The write rules cannot hold next steps to this (a step does not carry its record's
 * status, and `validate_doc_update` cannot read the record); a step that still arrives after the
 * head confirmed (from a device that had not seen the record shared) is not among the steps the
 * confirmation names, so it waits for the head's own reply (`stepAgreement`).
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
