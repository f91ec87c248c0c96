// No zod here: the app's first chunk dates moments with this (through `$lib/format`).

const HOUR = 3_600_000;

/** 01:00 UTC on the last Sunday of `month` (0-11, a month of 31 days) in `year`, in ms. */
function lastSundayAt1(year: number, month: number): number {
	const last = Date.UTC(year, month, 31);
	return last - new Date(last).getUTCDay() * 24 * HOUR + HOUR;
}

/**
 * The wall clock in England at the moment `ms`, as a Date whose UTC fields read it (its
 * `getUTCHours()` is the hour shown on a clock in England). Summer time runs from 01:00 UTC on the
 * last Sunday of March to 01:00 UTC on the last Sunday of October (the Summer Time Order 2002),
 * worked out by hand rather than with Intl, whose time zone data costs a cold start (see
 * `$lib/format`).
 */
export function londonClock(ms: number): Date {
	const year = new Date(ms).getUTCFullYear();
	const summer = ms >= lastSundayAt1(year, 2) && ms < lastSundayAt1(year, 9);
	return new Date(ms + (summer ? HOUR : 0));
}

/**
 * The date in England (`yyyy-mm-dd`) of a moment written in ISO (`2026-06-01T23:30:00.000Z`): a
 * headteacher's confirmation at 00:30 in British Summer Time is on the day it was given, not the
 * day before as its UTC date says (`londonClock`). A date without a time, or a moment that cannot
 * be read, is given back as its first ten characters.
 */
export function londonDate(iso: string): string {
	if (iso.length <= 10) return iso;
	const ms = Date.parse(iso);
	if (Number.isNaN(ms)) return iso.slice(0, 10);
	return londonClock(ms).toISOString().slice(0, 10);
}
