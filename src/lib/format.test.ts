import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	compareIso,
	formatAt,
	formatDate,
	formatDateInWords,
	formatDateTime,
	formatDayMonth,
	formatMoment,
	formatShortDate,
	otherVersions,
	plural,
	sentenceStart,
	singleStop,
	today,
	versionLetter
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

	it('reads a date field back in words, as en-GB Intl writes it, and nothing for no date', () => {
		expect(formatDateInWords('2026-11-03')).toBe('Tuesday 3 November 2026');
		const long = new Intl.DateTimeFormat('en-GB', {
			weekday: 'long',
			day: 'numeric',
			month: 'long',
			year: 'numeric',
			timeZone: 'UTC'
		});
		fc.assert(
			fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 11, 31) }), (ms) => {
				const d = new Date(ms);
				const iso = d.toISOString().slice(0, 10);
				expect(formatDateInWords(iso)).toBe(long.format(d).replace(',', ''));
			})
		);
		for (const none of ['', null, undefined, '2026-02-30', '2026-13-01', '3/11/2026', 'x'])
			expect(formatDateInWords(none)).toBe('');
		fc.assert(fc.property(fc.string(), (s) => typeof formatDateInWords(s) === 'string'));
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

	// Every date and time a person reads is as in England, whatever the device's own zone: run
	// with TZ=America/Los_Angeles (or any zone) and these still hold.
	const inLondon = (options: Intl.DateTimeFormatOptions) =>
		new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'Europe/London' });
	const londonDay = inLondon({ day: 'numeric', month: 'short', year: 'numeric' });
	const londonTime = inLondon({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
	const londonIso = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });
	const anyMoment = fc.date({
		min: new Date('2000-01-01T00:00:00Z'),
		max: new Date('2099-12-31T00:00:00Z'),
		noInvalidDate: true
	});

	it('says today and yesterday for recent moments', () => {
		const now = new Date('2026-11-23T15:00:00Z');
		expect(formatMoment('2026-11-23T09:05:00Z', now)).toBe('today at 09:05');
		expect(formatMoment('2026-11-22T18:30:00Z', now)).toBe('yesterday at 18:30');
		// 1 October is in summer time: 08:00 UTC is 09:00 in England.
		expect(formatMoment('2026-10-01T08:00:00Z', now)).toBe('1 Oct 2026 at 09:00');
		// To the second, when asked (two versions typed within one minute).
		expect(formatMoment('2026-11-23T09:05:07.900Z', now, true)).toBe('today at 09:05:07');
		expect(formatMoment('2026-10-01T08:00:42Z', now, true)).toBe('1 Oct 2026 at 09:00:42');
	});

	it('decides today and yesterday by the day in England, across midnight and summer time', () => {
		// 00:10 on 2 June in England (23:10 UTC on 1 June).
		const justAfterMidnight = new Date('2026-06-01T23:10:00Z');
		expect(formatMoment('2026-06-01T23:05:00Z', justAfterMidnight)).toBe('today at 00:05');
		expect(formatMoment('2026-06-01T22:50:00Z', justAfterMidnight)).toBe('yesterday at 23:50');
		expect(formatMoment('2026-05-31T22:50:00Z', justAfterMidnight)).toBe('31 May 2026 at 23:50');
		// Summer time ends at 01:00 UTC on 25 October 2026: 01:30 comes twice that night.
		const sunday = new Date('2026-10-25T12:00:00Z');
		expect(formatMoment('2026-10-25T00:30:00Z', sunday)).toBe('today at 01:30');
		expect(formatMoment('2026-10-25T01:30:00Z', sunday)).toBe('today at 01:30');
		expect(formatMoment('2026-10-24T23:30:00Z', sunday)).toBe('today at 00:30');
		expect(formatMoment('2026-10-24T22:59:00Z', sunday)).toBe('yesterday at 23:59');
		// And begins at 01:00 UTC on 29 March 2026: 01:00 in England becomes 02:00.
		expect(formatMoment('2026-03-29T00:59:00Z', new Date('2026-03-29T09:00:00Z'))).toBe(
			'today at 00:59'
		);
		expect(formatMoment('2026-03-29T01:00:00Z', new Date('2026-03-29T09:00:00Z'))).toBe(
			'today at 02:00'
		);
		// A year's turn: 00:20 on 1 January (winter, so UTC) is today, 23:40 on 31 December yesterday.
		const newYear = new Date('2027-01-01T00:30:00Z');
		expect(formatMoment('2027-01-01T00:20:00Z', newYear)).toBe('today at 00:20');
		expect(formatMoment('2026-12-31T23:40:00Z', newYear)).toBe('yesterday at 23:40');
	});

	it('says today, yesterday or the date as Intl does in Europe/London', () => {
		const near = fc.tuple(anyMoment, fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }));
		fc.assert(
			fc.property(near, ([now, back]) => {
				const at = new Date(now.getTime() - Math.abs(back));
				const [nowDay, atDay] = [londonIso.format(now), londonIso.format(at)];
				const yesterday = new Date(Date.parse(`${nowDay}T12:00:00Z`) - 86_400_000)
					.toISOString()
					.slice(0, 10);
				const expected =
					atDay === nowDay
						? `today at ${londonTime.format(at)}`
						: atDay === yesterday
							? `yesterday at ${londonTime.format(at)}`
							: `${londonDay.format(at)} at ${londonTime.format(at)}`;
				expect(formatMoment(at.toISOString(), now)).toBe(expected);
			}),
			{ numRuns: 2000 }
		);
	});

	it('writes a moment for a printed record as a date and time, never "today"', () => {
		expect(formatDateTime('2026-11-28T09:57:00Z')).toBe('28 Nov 2026 at 09:57');
		// 00:30 in England on 2 June, in summer time.
		expect(formatDateTime('2026-06-01T23:30:00Z')).toBe('2 Jun 2026 at 00:30');
	});

	it('writes every date and time as Intl does in Europe/London', () => {
		fc.assert(
			fc.property(anyMoment, (d) => {
				expect(formatDateTime(d.toISOString())).toBe(
					`${londonDay.format(d)} at ${londonTime.format(d)}`
				);
			}),
			{ numRuns: 2000 }
		);
	});

	it('says briefly when a record was sent: the time today, else the day and time, in England', () => {
		const now = new Date('2026-06-02T08:00:00Z');
		expect(formatAt('2026-06-01T23:05:00Z', now)).toBe('at 00:05');
		expect(formatAt('2026-06-01T22:55:00Z', now)).toBe('on 1 Jun at 23:55');
		fc.assert(
			fc.property(anyMoment, anyMoment, (at, when) => {
				const time = londonTime.format(at);
				const dayMonth = inLondon({ day: 'numeric', month: 'short' }).format(at);
				expect(formatAt(at.toISOString(), when)).toBe(
					londonIso.format(at) === londonIso.format(when)
						? `at ${time}`
						: `on ${dayMonth} at ${time}`
				);
				expect(formatDayMonth(at.toISOString())).toBe(dayMonth);
			})
		);
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

	it('gives the date in England and plurals', () => {
		expect(today(new Date('2026-01-05T23:59:00Z'))).toBe('2026-01-05');
		// 00:30 on 2 June in England is still 1 June in UTC, and in most of the world west of it.
		expect(today(new Date('2026-06-01T23:30:00Z'))).toBe('2026-06-02');
		fc.assert(
			fc.property(anyMoment, (d) => {
				expect(today(d)).toBe(londonIso.format(d));
			})
		);
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

describe('the words of a choice between versions', () => {
	const held = (...inRecord: boolean[]) => inRecord.map((r) => ({ inRecord: r }));

	it('names versions by letter from A', () => {
		expect([0, 1, 2].map(versionLetter)).toEqual(['A', 'B', 'C']);
	});

	it('names the versions the record does not hold, in running prose', () => {
		expect(otherVersions(held(true, false))).toBe('version B');
		expect(otherVersions(held(false, true))).toBe('version A');
		expect(otherVersions(held(true, false, false))).toBe('versions B and C');
		expect(otherVersions(held(false, true, false, false))).toBe('versions A, C and D');
	});

	it('starts a sentence with a capital and leaves the rest as it was', () => {
		expect(sentenceStart('versions B and C')).toBe('Versions B and C');
		expect(sentenceStart('“Reading” in year 3')).toBe('“Reading” in year 3');
		expect(sentenceStart('')).toBe('');
	});
});
