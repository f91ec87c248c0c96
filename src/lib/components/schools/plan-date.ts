import { termOf, type AcademicYear } from '$lib/domain';
import { formatDateInWords } from '$lib/format';

/**
 * Why a planned visit's date may be one the school is closed: in the holiday between two of the
 * year's terms, in the summer holiday before its first, or at a weekend. Said, never refused: a
 * visit may be planned for a training day or a holiday meeting. Null for a school day, and after
 * the year's last term (`planYear` places that date, and the screen says what it found). The date
 * is written as the field's own reading of it just above ("Sunday 29 November 2026").
 */
export function planDateWarning(year: AcademicYear, date: string): string | null {
	const first = year.terms[0];
	if (first && date < first.start) {
		return `${formatDateInWords(date)} is in the summer holiday before ${first.name}.`;
	}
	const after = year.terms.findLast((t) => t.end < date);
	const before = year.terms.find((t) => t.start > date);
	if (after && before && !year.terms.some((t) => t.start <= date && date <= t.end)) {
		return `${formatDateInWords(date)} is in the school holiday between ${after.name} and ${before.name}.`;
	}
	const day = new Date(`${date}T00:00:00Z`).getUTCDay();
	if (day === 0 || day === 6) return `${formatDateInWords(date)} is at the weekend.`;
	return null;
}

/** The longest summer holiday between one academic year's last term and the next's first. */
const SUMMER_DAYS = 70;
const daysBetween = (from: string, to: string) =>
	(Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/** The academic year after `id` ("2026-27" → "2027-28"). */
export function nextYearId(id: string): string {
	const start = Number(id.slice(0, 4)) + 1;
	return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/**
 * The academic year and term a visit planned on `date` is for: the term of a year whose terms hold
 * the date, or the term after the holiday it falls in (`termOf`); in the summer holiday, before a
 * year's first term, that year's term 1 (the visit prepares for the autumn). Otherwise
 * `{ missing }`: the year the date would belong to when it is in the summer after the last year on
 * the device, whose dates the trust has not set yet (a visit must not be filed in the year just
 * ended), or null for a date outside every year on the device.
 */
export function planYear(
	years: readonly AcademicYear[],
	date: string
): { year: AcademicYear; term: number } | { missing: string | null } {
	const sorted = [...years].sort((x, y) =>
		(x.terms[0]?.start ?? '').localeCompare(y.terms[0]?.start ?? '')
	);
	for (const year of sorted) {
		const term = termOf(year, date);
		if (term !== null) return { year, term };
	}
	const next = sorted.find((y) => {
		const start = y.terms[0]?.start;
		return start !== undefined && start > date && daysBetween(date, start) <= SUMMER_DAYS;
	});
	if (next) return { year: next, term: 1 };
	const last = sorted.at(-1);
	const end = last?.terms.at(-1)?.end;
	if (last && end && date > end && daysBetween(end, date) <= SUMMER_DAYS) {
		return { missing: nextYearId(last.year) };
	}
	return { missing: null };
}
