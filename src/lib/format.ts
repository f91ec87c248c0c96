/** en-GB dates, the way people in English schools write them. One place, built on Intl. */
const weekdayFmt = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' });
const shortDateFmt = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'short',
	year: 'numeric',
	timeZone: 'UTC'
});
const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'short',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit'
});

/** `2026-11-23` → `Mon 23 Nov 2026`. */
export function formatDate(iso: string): string {
	const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
	// Composed by hand: ICU puts a comma after the weekday, which UK style does not.
	return `${weekdayFmt.format(d)} ${shortDateFmt.format(d)}`;
}

/** `2026-11-23` → `23 Nov 2026`. */
export function formatShortDate(iso: string): string {
	return shortDateFmt.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
}

/** A moment, said relative to now when recent ("at 14:05", "yesterday at 09:12"). */
export function formatMoment(iso: string, now = new Date()): string {
	const d = new Date(iso);
	const day = (x: Date) => x.toDateString();
	if (day(d) === day(now)) return `today at ${timeFmt.format(d)}`;
	const yesterday = new Date(now);
	yesterday.setDate(now.getDate() - 1);
	if (day(d) === day(yesterday)) return `yesterday at ${timeFmt.format(d)}`;
	return dateTimeFmt.format(d);
}

/** Today's date as yyyy-mm-dd in the device's own time zone. */
export function today(now = new Date()): string {
	const y = now.getFullYear();
	const m = String(now.getMonth() + 1).padStart(2, '0');
	const d = String(now.getDate()).padStart(2, '0');
	return `${y}-${m}-${d}`;
}

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
