import { AcademicYear, academicYearDocId } from './trust.ts';
import type { NextStep, NextStepStatus } from './visit.ts';
import {
	lastYearFrom,
	type AttainmentBooklet,
	type AttainmentFramework
} from './attainment-schema.ts';

/** `2026-27` → `2027-28`. */
export function nextYearId(year: string): string {
	const start = Number(year.slice(0, 4)) + 1;
	return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** `2026-27` → `2025-26`. */
export function previousYearId(year: string): string {
	const start = Number(year.slice(0, 4)) - 1;
	return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

const DAY = 86_400_000;
const shift = (iso: string, days: number) =>
	new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/**
 * A first draft of the year after `year`, for the administrator to correct against the local
 * authority's dates: each term 52 weeks on, so it starts on the same weekday.
 */
export function proposeNextYear(year: AcademicYear): AcademicYear {
	const id = nextYearId(year.year);
	return {
		_id: academicYearDocId(id),
		schemaVersion: year.schemaVersion,
		type: 'academic-year',
		year: id,
		terms: year.terms.map((t) => ({ ...t, start: shift(t.start, 364), end: shift(t.end, 364) }))
	};
}

/**
 * What is wrong with a year's term dates, naming the first term at fault ("Autumn 1 ends before
 * it starts."), so the administrator knows which date to change (WCAG 3.3.1); null when they are
 * in order, each term starting before it ends and after the one before has ended.
 */
export function termDatesProblem(
	terms: readonly { name: string; start: string; end: string }[]
): string | null {
	const isDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d);
	for (const [i, t] of terms.entries()) {
		if (!isDate(t.start)) return `Give the date ${t.name} starts.`;
		if (!isDate(t.end)) return `Give the date ${t.name} ends.`;
		if (t.end < t.start) return `${t.name} ends before it starts.`;
		const before = terms[i - 1];
		if (before && t.start <= before.end) return `${t.name} starts before ${before.name} ends.`;
	}
	return null;
}

/**
 * The next steps still open at the end of `from`, moved into `to` with a note of the move. Done
 * steps stay in the year they were done; a step moved before is not moved again.
 */
export function carryOver(
	steps: readonly NextStep[],
	statusOf: (id: string) => NextStepStatus,
	from: string,
	to: string,
	stamp: { by: string; at: string }
): NextStep[] {
	return steps
		.filter((s) => s.year === from && statusOf(s._id) !== 'done')
		.map((s) => ({
			...s,
			year: to,
			carriedOver: [...(s.carriedOver ?? []), { from, to, by: stamp.by, at: stamp.at }]
		}));
}

/** A new year's booklet starts with last year's outcomes, so the charts can show the change. */
export function withLastYear(
	fresh: AttainmentBooklet,
	previous: AttainmentBooklet | null,
	framework: AttainmentFramework | null
): AttainmentBooklet {
	if (!previous || !framework) return fresh;
	const lastYear = lastYearFrom(previous, framework);
	return Object.keys(lastYear).length ? { ...fresh, lastYear } : fresh;
}

/**
 * Whether a next step belongs to a year's records: the year it is in now, or a year it was carried
 * over from, so a year's overview and reports still show the steps agreed in it.
 */
export const stepInYear = (step: Pick<NextStep, 'year' | 'carriedOver'>, year: string): boolean =>
	step.year === year || (step.carriedOver ?? []).some((c) => c.from === year);

/** Where the trust's years stand today, for the administrator's years screen. */
export interface YearsNow {
	/** The year under way: the latest to have begun, or null before the first begins. */
	current: AcademicYear | null;
	/** The next year, created but not yet begun: its term dates entered early. */
	upcoming: AcademicYear | null;
	/**
	 * Whether the year after the latest may be created now. Only one year ahead of the year under
	 * way: local authorities publish term dates about a year ahead, and a second year ahead could
	 * only be a guess.
	 */
	mayCreate: boolean;
	/** The move of open next steps offered now: from the year before the year under way into it. */
	carry: { from: string; to: string } | null;
}

/**
 * Where `years` (in order) stand on `today`. Open next steps move into a year only once it has
 * begun: a step agreed for this summer stays in this year while next year's dates are entered.
 */
export function yearsNow(years: readonly AcademicYear[], today: string): YearsNow {
	const begun = years.filter((y) => (y.terms[0]?.start ?? '') <= today);
	const current = begun.at(-1) ?? null;
	const latest = years.at(-1) ?? null;
	const upcoming = latest && latest !== current ? latest : null;
	const from = current ? previousYearId(current.year) : null;
	return {
		current,
		upcoming,
		mayCreate: !!latest && latest === current,
		carry: current && from && years.some((y) => y.year === from) ? { from, to: current.year } : null
	};
}
