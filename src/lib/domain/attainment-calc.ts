import {
	cellKey,
	comparatorKey,
	groupById,
	measureById,
	outcomePoint,
	pointById,
	targetPoint,
	type AttainmentBooklet,
	type AttainmentCell,
	type AttainmentFramework,
	type AttainmentMeasure
} from './attainment-schema.ts';
import type { Rag } from './evaluation.ts';

// Everything here is calculated from the booklet's figures, never typed. Figures are handled as
// whole numbers of tenths so that one-decimal rounding and differences are exact: 0.1 + 0.2 is
// never 0.30000000000000004 here.

/** A figure as shown: a value, suppressed because the group is small, or not entered. */
export type AttainmentResult =
	| { kind: 'value'; value: number; display: string }
	| { kind: 'suppressed'; reason: string; display: string }
	| { kind: 'missing'; reason: string; display: string };

/** A difference between two figures; `text` says it in words, for screen readers and tables. */
export type DifferenceResult =
	| {
			kind: 'value';
			value: number;
			display: string;
			text: string;
			direction: 'better' | 'same' | 'worse';
	  }
	| { kind: 'suppressed'; reason: string; display: string }
	| { kind: 'missing'; reason: string; display: string };

/** A RAG status, always with a symbol and words as well as the colour. */
export type RagResult =
	| { kind: 'rag'; rag: Rag; symbol: '▲' | '●' | '▼'; label: string; display: string }
	| { kind: 'suppressed'; reason: string; display: string }
	| { kind: 'missing'; reason: string; display: string }
	| { kind: 'not-rated'; display: '' };

export const SUPPRESSED_DISPLAY = 'Suppressed';
export const MISSING_DISPLAY = 'No data';

// ---------------------------------------------------------------------------------------------
// Rounding

/**
 * The shortest decimal that reads back as this number: what the person typed (1.005 is stored as
 * 1.00499999999999989… but prints as "1.005"). Rounding works on these digits, not on the binary.
 */
function decimalDigits(x: number): string {
	const s = String(x);
	return s.includes('e') ? x.toFixed(20) : s;
}

/**
 * A number in whole tenths, rounded half up (half away from zero) on its decimal value:
 * 0.05 → 1, 0.04999 → 0, 12.25 → 123, 1.005 → 10.
 */
export function toTenths(x: number): number {
	if (!Number.isFinite(x) || Math.abs(x) > 1e12) throw new RangeError(`cannot round ${x}`);
	const [whole = '0', frac = ''] = decimalDigits(Math.abs(x)).split('.');
	let tenths = Number(whole) * 10 + Number(frac[0] ?? '0');
	if ((frac[1] ?? '0') >= '5') tenths += 1;
	return x < 0 && tenths !== 0 ? -tenths : tenths;
}

/** A number rounded half up to one decimal place, as published: 66.65 → 66.7. */
export const roundToOneDecimal = (x: number) => toTenths(x) / 10;

/**
 * The percentage `count` of `cohort` in whole tenths, rounded half up, in exact integer arithmetic:
 * 2 of 3 → 667 (66.7%), 1 of 8 → 125 (12.5%), 1 of 16 → 63 (6.25% → 6.3%).
 */
export function percentageTenths(count: number, cohort: number): number {
	if (!Number.isInteger(count) || !Number.isInteger(cohort) || cohort <= 0 || count < 0) {
		throw new RangeError(`no percentage of ${count} out of ${cohort}`);
	}
	// round(1000·count / cohort) half up = floor((2000·count + cohort) / (2·cohort)).
	return Math.floor((2000 * count + cohort) / (2 * cohort));
}

/** The percentage `count` of `cohort`, to one decimal place: 2 of 3 → 66.7. */
export const percentageFromCounts = (count: number, cohort: number) =>
	percentageTenths(count, cohort) / 10;

/** Tenths as text with one decimal place, with a real minus sign: -33 → "−3.3". */
export function formatTenths(tenths: number, signed = false): string {
	const abs = Math.abs(tenths);
	const digits = `${Math.floor(abs / 10)}.${abs % 10}`;
	if (tenths < 0) return `−${digits}`;
	return signed && tenths > 0 ? `+${digits}` : digits;
}

/** How a value of this measure is shown: "66.7%", "104.5", "3". */
function formatValue(measure: AttainmentMeasure, tenths: number): string {
	if (measure.kind === 'count') return String(tenths / 10);
	return measure.kind === 'average' ? formatTenths(tenths) : `${formatTenths(tenths)}%`;
}

/** A whole number with its sign: 2 → "+2", -2 → "−2". */
const formatWhole = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

const tenthsOf = (r: { value: number }) => Math.round(r.value * 10);

// ---------------------------------------------------------------------------------------------
// Figures

const suppressed = (threshold: number): AttainmentResult & { kind: 'suppressed' } => ({
	kind: 'suppressed',
	reason: `Fewer than ${threshold} pupils in the group`,
	display: SUPPRESSED_DISPLAY
});

const missing = (reason: string): AttainmentResult & { kind: 'missing' } => ({
	kind: 'missing',
	reason,
	display: MISSING_DISPLAY
});

/**
 * The figure of one cell. A group smaller than `threshold` is suppressed whatever was entered; a
 * cell without a cohort is missing, since it cannot be known not to need suppressing.
 */
export function cellFigure(
	measure: AttainmentMeasure,
	cell: AttainmentCell | undefined,
	threshold: number
): AttainmentResult {
	const cohort = cell?.cohort;
	if (cohort === undefined) return missing('No cohort entered');
	if (cohort < threshold) return suppressed(threshold);
	let tenths: number;
	if (measure.kind === 'percentage') {
		if (cell?.count === undefined) return missing('No number meeting the standard entered');
		if (cell.count > cohort) return missing('The number meeting is more than the cohort');
		tenths = percentageTenths(cell.count, cohort);
	} else {
		if (cell?.value === undefined) return missing('No figure entered');
		tenths = toTenths(cell.value);
	}
	return { kind: 'value', value: tenths / 10, display: formatValue(measure, tenths) };
}

/** A national comparator as published: never suppressed (national groups are large). */
export function nationalFigure(
	measure: AttainmentMeasure,
	national: number | undefined
): AttainmentResult {
	if (national === undefined) return missing('No national figure entered');
	const tenths = toTenths(national);
	return { kind: 'value', value: tenths / 10, display: formatValue(measure, tenths) };
}

/** The unit differences of this measure are in. */
export function differenceUnit(measure: AttainmentMeasure): string {
	if (measure.kind === 'percentage' || measure.kind === 'rate') return 'percentage points';
	return measure.kind === 'average' ? 'points' : '';
}

/**
 * `a` minus `b`, in the measure's unit to one decimal place. A difference involving a suppressed
 * figure is suppressed (it would give the small group's figure away); one involving a missing
 * figure is missing.
 */
export function difference(
	measure: AttainmentMeasure,
	a: AttainmentResult,
	b: AttainmentResult
): DifferenceResult {
	if (a.kind === 'suppressed' || b.kind === 'suppressed') {
		const reason = a.kind === 'suppressed' ? a.reason : (b as { reason: string }).reason;
		return { kind: 'suppressed', reason, display: SUPPRESSED_DISPLAY };
	}
	if (a.kind === 'missing') return missing(a.reason);
	if (b.kind === 'missing') return missing(b.reason);
	const d = tenthsOf(a) - tenthsOf(b);
	const better = measure.higherIsBetter ? d > 0 : d < 0;
	const direction = d === 0 ? 'same' : better ? 'better' : 'worse';
	const isCount = measure.kind === 'count';
	const amount = isCount ? String(Math.abs(d) / 10) : formatTenths(Math.abs(d));
	const unit = differenceUnit(measure);
	let text: string;
	if (d === 0) text = 'the same';
	else if (isCount) text = `${amount} ${d > 0 ? 'more' : 'fewer'}`;
	else text = `${amount} ${unit} ${d > 0 ? 'above' : 'below'}`;
	const display = isCount ? formatWhole(d / 10) : formatTenths(d, true);
	return { kind: 'value', value: d / 10, display, text, direction };
}

// ---------------------------------------------------------------------------------------------
// RAG

const RAG_SYMBOLS = { green: '▲', amber: '●', red: '▼' } as const;
const RAG_NAMES = { green: 'Green', amber: 'Amber', red: 'Red' } as const;

/**
 * The RAG status of a figure against its comparator (national or target) by the measure's rule:
 * green at or better than the comparator (or up to `greenWithin` worse), amber up to `amberWithin`
 * worse, red beyond. Compared on the figures as shown (one decimal place), so the status always
 * agrees with the table.
 */
export function ragStatus(
	measure: AttainmentMeasure,
	figure: AttainmentResult,
	comparator: AttainmentResult,
	comparatorName: string
): RagResult {
	const rule = measure.rag;
	if (!rule) return { kind: 'not-rated', display: '' };
	const diff = difference(measure, figure, comparator);
	if (diff.kind !== 'value') return diff;
	const worseBy = (measure.higherIsBetter ? -1 : 1) * Math.round(diff.value * 10);
	const green = toTenths(rule.greenWithin ?? 0);
	const amber = toTenths(rule.amberWithin);
	const rag: Rag = worseBy <= green ? 'green' : worseBy <= amber ? 'amber' : 'red';
	const [good, bad] = measure.higherIsBetter ? ['above', 'below'] : ['below', 'above'];
	// A count (suspensions) is compared in its own events, so its thresholds carry no unit.
	const unit = differenceUnit(measure);
	const amount = (tenths: number) => {
		const n = formatTenths(tenths).replace(/\.0$/, '');
		return unit ? `${n} ${tenths === 10 ? unit.slice(0, -1) : unit}` : n;
	};
	const words = {
		green:
			green > 0
				? `at or ${good} ${comparatorName}, or up to ${amount(green)} ${bad}`
				: `at or ${good} ${comparatorName}`,
		amber:
			green > 0
				? `more than ${amount(green)} and up to ${amount(amber)} ${bad} ${comparatorName}`
				: `up to ${amount(amber)} ${bad} ${comparatorName}`,
		red: `more than ${amount(amber)} ${bad} ${comparatorName}`
	}[rag];
	const label = `${RAG_NAMES[rag]}: ${words}`;
	const symbol = RAG_SYMBOLS[rag];
	return { kind: 'rag', rag, symbol, label, display: `${symbol} ${label}` };
}

// ---------------------------------------------------------------------------------------------
// Reading a booklet

/** Where a figure is in the booklet. */
export type CellRef = { measureId: string; groupId: string; pointId: string };

function requireMeasure(framework: AttainmentFramework, id: string): AttainmentMeasure {
	const m = measureById(framework, id);
	if (!m) throw new RangeError(`no measure "${id}" in the attainment framework`);
	return m;
}

/** The figure of one cell of the booklet. */
export function bookletFigure(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	threshold: number,
	ref: CellRef
): AttainmentResult {
	const measure = requireMeasure(framework, ref.measureId);
	return cellFigure(
		measure,
		booklet.cells[cellKey(ref.measureId, ref.groupId, ref.pointId)],
		threshold
	);
}

/** The national figure for a measure and group. */
export function bookletNational(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	measureId: string,
	groupId: string
): AttainmentResult {
	const measure = requireMeasure(framework, measureId);
	return nationalFigure(measure, booklet.nationals[comparatorKey(measureId, groupId)]);
}

/** Last year's outcome for a measure and group, suppressed by the same threshold. */
export function bookletLastYear(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	threshold: number,
	measureId: string,
	groupId: string
): AttainmentResult {
	const measure = requireMeasure(framework, measureId);
	const cell = booklet.lastYear?.[comparatorKey(measureId, groupId)];
	if (!cell) return missing('No figure for last year');
	return cellFigure(measure, cell, threshold);
}

/**
 * The disadvantaged gap at a point: disadvantaged pupils in the school minus non-disadvantaged
 * pupils nationally (the DfE's definition), to one decimal place. Negative means behind.
 */
export function disadvantagedGap(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	threshold: number,
	measureId: string,
	pointId: string
): DifferenceResult {
	const gap = framework.disadvantagedGap;
	if (!gap) return missing('The trust does not track the disadvantaged gap');
	const measure = requireMeasure(framework, measureId);
	return difference(
		measure,
		bookletFigure(booklet, framework, threshold, { measureId, groupId: gap.groupId, pointId }),
		bookletNational(booklet, framework, measureId, gap.nationalGroupId)
	);
}

/**
 * A group's size as shown beside its calculated figures. Below the threshold only "Fewer than 5":
 * with the figure suppressed, the size alone can point at a pupil (one child looked after in a
 * class of 30), which is what suppressing the figure protects.
 */
export function cohortShown(cohort: number | undefined, threshold: number): string {
	if (cohort === undefined) return '–';
	return cohort < threshold ? `Fewer than ${threshold}` : String(cohort);
}

/** Everything shown for one cell: its figure, comparators, differences, the gap and RAG. */
export type DerivedCell = CellRef & {
	cohort: number | undefined;
	/** The cohort as it may be shown (`cohortShown`). */
	cohortShown: string;
	figure: AttainmentResult;
	national: AttainmentResult;
	/** Null at the target point itself. */
	target: AttainmentResult | null;
	toTarget: DifferenceResult | null;
	toNational: DifferenceResult;
	lastYear: AttainmentResult;
	toLastYear: DifferenceResult;
	/** Only for the disadvantaged group of the framework's gap; null for other groups. */
	gap: DifferenceResult | null;
	rag: RagResult;
};

/** The figure, differences, gap and RAG status of one cell. */
export function deriveCell(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	threshold: number,
	ref: CellRef
): DerivedCell {
	const measure = requireMeasure(framework, ref.measureId);
	const cell = booklet.cells[cellKey(ref.measureId, ref.groupId, ref.pointId)];
	const figure = cellFigure(measure, cell, threshold);
	const national = bookletNational(booklet, framework, ref.measureId, ref.groupId);
	const tp = targetPoint(framework);
	const target =
		tp && tp.id !== ref.pointId
			? bookletFigure(booklet, framework, threshold, { ...ref, pointId: tp.id })
			: null;
	const lastYear = bookletLastYear(booklet, framework, threshold, ref.measureId, ref.groupId);
	const gapGroup = framework.disadvantagedGap?.groupId;
	let rag: RagResult = { kind: 'not-rated', display: '' };
	if (measure.rag?.against === 'national') rag = ragStatus(measure, figure, national, 'national');
	else if (measure.rag?.against === 'target' && target) {
		rag = ragStatus(measure, figure, target, 'target');
	}
	return {
		...ref,
		cohort: cell?.cohort,
		cohortShown: cohortShown(cell?.cohort, threshold),
		figure,
		national,
		target,
		toTarget: target ? difference(measure, figure, target) : null,
		toNational: difference(measure, figure, national),
		lastYear,
		toLastYear: difference(measure, figure, lastYear),
		gap:
			ref.groupId === gapGroup
				? disadvantagedGap(booklet, framework, threshold, ref.measureId, ref.pointId)
				: null,
		rag
	};
}

/** A measure for one group across the assessment points of the year, in order: for a chart. */
export function pointSeries(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework,
	threshold: number,
	measureId: string,
	groupId: string
): { pointId: string; label: string; figure: AttainmentResult }[] {
	return framework.points.map((p) => ({
		pointId: p.id,
		label: p.label,
		figure: bookletFigure(booklet, framework, threshold, { measureId, groupId, pointId: p.id })
	}));
}

/** A measure's end-of-year outcome for one group across years, oldest first: for a chart. */
export function yearSeries(
	booklets: AttainmentBooklet[],
	framework: AttainmentFramework,
	threshold: number,
	measureId: string,
	groupId: string
): { year: string; figure: AttainmentResult; national: AttainmentResult }[] {
	const outcome = outcomePoint(framework);
	return [...booklets]
		.sort((a, b) => a.year.localeCompare(b.year))
		.map((b) => ({
			year: b.year,
			figure: outcome
				? bookletFigure(b, framework, threshold, { measureId, groupId, pointId: outcome.id })
				: missing('The framework has no end-of-year point'),
			national: bookletNational(b, framework, measureId, groupId)
		}));
}

/** The academic year before `2026-27`: `2025-26`. */
export function previousYear(year: string): string {
	const start = Number(year.slice(0, 4)) - 1;
	return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/**
 * End-of-year outcomes across years for a chart: one point per booklet, and before the earliest
 * booklet the outcome it records as last year's, when it has one. Missing years stay missing.
 */
export function outcomesAcrossYears(
	booklets: AttainmentBooklet[],
	framework: AttainmentFramework,
	threshold: number,
	measureId: string,
	groupId: string
): { year: string; figure: AttainmentResult }[] {
	const series = yearSeries(booklets, framework, threshold, measureId, groupId).map((p) => ({
		year: p.year,
		figure: p.figure
	}));
	const earliest = [...booklets].sort((a, b) => a.year.localeCompare(b.year))[0];
	if (!earliest) return series;
	const before = bookletLastYear(earliest, framework, threshold, measureId, groupId);
	return before.kind === 'missing'
		? series
		: [{ year: previousYear(earliest.year), figure: before }, ...series];
}

/** Words for a cell in the booklet: "KS2 reading: expected standard, Disadvantaged, Autumn". */
export function describeCell(framework: AttainmentFramework, ref: Partial<CellRef>): string {
	return [
		ref.measureId && (measureById(framework, ref.measureId)?.label ?? ref.measureId),
		ref.groupId && (groupById(framework, ref.groupId)?.label ?? ref.groupId),
		ref.pointId && (pointById(framework, ref.pointId)?.label ?? ref.pointId)
	]
		.filter(Boolean)
		.join(', ');
}

/** Which section, measure and assessment point the overview shows. */
export type AttainmentView = { sectionId: string; measureId: string; pointId: string };

/**
 * Where the overview opens: the latest assessment point that has figures, and there the first
 * section and measure with figures, so a head sees figures at once, not "No data" everywhere (the
 * end of the year has none until the summer). Null when the booklet has no figures yet. A cohort
 * alone is not a figure: it shows as "No data".
 */
export function openingView(
	booklet: AttainmentBooklet,
	framework: AttainmentFramework
): AttainmentView | null {
	const hasFigure = (c: AttainmentCell | undefined) =>
		c !== undefined && (c.count !== undefined || c.value !== undefined);
	for (const point of [...framework.points].reverse()) {
		for (const section of framework.sections) {
			const measure = framework.measures.find(
				(m) =>
					m.sectionId === section.id &&
					framework.groups.some((g) => hasFigure(booklet.cells[cellKey(m.id, g.id, point.id)]))
			);
			if (measure) return { sectionId: section.id, measureId: measure.id, pointId: point.id };
		}
	}
	return null;
}

/**
 * The view kept in the overview's address (`?section=…&measure=…&point=…`), so that a reload opens
 * where the person was. Null when the framework no longer has any of the three, or the measure is
 * not in that section: the overview then opens as it would have (`openingView`).
 */
export function keptView(
	kept: { section?: string | null; measure?: string | null; point?: string | null },
	framework: AttainmentFramework
): AttainmentView | null {
	const measure = framework.measures.find((m) => m.id === kept.measure);
	const section = framework.sections.find((s) => s.id === kept.section);
	const point = framework.points.find((p) => p.id === kept.point);
	if (!measure || !section || !point || measure.sectionId !== section.id) return null;
	return { sectionId: section.id, measureId: measure.id, pointId: point.id };
}
