import type { School } from './school.ts';
import { SI_DAYS_ALLOWANCE } from './categories.ts';
import type { VisitRecord } from './visit.ts';
import { countsAgainstAllowance, type SiDaysCounting, type VisitType } from './visit-types.ts';

/**
 * SI days of a school's year against its category's allowance ("up to" so many days a year).
 * `planned` is every visit booked for the year, those that took place included; `used` is only
 * the visits that took place: begun (no longer just planned) on a day up to `asOf`. Only visits of
 * a type the trust counts (`siDaysCounting`) are in either.
 */
export interface SiDays {
	allowance: number;
	planned: number;
	used: number;
	overPlanned: boolean;
	overUsed: boolean;
}

type CountedVisit = Pick<VisitRecord, 'status' | 'date' | 'daysUsed' | 'visitType'>;

/** A visit took place when its record was begun and its day has come. */
export const tookPlace = (v: Pick<VisitRecord, 'status' | 'date'>, asOf: string): boolean =>
	v.status !== 'planned' && v.date <= asOf;

/** Adds quarter days without floating-point dust (0.25 steps are exact, but sums are kept so). */
const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 4) / 4;

/** The one rule for SI days, on every screen and report. `visits` are the year's visits. */
export function siDays(
	school: Pick<School, 'category'>,
	visits: readonly CountedVisit[],
	asOf: string,
	/** Which visit types the trust counts (`siDaysCounting(settings)`). */
	counting: SiDaysCounting,
	/** The year's allowance where the category changed during it (`allowanceForYear`). */
	allowance: number = SI_DAYS_ALLOWANCE[school.category]
): SiDays {
	const counted = visits.filter((v) => countsAgainstAllowance(v, counting));
	const planned = sum(counted.map((v) => v.daysUsed));
	const used = sum(counted.filter((v) => tookPlace(v, asOf)).map((v) => v.daysUsed));
	return { allowance, planned, used, overPlanned: planned > allowance, overUsed: used > allowance };
}

/**
 * SI days after planning one more visit of `days`: whether it goes past the allowance. A visit of
 * a type the trust does not count never does (`counted` false).
 */
export function planningPastAllowance(
	school: Pick<School, 'category'>,
	visits: readonly CountedVisit[],
	days: number,
	asOf: string,
	counting: SiDaysCounting,
	visitType: VisitType = 'termly'
): { after: SiDays; past: boolean; counted: boolean } {
	const after = siDays(
		school,
		[...visits, { status: 'planned', date: asOf, daysUsed: days, visitType }],
		asOf,
		counting
	);
	const counted = counting[visitType];
	return { after, past: counted && after.overPlanned, counted };
}

/**
 * How long a new visit is planned for: the trust's calendar has six termly visits, so a school
 * whose allowance is under six days gets the share that keeps the six within it (half a day for
 * categories 1 and 2a, three quarters for 2b), rounded down to a quarter day; otherwise a day.
 */
export function defaultVisitDays(school: Pick<School, 'category'>, visitsInCalendar = 6): number {
	const share = SI_DAYS_ALLOWANCE[school.category] / visitsInCalendar;
	return Math.min(1, Math.max(0.25, Math.floor(share * 4) / 4));
}

/** A new visit of `type`: a termly visit its share of the calendar's (above); any other a day. */
export const plannedDaysFor = (school: Pick<School, 'category'>, type: VisitType): number =>
	type === 'termly' ? defaultVisitDays(school) : 1;

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/**
 * In words, the same on every screen: "Used: 2 days of up to 3" and "Planned: 4 days of up to 3
 * (1 day over the allowance); 2 days still to come". Planned counts every visit booked, those that
 * took place too, so it says how much of it is still to come; with nothing still to come it would
 * repeat the used figure (two lines with the same figure read as one said twice), so `planned` is
 * null and only the used line is shown.
 */
export function siDaysText(d: SiDays): { planned: string | null; used: string } {
	const quarter = (n: number) => Math.round(n * 4) / 4;
	const over = (n: number) =>
		n > d.allowance ? ` (${days(quarter(n - d.allowance))} over the allowance)` : '';
	const toCome = quarter(d.planned - d.used);
	return {
		planned:
			toCome > 0
				? `Planned: ${days(d.planned)} of up to ${d.allowance}${over(d.planned)}; ${days(toCome)} still to come`
				: null,
		used: `Used: ${days(d.used)} of up to ${d.allowance}${over(d.used)}`
	};
}
