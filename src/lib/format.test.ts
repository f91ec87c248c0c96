import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	compareIso,
	formatDate,
	formatDateTime,
	formatMoment,
	formatShortDate,
	plural,
	singleStop,
	today
} from './format';

describe('en-GB formatting', () => {
	it('writes dates day first with the weekday', () => {
		expect(formatDate('2026-11-23')).toBe('Mon 23 Nov 2026');
		expect(formatShortDate('2027-07-21T10:00:00Z')).toBe('21 Jul 2027');
	});

	it('writes every month and weekday as en-GB Intl does', () => {
		const intl = new Intl.DateTimeFormat('en-GB', {
			day: 'numeric',
			month: 'short',
			year: 'numeric',
			timeZone: 'UTC'
		});
		const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' });
		for (let m = 0; m < 12; m++) {
			for (const day of [1, 9, 28]) {
				const iso = `2027-${String(m + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
				const d = new Date(`${iso}T00:00:00Z`);
				expect(formatShortDate(iso)).toBe(intl.format(d));
				expect(formatDate(iso)).toBe(`${weekday.format(d)} ${intl.format(d)}`);
			}
		}
	});

	it('dates a moment on its day in England, summer time included', () => {
		// 00:30 on 2 June in British Summer Time is 23:30 UTC on 1 June.
		expect(formatShortDate('2026-06-01T23:30:00.000Z')).toBe('2 Jun 2026');
		expect(formatDate('2026-06-01T23:30:00.000Z')).toBe('Tue 2 Jun 2026');
		// In winter England keeps UTC.
		expect(formatShortDate('2026-11-27T23:30:00.000Z')).toBe('27 Nov 2026');
		// Summer time begins at 01:00 UTC on the last Sunday of March and ends at 01:00 UTC on the
		// last Sunday of October (29 March and 25 October in 2026).
		expect(formatShortDate('2026-03-29T00:30:00Z')).toBe('29 Mar 2026');
		expect(formatShortDate('2026-03-29T23:30:00Z')).toBe('30 Mar 2026');
		expect(formatShortDate('2026-10-24T23:30:00Z')).toBe('25 Oct 2026');
		expect(formatShortDate('2026-10-25T23:30:00Z')).toBe('25 Oct 2026');
		// A date without a time is that date.
		expect(formatShortDate('2026-06-01')).toBe('1 Jun 2026');
	});

	it('dates every moment as Intl does in Europe/London', () => {
		const london = new Intl.DateTimeFormat('en-GB', {
			day: 'numeric',
			month: 'short',
			year: 'numeric',
			timeZone: 'Europe/London'
		});
		fc.assert(
			fc.property(
				fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z') }),
				(d) => {
					fc.pre(!Number.isNaN(d.getTime()));
					expect(formatShortDate(d.toISOString())).toBe(london.format(d));
				}
			),
			{ numRuns: 2000 }
		);
	});

	it('says today and yesterday for recent moments', () => {
		const now = new Date(2026, 10, 23, 15, 0);
		expect(formatMoment(new Date(2026, 10, 23, 9, 5).toISOString(), now)).toBe('today at 09:05');
		expect(formatMoment(new Date(2026, 10, 22, 18, 30).toISOString(), now)).toBe(
			'yesterday at 18:30'
		);
		expect(formatMoment(new Date(2026, 9, 1, 8, 0).toISOString(), now)).toBe('1 Oct 2026 at 08:00');
	});

	it('writes a moment for a printed record as a date and time, never "today"', () => {
		const moment = new Date(2026, 10, 28, 9, 57).toISOString();
		expect(formatDateTime(moment)).toBe('28 Nov 2026 at 09:57');
	});

	it('ends a message that quotes a full sentence with one stop, not two', () => {
		expect(singleStop('Removed the next step “Plan phonics for the first.”.')).toBe(
			'Removed the next step “Plan phonics for the first.”'
		);
		expect(singleStop('Removed the look-for “Is it clear?”.')).toBe(
			'Removed the look-for “Is it clear?”'
		);
		expect(singleStop('Removed the area “Wow!”.')).toBe('Removed the area “Wow!”');
		expect(singleStop('Removed the area “Maths” and its notes.')).toBe(
			'Removed the area “Maths” and its notes.'
		);
		expect(singleStop('Removed the next step “Share the spine”.')).toBe(
			'Removed the next step “Share the spine”.'
		);
	});

	it('gives the local date and plurals', () => {
		expect(today(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
		expect(plural(1, 'change')).toBe('1 change');
		expect(plural(3, 'change')).toBe('3 changes');
	});
});

describe('ordering ISO dates, times and years', () => {
	const moment = fc
		.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
		.map((d) => d.toISOString());
	const iso = fc.oneof(
		moment,
		moment.map((t) => t.slice(0, 10)),
		fc
			.integer({ min: 2000, max: 2098 })
			.map((y) => `${y}-${String((y + 1) % 100).padStart(2, '0')}`)
	);

	it('orders them as dates, as the collation it replaces did', () => {
		fc.assert(
			fc.property(iso, iso, (a, b) => {
				expect(Math.sign(compareIso(a, b))).toBe(Math.sign(a.localeCompare(b)));
			})
		);
		fc.assert(
			fc.property(moment, moment, (a, b) => {
				expect(Math.sign(compareIso(a, b))).toBe(Math.sign(Date.parse(a) - Date.parse(b)));
			})
		);
	});

	it('sorts a list of due dates, undated last', () => {
		const due = ['2027-03-01', '', '2026-10-20', '2026-09-30T10:00:00.000Z'];
		expect(due.sort((a, b) => compareIso(a || '9', b || '9'))).toEqual([
			'2026-09-30T10:00:00.000Z',
			'2026-10-20',
			'2027-03-01',
			''
		]);
	});
});
