import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { year } from '../../../tests/unit/fixtures.ts';
import { proposeNextYear } from './year.ts';
import { termName, termOf, type AcademicYear } from './trust.ts';

const DAY = 86_400_000;
const addDays = (iso: string, n: number) =>
	new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

describe('the term a visit planned on a date is for', () => {
	// 2026-27: Autumn 1 ends Fri 23 Oct, Autumn 2 starts Mon 2 Nov; Autumn 2 ends Fri 18 Dec,
	// Spring 1 starts Tue 5 Jan 2027.
	it('is the term the date falls in', () => {
		expect(termOf(year, '2026-09-02')).toBe(1);
		expect(termOf(year, '2026-10-23')).toBe(1);
		expect(termOf(year, '2026-11-02')).toBe(2);
		expect(termOf(year, '2027-07-21')).toBe(6);
	});

	it('is the term after a holiday between two terms, not the one just ended', () => {
		// October half-term: the Autumn 2 visit, with Autumn 2's focus.
		expect(termOf(year, '2026-10-24')).toBe(2);
		expect(termOf(year, '2026-10-28')).toBe(2);
		expect(termOf(year, '2026-11-01')).toBe(2);
		// The Christmas holiday: Spring 1.
		expect(termOf(year, '2026-12-19')).toBe(3);
		expect(termOf(year, '2026-12-25')).toBe(3);
		expect(termOf(year, '2027-01-04')).toBe(3);
		// February half-term and Easter.
		expect(termOf(year, '2027-02-15')).toBe(4);
		expect(termOf(year, '2027-04-01')).toBe(5);
		expect(termOf(year, '2027-06-01')).toBe(6);
	});

	it('is none outside the year', () => {
		expect(termOf(year, '2026-09-01')).toBeNull();
		expect(termOf(year, '2027-07-22')).toBeNull();
		expect(termOf(year, '2027-08-31')).toBeNull();
	});

	// Any year the schema accepts: six terms in order, none overlapping, each of 1-60 days with
	// gaps of 0-30 days between them.
	const anyYear = fc
		.record({
			start: fc.date({
				min: new Date('2000-01-01T00:00:00Z'),
				max: new Date('2090-12-31T00:00:00Z'),
				noInvalidDate: true
			}),
			spans: fc.array(fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 30 })), {
				minLength: 6,
				maxLength: 6
			})
		})
		.map(({ start, spans }): AcademicYear => {
			let day = start.toISOString().slice(0, 10);
			const terms = spans.map(([length, gap], i) => {
				const term = { term: i + 1, name: `Term ${i + 1}`, start: day, end: addDays(day, length) };
				day = addDays(term.end, gap);
				return term;
			});
			return { ...year, terms };
		});

	it('is, for every date of any year, its own term in term time and the next one in a holiday', () => {
		fc.assert(
			fc.property(anyYear, fc.integer({ min: -40, max: 500 }), (y, offset) => {
				const date = addDays(y.terms[0]!.start, offset);
				const inTerm = y.terms.find((t) => t.start <= date && date <= t.end);
				const next = y.terms.find((t) => date < t.start);
				const last = y.terms[5]!;
				const expected =
					date < y.terms[0]!.start || date > last.end ? null : (inTerm?.term ?? next!.term);
				expect(termOf(y, date)).toBe(expected);
				// Never a term already over on that date.
				const t = termOf(y, date);
				if (t !== null) expect(y.terms[t - 1]!.end >= date).toBe(true);
			})
		);
	});

	it('holds in a year proposed from the last one', () => {
		const next = proposeNextYear(year);
		// 2027-28's Christmas holiday (Autumn 2 ends Fri 17 Dec 2027).
		expect(termOf(next, '2027-12-20')).toBe(3);
	});
});

describe('a term named alone', () => {
	it('gives the trust’s name and the seeds’ number, as a head and the CEO read both', () => {
		expect(termName(2)).toBe('Autumn 2 (term 2)');
		expect(termName(6)).toBe('Summer 2 (term 6)');
		// A trust that names its terms otherwise keeps its name; one that says the number already
		// is not told it twice.
		expect(termName(3, 'Lent 1')).toBe('Lent 1 (term 3)');
		expect(termName(3, 'Term 3')).toBe('Term 3');
	});
});
