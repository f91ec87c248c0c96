import type { DraftError } from './attainment-framework-edit.ts';

/** A field a person fills in, as its form labels it, and what to ask when it is left empty. */
export interface FieldWords {
	label: string;
	missing: string;
}

/**
 * Fields of each kind of record in the form's own words, by their place in the record, an item's
 * position in a list as `*`. One table for the forms, which say these beside the field, and for
 * the write rules (`describeIssues`), whose reasons the save state and the Sync page show: a
 * person reads "Say who owns this next step", never "owner: is required".
 */
export const FIELD_WORDS: Record<string, Record<string, FieldWords>> = {
	visit: {
		'attendees.*.name': { label: 'A name in “Who attended”', missing: 'Enter the person’s name' }
	},
	'next-step': {
		action: { label: 'Next step', missing: 'Say what the next step is' },
		owner: { label: 'Owner', missing: 'Say who owns this next step' },
		dueDate: { label: 'Due date', missing: 'Give a due date or choose a term' }
	}
};

/** The words for the field at `path` of a record of kind `type`, if the table has them. */
export function fieldWords(
	type: string | undefined,
	path: readonly PropertyKey[]
): FieldWords | undefined {
	const key = path.map((p) => (typeof p === 'number' ? '*' : String(p))).join('.');
	return type ? FIELD_WORDS[type]?.[key] : undefined;
}

/** A next step as its form holds it (`VisitNextSteps`), before it is made into a record. */
export interface NextStepDraft {
	action: string;
	owner: string;
	dueDate: string;
	dueTerm: string;
}

const words = FIELD_WORDS['next-step']!;

/**
 * What stops a next step being added, each beside its field (by the field's id in the form), in
 * the order of the form: the first is where the focus goes.
 */
export function nextStepProblems(d: NextStepDraft): DraftError[] {
	const problems: DraftError[] = [];
	if (!d.action.trim()) problems.push({ field: 'ns-action', message: words.action!.missing });
	if (!d.owner.trim()) problems.push({ field: 'ns-owner', message: words.owner!.missing });
	if (!d.dueDate && !d.dueTerm) problems.push({ field: 'ns-due', message: words.dueDate!.missing });
	return problems;
}
