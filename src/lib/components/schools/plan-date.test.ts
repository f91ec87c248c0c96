import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { termOf, type AcademicYear } from '$lib/domain';
import { nextYearId, planDateWarning, planYear } from './plan-date';

const year: AcademicYear = {
	_id: 'year:2026-27',
	type: 'academic-year',
	year: '2026-27',
	schemaVersion: 1,
	terms: [
		{ term: 1, name: 'Autumn 1', start: '2026-09-02', end: '2026-10-23' },
		{ term: 2, name: 'Autumn 2', start: '2026-11-02', end: '2026-12-18' },
		{ term: 3, name: 'Spring 1', start: '2027-01-05', end: '2027-02-12' },
		{ term: 4, name: 'Spring 2', start: '2027-02-22', end: '2027-03-26' },
		{ term: 5, name: 'Summer 1', start: '2027-04-12', end: '2027-05-28' },
		{ term: 6, name: 'Summer 2', start: '2027-06-07', end: '2027-07-21' }
	]
} as AcademicYear;

describe('a planned visit on a day the school is closed', () => {
	it('names the holiday a date between terms falls in', () => {
		expect(planDateWarning(year, '2026-12-25')).toBe(
			'Friday 25 December 2026 is in the school holiday between Autumn 2 and Spring 1.'
		);
		expect(planDateWarning(year, '2026-10-28')).toBe(
			'Wednesday 28 October 2026 is in the school holiday between Autumn 1 and Autumn 2.'
		);
	});

	it('says a weekend in term is one', () => {
		expect(planDateWarning(year, '2026-11-28')).toBe(
			'Saturday 28 November 2026 is at the weekend.'
		);
		expect(planDateWarning(year, '2026-11-29')).toBe('Sunday 29 November 2026 is at the weekend.');
	});

	it('says a date before the year’s first term is in the summer holiday before it', () => {
		expect(planDateWarning(year, '2026-08-20')).toBe(
			'Thursday 20 August 2026 is in the summer holiday before Autumn 1.'
		);
	});

	it('says nothing of a school day, a term’s first and last days, or a date after the year', () => {
		expect(planDateWarning(year, '2026-11-23')).toBeNull();
		expect(planDateWarning(year, '2026-11-02')).toBeNull();
		expect(planDateWarning(year, '2026-12-18')).toBeNull();
		expect(planDateWarning(year, '2027-08-10')).toBeNull();
	});
});

/** `year` moved on by whole years: "2027-28" with the same term dates a year later. */
function yearAfter(y: AcademicYear, n: number): AcademicYear {
	const id = Array.from({ length: n }).reduce<string>((id) => nextYearId(id), y.year);
	const shift = (d: string) => `${Number(d.slice(0, 4)) + n}${d.slice(4)}`;
	return {
		...y,
		_id: `year:${id}`,
		year: id,
		terms: y.terms.map((t) => ({ ...t, start: shift(t.start), end: shift(t.end) }))
	} as AcademicYear;
}

describe('the year and term a visit planned on a date is for', () => {
	const next = yearAfter(year, 1);

	it('is the next year’s first term for a date in the summer holiday between two years', () => {
		for (const date of ['2027-07-22', '2027-08-15', '2027-09-01']) {
			expect(planYear([next, year], date)).toEqual({ year: next, term: 1 });
		}
		// Before the first year on the device too: the summer before it.
		expect(planYear([year], '2026-08-20')).toEqual({ year, term: 1 });
	});

	it('names the year whose dates are missing for a date in the summer after the last year', () => {
		expect(planYear([year], '2027-08-10')).toEqual({ missing: '2027-28' });
		expect(nextYearId('2099-00')).toBe('2100-01');
		expect(nextYearId('2026-27')).toBe('2027-28');
	});

	it('finds no year for a date far from every year on the device', () => {
		expect(planYear([year], '2029-03-01')).toEqual({ missing: null });
		expect(planYear([year], '2025-11-01')).toEqual({ missing: null });
		expect(planYear([], '2026-11-01')).toEqual({ missing: null });
	});

	const day = fc
		.integer({ min: 0, max: 3 * 366 })
		.map((n) => new Date(Date.UTC(2026, 6, 1) + n * 86_400_000).toISOString().slice(0, 10));

	it('keeps every date inside a year’s terms where termOf puts it, and puts no date in a year it is after', () => {
		const years = [year, next, yearAfter(year, 2)];
		fc.assert(
			fc.property(day, fc.shuffledSubarray(years, { minLength: 1 }), (date, onDevice) => {
				const placed = planYear(onDevice, date);
				const holding = onDevice.find((y) => termOf(y, date) !== null);
				if (holding) {
					expect(placed).toEqual({ year: holding, term: termOf(holding, date) });
					return;
				}
				if ('year' in placed) {
					// A date no year holds is in the summer before the year chosen: its term 1.
					expect(placed.term).toBe(1);
					expect(date < placed.year.terms[0]!.start).toBe(true);
					const before = onDevice.filter((y) => y.terms[5]!.end < date);
					expect(before.every((y) => y.terms[0]!.start < placed.year.terms[0]!.start)).toBe(true);
				}
			})
		);
	});
});
