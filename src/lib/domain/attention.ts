import type { DashboardRow } from './overview.ts';
import type { VisitRecord } from './visit.ts';

// What the CEO should look at first on the trust dashboard, and the orders the dashboard offers.
// Pure functions over a school's data, so the same rules serve the screen, the board pack and tests.

export type AttentionKind =
	'safeguarding' | 'category-grade' | 'no-visit' | 'no-sil' | 'overdue' | 'concern';

export interface AttentionFlag {
	kind: AttentionKind;
	/** In words: a flag is never shown by colour or symbol alone. */
	text: string;
}

/**
 * Where a term stands on a day: still to come (before its first day), under way, or over (its
 * last day reached: a visit neither recorded nor planned for that day can no longer be made).
 */
export type TermStage = 'to-come' | 'under-way' | 'over';

/**
 * The term's stage on `day`, from its dates in the academic year. A term whose dates are not
 * known counts as over, as every term did before the dates were read.
 */
export function termStage(
	dates: { start: string; end: string } | undefined,
	day: string
): TermStage {
	if (!dates) return 'over';
	if (day < dates.start) return 'to-come';
	return day >= dates.end ? 'over' : 'under-way';
}

export interface AttentionInput {
	term: number;
	/** The date the term is counted to (today, or the term's last day once it is over). */
	asOf: string;
	/**
	 * The term's first and last days (the academic year's). Without them the term counts as over,
	 * so a school with no visit is flagged as before.
	 */
	termDates?: { start: string; end: string };
	/** The school's visits of the year, any status. */
	visits: readonly Pick<VisitRecord, 'term' | 'date' | 'status' | 'visitor'>[];
	overdueSteps: number;
	/** Concerns raised to the CEO and not yet closed (`openConcernsBySchool`). */
	openConcerns?: number;
	/**
	 * How many school improvement leads support the school (the trust's list of people,
	 * `silsBySchool`); unknown when left out.
	 */
	sils?: number;
	/**
	 * Whether the latest safeguarding judgement agreed with the head this year, up to the term, is
	 * "not met" (`agreedSafeguarding`); not flagged when left out.
	 */
	safeguardingNotMet?: boolean;
	/**
	 * The areas whose latest grade agreed this year, up to the term, puts the school into a category
	 * (`CATEGORY_GRADE_IDS`), in the framework's order: each area's label and the grade's, from the
	 * grades the heat map shows (`agreedGrades`). Not flagged when left out or empty.
	 */
	categoryGrades?: readonly { area: string; grade: string }[];
}

/** "Urgent improvement: Inclusion, Achievement", the areas under the scale's own word for it. */
function categoryGradeText(grades: readonly { area: string; grade: string }[]): string {
	const byGrade = new Map<string, string[]>();
	for (const g of grades) byGrade.set(g.grade, [...(byGrade.get(g.grade) ?? []), g.area]);
	return [...byGrade].map(([grade, areas]) => `${grade}: ${areas.join(', ')}`).join('; ');
}

/**
 * Why a school needs the CEO's attention this term, most urgent first: safeguarding not met, an
 * area graded urgent improvement (or inadequate), an open concern, no SIL, no visit this term,
 * overdue next steps.
 *
 * - Safeguarding not met puts a school into a category (DOMAIN.md, the 2025 report card), so the
 *   latest agreed judgement of the year being "not met" comes first, until a later one is met.
 * - So does urgent improvement in any area: the areas whose latest agreed grade is it come next,
 *   until a later agreed grade is better. The 2019 framework's inadequate (grade 4, "in or likely
 *   to enter an Ofsted category") is flagged alike, in its own word.
 * - A missing visit is flagged only once the term has begun: a term still to come cannot be
 *   missing one. While the term is under way the flag says "No visit yet this term" (nothing
 *   recorded and nothing planned for a day still to come: time is left, but nobody has booked
 *   one); once the term is over it says "No visit this term".
 * - A visit counts for the term once it has a record (draft, shared or confirmed), or while it is
 *   planned for a day not yet passed; a planned visit whose day has gone without a record does not.
 * - Which SILs support a school comes from the trust's list of people (`sils`); where that is not
 *   known (a list written by an older server), a school counts as having a SIL when a visit of the
 *   year (planned or made) has a visitor.
 */
export function attentionFlags(input: AttentionInput): AttentionFlag[] {
	const flags: AttentionFlag[] = [];
	if (input.safeguardingNotMet)
		flags.push({ kind: 'safeguarding', text: 'Safeguarding not met at the latest visit' });
	if (input.categoryGrades?.length)
		flags.push({ kind: 'category-grade', text: categoryGradeText(input.categoryGrades) });
	const concerns = input.openConcerns ?? 0;
	if (concerns > 0)
		flags.push({
			kind: 'concern',
			text: concerns === 1 ? '1 open concern' : `${concerns} open concerns`
		});
	if (input.sils !== undefined) {
		if (input.sils === 0) flags.push({ kind: 'no-sil', text: 'No SIL assigned' });
	} else if (!input.visits.some((v) => v.visitor.trim() !== ''))
		flags.push({ kind: 'no-sil', text: 'No SIL assigned: no visit planned or made this year' });
	const stage = termStage(input.termDates, input.asOf);
	const visited = input.visits.some(
		(v) => v.term === input.term && (v.status !== 'planned' || v.date >= input.asOf)
	);
	if (stage !== 'to-come' && !visited)
		flags.push({
			kind: 'no-visit',
			text: stage === 'under-way' ? 'No visit yet this term' : 'No visit this term'
		});
	if (input.overdueSteps > 0)
		flags.push({
			kind: 'overdue',
			text:
				input.overdueSteps === 1
					? '1 next step overdue'
					: `${input.overdueSteps} next steps overdue`
		});
	return flags;
}

// ---------------------------------------------------------------------------------------------
// Orders

/** The rule of the default order, in one sentence, as the dashboard and the board pack say it. */
export const WEAKEST_FIRST_RULE =
	'Weakest school first: schools marked vulnerable, then category 4 schools, then the others; within each group, the school with the weakest agreed evaluation first, then the lowest average of its agreed evaluations, with schools that have nothing agreed yet last.';

/** 0 for a school marked vulnerable, 1 for category 4, 2 for the rest. */
const group = (r: Pick<DashboardRow, 'vulnerable' | 'school'>) =>
	r.vulnerable ? 0 : r.school.category === '4' ? 1 : 2;

const CATEGORY_ORDER = ['1', '2a', '2b', '3', '4'];

/**
 * Orders schools weakest first (`WEAKEST_FIRST_RULE`): vulnerable, then category 4, then the
 * rest; within each, by the worst agreed grade, then the average agreed grade, schools with
 * nothing agreed last; then the weaker category, then the name.
 */
export function weakestFirst(a: DashboardRow, b: DashboardRow): number {
	const g = group(a) - group(b);
	if (g !== 0) return g;
	if ((a.worst === null) !== (b.worst === null)) return a.worst === null ? 1 : -1;
	return (
		(b.worst ?? 0) - (a.worst ?? 0) ||
		(b.mean ?? 0) - (a.mean ?? 0) ||
		CATEGORY_ORDER.indexOf(b.school.category) - CATEGORY_ORDER.indexOf(a.school.category) ||
		a.school.name.localeCompare(b.school.name, 'en-GB')
	);
}

/** A column of the dashboard the CEO may sort by. */
export type SortKey =
	| { by: 'school' }
	| { by: 'area'; areaId: string }
	| { by: 'attention' }
	| { by: 'safeguarding' }
	| { by: 'steps' }
	| { by: 'si-days' };

export type SortDirection = 'ascending' | 'descending';

/**
 * A column's value for sorting, or null when the school has none (nothing agreed in the area, no
 * next steps): those come last in either direction.
 */
function sortValue(r: DashboardRow, key: SortKey): number | string | null {
	switch (key.by) {
		case 'school':
			return r.school.name;
		case 'area': {
			// Ascending is the strongest grade first, as the scale is read.
			const g = r.cells.find((c) => c.areaId === key.areaId)?.grade;
			return g ? g.position : null;
		}
		case 'attention':
			return r.attention.length;
		case 'safeguarding':
			// Descending, the first press, puts "not met" first; nothing agreed comes last.
			return r.safeguarding ? (r.safeguarding.value === 'not-met' ? 1 : 0) : null;
		case 'steps':
			return r.steps.agreed === 0 ? null : r.steps.done / r.steps.agreed;
		case 'si-days':
			return r.siDays.used;
	}
}

/**
 * The rows sorted by a column; equal values keep the weakest-first order between them. Schools
 * still loading (their first sync not finished: their figures are not facts yet) come after the
 * others, in the same order among themselves, so that no row moves up as its records arrive.
 */
export function sortRows(
	rows: readonly DashboardRow[],
	key: SortKey | null,
	direction: SortDirection = 'ascending',
	loading: ReadonlySet<string> = new Set()
): DashboardRow[] {
	const sorted = byColumn(rows, key, direction);
	if (loading.size === 0) return sorted;
	const ready = (r: DashboardRow) => !loading.has(r.school.id);
	return [...sorted.filter(ready), ...sorted.filter((r) => !ready(r))];
}

function byColumn(
	rows: readonly DashboardRow[],
	key: SortKey | null,
	direction: SortDirection
): DashboardRow[] {
	if (!key) return [...rows].sort(weakestFirst);
	const sign = direction === 'ascending' ? 1 : -1;
	return [...rows].sort((a, b) => {
		const x = sortValue(a, key);
		const y = sortValue(b, key);
		if ((x === null) !== (y === null)) return x === null ? 1 : -1;
		let c = 0;
		if (typeof x === 'string' && typeof y === 'string') c = x.localeCompare(y, 'en-GB');
		else if (typeof x === 'number' && typeof y === 'number') c = x - y;
		return sign * c || weakestFirst(a, b);
	});
}
