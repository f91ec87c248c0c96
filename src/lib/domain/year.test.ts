import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextStep, year } from '../../../tests/unit/fixtures.ts';
import {
	cellKey,
	DEFAULT_ATTAINMENT_FRAMEWORK as F,
	newAttainmentBooklet
} from './attainment-schema.ts';
import { AcademicYear, termOf } from './trust.ts';
import { NextStep, type NextStepStatus } from './visit.ts';
import {
	carryOver,
	nextYearId,
	previousYearId,
	proposeNextYear,
	stepInYear,
	termDatesProblem,
	withLastYear,
	yearsNow
} from './year.ts';

describe('the next academic year', () => {
	it('names the years either side', () => {
		expect(nextYearId('2026-27')).toBe('2027-28');
		expect(nextYearId('2099-00')).toBe('2100-01');
		expect(previousYearId('2026-27')).toBe('2025-26');
		expect(previousYearId('2000-01')).toBe('1999-00');
	});

	it('proposes terms 52 weeks on, each starting on the same weekday', () => {
		const next = proposeNextYear(year);
		expect(AcademicYear.parse(next).year).toBe('2027-28');
		// Autumn 1 of 2026-27 runs Wed 2 Sep to Fri 23 Oct 2026: 2027-28's runs Wed 1 Sep to Fri 22 Oct.
		expect(next.terms[0]).toMatchObject({ start: '2027-09-01', end: '2027-10-22' });
		// Summer 2: Mon 7 Jun to Wed 21 Jul 2027 → Mon 5 Jun to Wed 19 Jul 2028 (a leap year between).
		expect(next.terms[5]).toMatchObject({ start: '2028-06-05', end: '2028-07-19' });
		expect(termOf(next, '2028-01-10')).toBe(3);
	});
});

describe('what the administrator may do with the years today', () => {
	// 2026-27 starts on 2 Sep 2026; 2027-28, entered early, on 1 Sep 2027.
	const next = proposeNextYear(year);
	const yearEarlier = (iso: string) => `${Number(iso.slice(0, 4)) - 1}${iso.slice(4)}`;
	const before = {
		...year,
		_id: 'year:2025-26',
		year: '2025-26',
		terms: year.terms.map((t) => ({ ...t, start: yearEarlier(t.start), end: yearEarlier(t.end) }))
	};

	it('creates one year ahead of the year under way, not two', () => {
		expect(yearsNow([year], '2026-11-28')).toMatchObject({ mayCreate: true, upcoming: null });
		const early = yearsNow([year, next], '2026-11-28');
		expect(early.current?.year).toBe('2026-27');
		expect(early.upcoming?.year).toBe('2027-28');
		expect(early.mayCreate).toBe(false);
		// Once 2027-28 has begun, 2028-29 may be created.
		expect(yearsNow([year, next], '2027-09-01')).toMatchObject({ mayCreate: true, upcoming: null });
	});

	it('offers to carry open steps into a year only once it has begun', () => {
		expect(yearsNow([year, next], '2027-08-31').carry).toBeNull();
		expect(yearsNow([year, next], '2027-09-01').carry).toEqual({ from: '2026-27', to: '2027-28' });
		// Still offered later in the year, for steps still open then.
		expect(yearsNow([year, next], '2028-03-01').carry).toEqual({ from: '2026-27', to: '2027-28' });
	});

	it('offers nothing to carry from a year the trust never had', () => {
		expect(yearsNow([year], '2026-11-28').carry).toBeNull();
		expect(yearsNow([before, year], '2026-11-28').carry).toEqual({
			from: '2025-26',
			to: '2026-27'
		});
	});

	it('creates nothing ahead while no year has begun', () => {
		expect(yearsNow([next], '2026-11-28')).toMatchObject({
			current: null,
			mayCreate: false,
			carry: null
		});
		expect(yearsNow([], '2026-11-28').mayCreate).toBe(false);
	});
});

describe('carrying open next steps into the new year', () => {
	const stamp = { by: 'trust-admin', at: '2027-07-25T09:00:00.000Z' };
	const open = nextStep({ _id: 'next-step:2026-27:a', action: 'Phonics catch-up groups' });
	const started = nextStep({ _id: 'next-step:2026-27:b', action: 'Attendance letters' });
	const done = nextStep({ _id: 'next-step:2026-27:c', action: 'Website policies' });
	const older = nextStep({ _id: 'next-step:2025-26:d', year: '2025-26', action: 'Older' });
	const status: Record<string, NextStepStatus> = {
		'next-step:2026-27:b': 'in-progress',
		'next-step:2026-27:c': 'done'
	};
	const statusOf = (id: string) => status[id] ?? 'open';

	it('moves the open and started steps, not the done one nor another year’s', () => {
		const moved = carryOver([open, started, done, older], statusOf, '2026-27', '2027-28', stamp);
		expect(moved.map((s) => s.action)).toEqual(['Phonics catch-up groups', 'Attendance letters']);
		for (const s of moved) {
			expect(NextStep.parse(s).year).toBe('2027-28');
			// The same document: its progress updates, which name it, stay its history.
			expect(s._id.startsWith('next-step:2026-27:')).toBe(true);
			expect(s.carriedOver).toEqual([{ from: '2026-27', to: '2027-28', ...stamp }]);
		}
	});

	it('adds to a step’s earlier moves, and does not move a step twice', () => {
		const [once] = carryOver([older], statusOf, '2025-26', '2026-27', stamp);
		const [twice] = carryOver([once!], statusOf, '2026-27', '2027-28', stamp);
		expect(twice!.carriedOver!.map((c) => `${c.from}→${c.to}`)).toEqual([
			'2025-26→2026-27',
			'2026-27→2027-28'
		]);
		expect(carryOver([twice!], statusOf, '2026-27', '2027-28', stamp)).toEqual([]);
	});

	it('still counts a moved step in the year it was agreed, and in the year it moved to', () => {
		const [moved] = carryOver([open], statusOf, '2026-27', '2027-28', stamp);
		expect(stepInYear(moved!, '2026-27')).toBe(true);
		expect(stepInYear(moved!, '2027-28')).toBe(true);
		expect(stepInYear(moved!, '2025-26')).toBe(false);
		expect(stepInYear(done, '2027-28')).toBe(false);
	});
});

describe('last year’s figures in a new booklet', () => {
	it('starts 2027-28 with 2026-27’s end-of-year outcomes, for the charts across years', () => {
		const last = newAttainmentBooklet('oakfield', '2026-27', 'sil', '2027-07-10T09:00:00Z');
		last.cells[cellKey('ks2-rwm-exs', 'all', 'end-of-year')] = { cohort: 30, count: 21 };
		last.cells[cellKey('ks2-rwm-exs', 'all', 'autumn')] = { cohort: 30, count: 15 };
		const fresh = newAttainmentBooklet('oakfield', '2027-28', 'sil', '2027-09-10T09:00:00Z');
		expect(withLastYear(fresh, last, F).lastYear).toEqual({
			'ks2-rwm-exs:all': { cohort: 30, count: 21 }
		});
		expect(withLastYear(fresh, null, F)).toEqual(fresh);
	});
});

describe('what is wrong with a year’s term dates', () => {
	const shiftDays = (iso: string, n: number) =>
		new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
	const terms = () => proposeNextYear(year).terms.map((t) => ({ ...t }));

	it('is nothing when the terms are in order', () => {
		expect(termDatesProblem(terms())).toBeNull();
	});

	it('names the first term at fault, and which of its dates', () => {
		const ends = terms();
		ends[0]!.start = '2027-10-30';
		expect(termDatesProblem(ends)).toBe('Autumn 1 ends before it starts.');
		const overlaps = terms();
		overlaps[2]!.start = overlaps[1]!.end;
		expect(termDatesProblem(overlaps)).toBe('Spring 1 starts before Autumn 2 ends.');
		const empty = terms();
		empty[4]!.end = '';
		expect(termDatesProblem(empty)).toBe('Give the date Summer 1 ends.');
	});

	it('finds a fault wherever the year itself would be refused for its terms', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: -60, max: 60 }), { minLength: 12, maxLength: 12 }),
				(shifts) => {
					const moved = terms().map((t, i) => ({
						...t,
						start: shiftDays(t.start, shifts[2 * i]!),
						end: shiftDays(t.end, shifts[2 * i + 1]!)
					}));
					const refused = !AcademicYear.safeParse({ ...proposeNextYear(year), terms: moved })
						.success;
					expect(termDatesProblem(moved) !== null).toBe(refused);
				}
			)
		);
	});
});
