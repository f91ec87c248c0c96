/**
 * en-GB dates, the way people in English schools write them. One place, written out by hand rather
 * than with Intl: making the four Intl formatters loads the locale's data, which cost a cold start
 * on a phone about 200 ms (4x throttled) before the first list could be drawn, and the words never
 * change. Months are abbreviated as current ICU writes them for en-GB ("Sept").
 */
import { londonDate } from './domain/london';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = [
	'Jan',
	'Feb',
	'Mar',
	'Apr',
	'May',
	'Jun',
	'Jul',
	'Aug',
	'Sept',
	'Oct',
	'Nov',
	'Dec'
];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * The calendar date of an ISO date, or of a moment in England (`londonDate`: a confirmation at
 * 00:30 in summer is on its own day, not the day before as its UTC date says), at midnight UTC.
 */
const dayOf = (iso: string) => new Date(`${londonDate(iso)}T00:00:00Z`);
const shortDate = (d: Date) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
const time = (d: Date) => `${two(d.getHours())}:${two(d.getMinutes())}`;

/** `2026-11-23` → `Mon 23 Nov 2026` (no comma after the weekday, as UK style writes it). */
export function formatDate(iso: string): string {
	const d = dayOf(iso);
	return `${WEEKDAYS[d.getUTCDay()]} ${shortDate(d)}`;
}

/** `2026-11-23` → `23 Nov 2026`. */
export function formatShortDate(iso: string): string {
	return shortDate(dayOf(iso));
}

/**
 * A moment as a date and time that stay true whenever they are read (`28 Nov 2026 at 09:57`), in
 * local time: for a record that is printed, saved as a PDF or handed on, where "today" would
 * become wrong.
 */
export function formatDateTime(iso: string): string {
	const d = new Date(iso);
	return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()} at ${time(d)}`;
}

/**
 * A moment, said relative to now when recent ("today at 14:05", "yesterday at 09:12"), in local
 * time. Only for live screens: a record someone may print uses `formatDateTime`.
 */
export function formatMoment(iso: string, now = new Date()): string {
	const d = new Date(iso);
	const day = (x: Date) => x.toDateString();
	if (day(d) === day(now)) return `today at ${time(d)}`;
	const yesterday = new Date(now);
	yesterday.setDate(now.getDate() - 1);
	if (day(d) === day(yesterday)) return `yesterday at ${time(d)}`;
	return formatDateTime(iso);
}

/** Today's date as yyyy-mm-dd in the device's own time zone. */
export function today(now = new Date()): string {
	const y = now.getFullYear();
	const m = String(now.getMonth() + 1).padStart(2, '0');
	const d = String(now.getDate()).padStart(2, '0');
	return `${y}-${m}-${d}`;
}

// Lives in the domain, whose sorts use it too.
export { compareIso } from './domain/compare';

export function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}

/**
 * Typed text as a sentence in running prose: trimmed, and ended with a full stop unless the person
 * already ended it (so "…behaviour." never prints as "…behaviour..").
 */
export function sentence(text: string): string {
	const t = text.trim();
	if (!t) return t;
	return /[.!?…:;]["'”’)]*$/.test(t) ? t : `${t}.`;
}

/**
 * A message that ends with a quotation, written with a full stop after it, keeps one stop: when
 * the quoted text already ends its sentence the added stop goes ("Removed the next step “…for
 * the first.”", never "…first.”.").
 */
export function singleStop(message: string): string {
	return message.replace(/([.!?…])(["'”’)]+)\.$/, '$1$2');
}
