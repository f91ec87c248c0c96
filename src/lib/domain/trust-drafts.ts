import { z } from 'zod';
import type { DraftError } from './attainment-framework-edit.ts';
import { TrustSettings, VisitCalendar } from './trust.ts';

// The trust's settings and visit calendar are saved as the administrator types (no save button),
// so what cannot be saved yet is said beside the field, in the administrator's words, and nothing
// is written until it is put right. The rules are the schemas' own (`TrustSettings`,
// `VisitCalendar`): the draft is checked against them and each of zod's issues is worded by its
// path, with the limit it carries, so a limit changed in the schema changes the message too.
// A message's `field` is the form field's id: `trust-name`, `threshold`, `focus-0`, `documents-3`.

type Issue = z.core.$ZodIssue;

/** The limit an issue carries (a length, a number, a count), written as people write numbers. */
function limit(issue: Issue): string {
	const n =
		issue.code === 'too_big' ? issue.maximum : issue.code === 'too_small' ? issue.minimum : NaN;
	return Number(n).toLocaleString('en-GB');
}

/** The first issue each field has, by the field's id; issues of no field of the form are left. */
function byField(issues: readonly Issue[], field: (path: Issue['path']) => string | null) {
	const first = new Map<string, Issue>();
	for (const issue of issues) {
		const id = field(issue.path);
		if (id !== null && !first.has(id)) first.set(id, issue);
	}
	return first;
}

/** The part of the trust's settings the form can get wrong. */
type SettingsRules = z.ZodObject<{
	name: z.ZodType;
	suppressionThreshold: z.ZodNumber;
}>;

/**
 * What stops the trust's settings being saved as they stand, by the rules of `schema` (its
 * `name` and `suppressionThreshold`); empty when they can be.
 */
export function settingsProblemsBy(
	schema: SettingsRules,
	draft: Pick<TrustSettings, 'name' | 'suppressionThreshold'>
): DraftError[] {
	const parsed = schema.safeParse({
		name: draft.name,
		suppressionThreshold: draft.suppressionThreshold
	});
	if (parsed.success) return [];
	const { minValue, maxValue } = schema.shape.suppressionThreshold;
	const fields = byField(parsed.error.issues, (path) =>
		path[0] === 'name' ? 'trust-name' : path[0] === 'suppressionThreshold' ? 'threshold' : null
	);
	return [...fields].map(([field, issue]) => {
		if (field === 'trust-name') {
			return {
				field,
				message:
					issue.code === 'too_big'
						? `Keep the trust’s name to ${limit(issue)} characters or fewer.`
						: 'Give the trust a name.'
			};
		}
		const message =
			issue.code === 'too_small'
				? `The smallest group shown must be at least ${limit(issue)}.`
				: issue.code === 'too_big'
					? `The smallest group shown must be at most ${limit(issue)}.`
					: issue.code === 'invalid_type' && issue.expected === 'int'
						? 'The smallest group shown must be a whole number.'
						: // An emptied number box gives null; a browser may give NaN.
							`Give the smallest group shown: a whole number from ${minValue} to ${maxValue}.`;
		return { field, message };
	});
}

let settingsRules: SettingsRules | undefined;

/** What stops the trust's settings being saved as they stand; empty when they can be. */
export function trustSettingsProblems(
	draft: Pick<TrustSettings, 'name' | 'suppressionThreshold'>
): DraftError[] {
	settingsRules ??= TrustSettings.pick({ name: true, suppressionThreshold: true });
	return settingsProblemsBy(settingsRules, draft);
}

type Term = VisitCalendar['terms'][number];
const LISTS = ['focusAreas', 'documents', 'completedOnDay', 'activities'] as const;

/** A term of the calendar as its form types it: everything but its number. */
type TermRules = z.ZodObject<{
	focus: z.ZodType;
	focusAreas: z.ZodType;
	documents: z.ZodType;
	completedOnDay: z.ZodType;
	activities: z.ZodType;
}>;

/** The words for `issue`, found at `path` of a term. */
function termMessage(issue: Issue, path: Issue['path']): string {
	if (path[0] === 'focus') {
		return issue.code === 'too_big'
			? `Keep the focus to ${limit(issue)} characters or fewer.`
			: 'Give the term a focus.';
	}
	// A line of a list (its index follows the list's name), or the list itself.
	if (path.length > 1) {
		return issue.code === 'too_big'
			? `Keep each line to ${limit(issue)} characters or fewer.`
			: 'Leave no line empty.';
	}
	if (issue.code === 'too_big' && path[0] === 'focusAreas') {
		return `List at most ${limit(issue)} discussion areas.`;
	}
	return issue.code === 'too_big'
		? `List at most ${limit(issue)} items.`
		: 'This list cannot be saved as it stands.';
}

/**
 * What stops the visit calendar being saved as it stands (its terms as typed, one item a line),
 * by the rules of `schema`, a term's.
 */
export function calendarProblemsBy(
	schema: TermRules,
	terms: readonly Omit<Term, 'term'>[]
): DraftError[] {
	return terms.flatMap((t, i) => {
		// The form sends the focus trimmed; a focus of spaces alone is no focus.
		const parsed = schema.safeParse({ ...t, focus: t.focus.trim() });
		if (parsed.success) return [];
		const fields = byField(parsed.error.issues, (path) => {
			const name = path[0];
			return name === 'focus' || LISTS.includes(name as (typeof LISTS)[number])
				? `${String(name)}-${i}`
				: null;
		});
		// In the form's order: the focus, then each list.
		const order = ['focus', ...LISTS].map((name) => `${name}-${i}`);
		return [...fields]
			.sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
			.map(([field, issue]) => ({ field, message: termMessage(issue, issue.path) }));
	});
}

let termRules: TermRules | undefined;

/** What stops the visit calendar being saved as it stands (its terms as typed, one item a line). */
export function calendarProblems(terms: readonly Omit<Term, 'term'>[]): DraftError[] {
	termRules ??= VisitCalendar.shape.terms.element.omit({ term: true });
	return calendarProblemsBy(termRules, terms);
}
