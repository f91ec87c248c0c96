// No zod here: the app's first chunk orders dates with this (through `$lib/format`).

/**
 * Orders ISO dates, times and academic years ("2026-27") as they are written: for them code point
 * order is date order. (`localeCompare` gives the same order, but its first call builds ICU's
 * collator: about 50 ms of the head's first screen on a throttled phone, and a part of the CEO's
 * dashboard; issue 17.)
 */
export function compareIso(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
