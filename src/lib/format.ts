/**
 * en-GB dates, the way people in English schools write them. One place, written out by hand rather
 * than with Intl: making the four Intl formatters loads the locale's data, which cost a cold start
 * on a phone about 200 ms (4x throttled) before the first list could be drawn, and the words never
 * change. Months are abbreviated as current ICU writes them for en-GB ("Sept").
 */
import { londonClock, londonDate } from './domain/london';

const LONG_WEEKDAYS = [
	'Sunday',
	'Monday',
	'Tuesday',
	'Wednesday',
	'Thursday',
	'Friday',
	'Saturday'
];
const LONG_MONTHS = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];
const WEEKDAYS = LONG_WEEKDAYS.map((w) => w.slice(0, 3));
/** Three letters, but September is "Sept". */
const MONTHS = LONG_MONTHS.map((m) => m.slice(0, m === 'September' ? 4 : 3));
const two = (n: number) => String(n).padStart(2, '0');

/**
 * The calendar date of an ISO date, or of a moment in England (`londonDate`: a confirmation at
 * 00:30 in summer is on its own day, not the day before as its UTC date says), at midnight UTC.
 */
const dayOf = (iso: string) => new Date(`${londonDate(iso)}T00:00:00Z`);
const shortDate = (d: Date) => `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
/** The time on a clock in England at a moment (`14:05`, or `14:05:37` with its seconds). */
const time = (iso: string, seconds = false) => {
	const c = londonClock(Date.parse(iso));
	const hm = `${two(c.getUTCHours())}:${two(c.getUTCMinutes())}`;
	return seconds ? `${hm}:${two(c.getUTCSeconds())}` : hm;
};
/** The date in England before `day` (both yyyy-mm-dd). */
const dayBefore = (day: string) =>
	new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** `2026-11-23` → `Mon 23 Nov 2026` (no comma after the weekday, as UK style writes it). */
export function formatDate(iso: string): string {
	const d = dayOf(iso);
	return `${WEEKDAYS[d.getUTCDay()]} ${shortDate(d)}`;
}

/**
 * A date field's value read back in words (`2026-11-03` → `Tuesday 3 November 2026`), as a date
 * field in a browser set to American English shows it as 11/03/2026; '' for anything that is not a
 * date (a field left empty).
 */
export function formatDateInWords(value: string | null | undefined): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
	if (!m) return '';
	const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
	if (d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) return '';
	return `${LONG_WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${LONG_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `2026-11-23` → `23 Nov 2026`. */
export function formatShortDate(iso: string): string {
	return shortDate(dayOf(iso));
}

/** A moment's day in England without its year (`28 Nov`), for a line that is read at once. */
export function formatDayMonth(iso: string): string {
	const d = dayOf(iso);
	return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/**
 * A moment as a date and time that stay true whenever they are read (`28 Nov 2026 at 09:57`), in
 * England whatever the device's time zone (a laptop left on UTC, or taken abroad, prints the
 * trust's time): for a record that is printed, saved as a PDF or handed on, where "today" would
 * become wrong.
 */
export function formatDateTime(iso: string): string {
	return `${formatShortDate(iso)} at ${time(iso)}`;
}

/**
 * A moment, said relative to now when recent ("today at 14:05", "yesterday at 09:12"), today and
 * the time both as in England. Only for live screens: a record someone may print uses
 * `formatDateTime`. With `seconds`, to the second (`today at 14:05:37`).
 */
export function formatMoment(iso: string, now = new Date(), seconds = false): string {
	const day = londonDate(iso);
	const current = today(now);
	if (day === current) return `today at ${time(iso, seconds)}`;
	if (day === dayBefore(current)) return `yesterday at ${time(iso, seconds)}`;
	return `${formatShortDate(iso)} at ${time(iso, seconds)}`;
}

/**
 * A moment said briefly on a live screen: `at 14:05` when it was today in England, otherwise
 * `on 28 Nov at 14:05`.
 */
export function formatAt(iso: string, now = new Date()): string {
	return londonDate(iso) === today(now)
		? `at ${time(iso)}`
		: `on ${formatDayMonth(iso)} at ${time(iso)}`;
}

/**
 * Today's date in England as yyyy-mm-dd: the day a visit, a due date or a term is measured
 * against is the trust's, not that of a device whose clock is set to another zone.
 */
export function today(now = new Date()): string {
	return londonDate(now.toISOString());
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

/** Text that starts a sentence: its first letter a capital ("version B" → "Version B"). */
export function sentenceStart(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The letter naming the `i`th version of a text two places changed differently: A, B, C… */
export function versionLetter(i: number): string {
	return String.fromCharCode(65 + i);
}

/**
 * The versions a confirmed record does not hold, by letter, in running prose: "version B",
 * "versions B and C", "versions B, C and D".
 */
export function otherVersions(options: readonly { inRecord: boolean }[]): string {
	const letters = options.flatMap((o, i) => (o.inRecord ? [] : [versionLetter(i)]));
	const last = letters.pop();
	return letters.length === 0 ? `version ${last}` : `versions ${letters.join(', ')} and ${last}`;
}

/**
 * A message that ends with a quotation, written with a full stop after it, keeps one stop: when
 * the quoted text already ends its sentence the added stop goes ("Removed the next step “…for
 * the first.”", never "…first.”.").
 */
export function singleStop(message: string): string {
	return message.replace(/([.!?…])(["'”’)]+)\.$/, '$1$2');
}
