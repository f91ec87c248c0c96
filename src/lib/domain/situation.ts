import type { AcademicYear } from './trust.ts';
import { SI_DAYS_ALLOWANCE } from './categories.ts';
import type { School, Situation, SituationChange } from './school.ts';

/** The situation as the school's registry document holds it now. */
export function currentSituation(school: School): Situation {
	return {
		category: school.category,
		strand: school.strand,
		...(school.carterStage ? { carterStage: school.carterStage } : {})
	};
}

/** Changes in the order they took effect; two on the same day in the order they were recorded. */
export function changesInOrder(school: School): SituationChange[] {
	return [...(school.history ?? [])].sort(
		(a, b) => a.on.localeCompare(b.on) || a.at.localeCompare(b.at)
	);
}

/**
 * The school's situation on a date: after the last change that had taken effect by then, or before
 * the first change if none had. A school with no recorded changes has always been as it is now.
 */
export function situationOn(school: School, date: string): Situation {
	const changes = changesInOrder(school);
	if (changes.length === 0) return currentSituation(school);
	let found: Situation = changes[0]!.from;
	for (const c of changes) if (c.on <= date) found = c.to;
	return found;
}

/** SI days the school may receive in a year, by its category on a date. */
export function allowanceOn(school: School, date: string): number {
	return SI_DAYS_ALLOWANCE[situationOn(school, date).category];
}

/**
 * The allowance for an academic year follows the category in force: today's while the year runs,
 * the category at the year's end once it is over, and the category it starts with before it starts.
 * A re-categorised school's allowance changes from the day the change takes effect, for the whole
 * year ("up to" so many days a year), never as a share of it.
 */
export function allowanceForYear(school: School, year: AcademicYear, today: string): number {
	const start = year.terms[0]?.start ?? today;
	const end = year.terms[year.terms.length - 1]?.end ?? today;
	const date = today < start ? start : today > end ? end : today;
	return allowanceOn(school, date);
}

export const sameSituation = (a: Situation, b: Situation): boolean =>
	a.category === b.category &&
	a.strand === b.strand &&
	(a.carterStage ?? null) === (b.carterStage ?? null);

/** What an administrator fills in to change a school's situation. */
export interface SituationChangeInput {
	to: Situation;
	on: string;
	reason: string;
}

/**
 * The school with a change of situation recorded, or the reason it cannot be, in plain words. The
 * change's "before" is the situation on the day it takes effect, so a change recorded late slots in
 * where it belongs; the registry's fields are the situation after the latest change.
 */
export function recordSituationChange(
	school: School,
	input: SituationChangeInput,
	stamp: { id: string; by: string; at: string; today: string }
): { ok: true; school: School } | { ok: false; reason: string } {
	const to: Situation = {
		category: input.to.category,
		strand: input.to.strand,
		...(input.to.strand === 'corrective' && input.to.carterStage
			? { carterStage: input.to.carterStage }
			: {})
	};
	if (!/^\d{4}-\d{2}-\d{2}$/.test(input.on)) {
		return { ok: false, reason: 'Give the date the change took effect.' };
	}
	if (input.on > stamp.today) {
		return { ok: false, reason: 'Record a change once it has taken effect, not before.' };
	}
	if (input.reason.trim() === '') return { ok: false, reason: 'Say why the situation changed.' };
	if (to.strand === 'corrective' && !to.carterStage) {
		return { ok: false, reason: 'A school on the corrective strand needs a Carter stage.' };
	}
	if (school.closed) return { ok: false, reason: 'This school has closed.' };
	const from = situationOn(school, input.on);
	if (sameSituation(from, to)) {
		return { ok: false, reason: 'Nothing has changed from the school’s situation on that date.' };
	}
	const change: SituationChange = {
		id: stamp.id,
		on: input.on,
		from,
		to,
		reason: input.reason.trim(),
		by: stamp.by,
		at: stamp.at
	};
	const history = [...(school.history ?? []), change];
	const latest = changesInOrder({ ...school, history }).at(-1)!.to;
	const { carterStage: _old, ...rest } = school;
	void _old;
	return {
		ok: true,
		school: {
			...rest,
			category: latest.category,
			strand: latest.strand,
			...(latest.carterStage ? { carterStage: latest.carterStage } : {}),
			history
		}
	};
}
