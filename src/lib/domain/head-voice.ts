import { STEP_AGREEMENT_LABELS, type StepAgreement } from './agreement.ts';
import type { VisitStatus } from './visit.ts';

// No zod here, as in roles.ts: the head's home imports this on a cold start (issue 17).

/**
 * The head of a school is spoken to on its screens ("You disagree") rather than about ("The
 * headteacher disagrees"), which the SIL and the CEO go on reading. Who that is, is what the write
 * rules go by.
 */
export { isHeadOf } from './roles.ts';

const HEAD_AGREEMENT: Record<StepAgreement, string> = {
	agreed: 'Agreed by you',
	proposed: 'Proposed: waiting for your agreement',
	disagreed: 'You disagree'
};

/**
 * A next step's agreement in words, to the head (`asHead`) or about them; also the status on its
 * card until the head agrees it.
 */
export const agreementLabel = (agreement: StepAgreement, asHead: boolean): string =>
	(asHead ? HEAD_AGREEMENT : STEP_AGREEMENT_LABELS)[agreement];

const HEAD_VISIT_STATUS: Partial<Record<VisitStatus, string>> = {
	shared: 'Shared with you',
	confirmed: 'Confirmed by you'
};

/** A visit record's status, to the head where it names them; `fallback` is the usual label. */
export const visitStatusLabel = (status: VisitStatus, asHead: boolean, fallback: string): string =>
	(asHead ? HEAD_VISIT_STATUS[status] : undefined) ?? fallback;
