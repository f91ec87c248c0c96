import { describe, expect, it } from 'vitest';
import type { AcademicYear } from '$lib/domain';
import { planDateWarning } from './plan-date';

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
			'25 Dec 2026 is in the school holiday between Autumn 2 and Spring 1.'
		);
		expect(planDateWarning(year, '2026-10-28')).toBe(
			'28 Oct 2026 is in the school holiday between Autumn 1 and Autumn 2.'
		);
	});

	it('says a weekend in term is one', () => {
		expect(planDateWarning(year, '2026-11-28')).toBe('28 Nov 2026 is a Saturday.');
		expect(planDateWarning(year, '2026-11-29')).toBe('29 Nov 2026 is a Sunday.');
	});

	it('says nothing of a school day, a term’s first and last days, or a date outside the year', () => {
		expect(planDateWarning(year, '2026-11-23')).toBeNull();
		expect(planDateWarning(year, '2026-11-02')).toBeNull();
		expect(planDateWarning(year, '2026-12-18')).toBeNull();
		expect(planDateWarning(year, '2027-08-10')).toBeNull();
		expect(planDateWarning(year, '2026-08-20')).toBeNull();
	});
});
