import type { AcademicYear } from '$lib/domain';
import { formatShortDate } from '$lib/format';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Why a planned visit's date may be one the school is closed: in the holiday between two of the
 * year's terms, or at a weekend. Said, never refused: a visit may be planned for a training day
 * or a holiday meeting. Null for a school day, and outside the year (the screen says that itself).
 */
export function planDateWarning(year: AcademicYear, date: string): string | null {
	const after = year.terms.findLast((t) => t.end < date);
	const before = year.terms.find((t) => t.start > date);
	if (after && before && !year.terms.some((t) => t.start <= date && date <= t.end)) {
		return `${formatShortDate(date)} is in the school holiday between ${after.name} and ${before.name}.`;
	}
	const day = new Date(`${date}T00:00:00Z`).getUTCDay();
	if (day === 0 || day === 6) return `${formatShortDate(date)} is a ${WEEKDAYS[day]}.`;
	return null;
}
