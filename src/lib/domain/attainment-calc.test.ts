import { describe, expect, it } from 'vitest';
import {
	bookletFigure,
	cellFigure,
	cohortShown,
	deriveCell,
	difference,
	disadvantagedGap,
	formatTenths,
	keptView,
	nationalFigure,
	openingView,
	outcomesAcrossYears,
	percentageFromCounts,
	previousYear,
	percentageTenths,
	pointSeries,
	ragStatus,
	roundToOneDecimal,
	toTenths,
	yearSeries,
	type AttainmentResult
} from './attainment-calc.ts';
import {
	cellKey,
	comparatorKey,
	DEFAULT_ATTAINMENT_FRAMEWORK as F,
	lastYearFrom,
	measureById,
	newAttainmentBooklet,
	type AttainmentBooklet,
	type AttainmentMeasure
} from './attainment-schema.ts';

const measure = (id: string): AttainmentMeasure => measureById(F, id)!;
const READING = measure('ks2-reading-exs');
const SCALED = measure('ks2-reading-ss');
const MTC = measure('mtc-average');
const ATTENDANCE = measure('attendance');
const PA = measure('persistent-absence');
const SUSPENSIONS = measure('suspensions');
const value = (v: number, display = ''): AttainmentResult => ({ kind: 'value', value: v, display });

function booklet(year = '2025-26'): AttainmentBooklet {
	return newAttainmentBooklet('oak-primary', year, 'sil1', '2026-01-10T09:00:00Z');
}

describe('rounding to one decimal place, half up, as published', () => {
	it('rounds percentages from counts exactly', () => {
		// Worked by hand: 2/3 = 66.666… → 66.7; 1/8 = 12.5; 5/8 = 62.5; 1/16 = 6.25 → 6.3.
		expect(percentageFromCounts(2, 3)).toBe(66.7);
		expect(percentageFromCounts(1, 3)).toBe(33.3);
		expect(percentageFromCounts(1, 8)).toBe(12.5);
		expect(percentageFromCounts(5, 8)).toBe(62.5);
		expect(percentageFromCounts(1, 16)).toBe(6.3);
		expect(percentageFromCounts(1, 6)).toBe(16.7);
		expect(percentageFromCounts(7, 9)).toBe(77.8);
		expect(percentageFromCounts(0, 30)).toBe(0);
		expect(percentageFromCounts(30, 30)).toBe(100);
	});

	it('rounds an exact half up where floating point would round it down', () => {
		// 23/80 = 28.75 exactly, but 23 / 80 * 100 is 28.749999999999996 in binary: toFixed(1)
		// gives 28.7. Published figures round the exact half up: 28.8.
		expect((23 / 80) * 100).toBeLessThan(28.75);
		expect(percentageFromCounts(23, 80)).toBe(28.8);
		expect(percentageFromCounts(41, 80)).toBe(51.3);
		expect(percentageTenths(51, 80)).toBe(638);
	});

	it('handles the 0.05 edges', () => {
		// 1/2000 = 0.05% → 0.1%; 1/2001 = 0.049975…% → 0.0%; 19/2000 = 0.95% → 1.0%.
		expect(percentageFromCounts(1, 2000)).toBe(0.1);
		expect(percentageFromCounts(1, 2001)).toBe(0);
		expect(percentageFromCounts(19, 2000)).toBe(1);
		expect(toTenths(0.05)).toBe(1);
		expect(toTenths(0.04999)).toBe(0);
		expect(toTenths(0.95)).toBe(10);
		expect(toTenths(99.95)).toBe(1000);
	});

	it('rounds typed decimals on the digits typed, not on their binary form', () => {
		// 1.45 is stored as 1.4499999999999999556, so (1.45).toFixed(1) is "1.4"; typed, it is 1.5.
		expect((1.45).toFixed(1)).toBe('1.4');
		expect(roundToOneDecimal(1.45)).toBe(1.5);
		expect(roundToOneDecimal(104.45)).toBe(104.5);
		expect(roundToOneDecimal(66.65)).toBe(66.7);
		expect(roundToOneDecimal(1.005)).toBe(1);
		expect(roundToOneDecimal(95.04)).toBe(95);
		expect(roundToOneDecimal(12)).toBe(12);
		expect(roundToOneDecimal(-1.45)).toBe(-1.5);
		expect(roundToOneDecimal(1e-7)).toBe(0);
	});

	it('refuses impossible percentages', () => {
		expect(() => percentageTenths(1, 0)).toThrow(RangeError);
		expect(() => percentageTenths(1.5, 3)).toThrow(RangeError);
		expect(() => toTenths(Number.NaN)).toThrow(RangeError);
	});

	it('formats tenths with a real minus sign', () => {
		expect(formatTenths(667)).toBe('66.7');
		expect(formatTenths(-33, true)).toBe('−3.3');
		expect(formatTenths(5, true)).toBe('+0.5');
		expect(formatTenths(0, true)).toBe('0.0');
	});
});

describe('the figure of a cell', () => {
	it('shows a small group’s size no more than its figure: only that it is below the threshold', () => {
		const b = booklet();
		const ref = { measureId: READING.id, pointId: 'end-of-year' };
		b.cells[cellKey(READING.id, 'cla', 'end-of-year')] = { cohort: 1, count: 1 };
		b.cells[cellKey(READING.id, 'all', 'end-of-year')] = { cohort: 30, count: 20 };
		const small = deriveCell(b, F, 5, { ...ref, groupId: 'cla' });
		expect(small.figure.kind).toBe('suppressed');
		expect(small.cohortShown).toBe('Fewer than 5');
		expect(deriveCell(b, F, 5, { ...ref, groupId: 'all' }).cohortShown).toBe('30');
		expect(cohortShown(5, 5)).toBe('5');
		expect(cohortShown(4, 5)).toBe('Fewer than 5');
		expect(cohortShown(0, 10)).toBe('Fewer than 10');
		expect(cohortShown(undefined, 5)).toBe('–');
	});

	it('calculates a percentage from the number meeting and the cohort', () => {
		expect(cellFigure(READING, { cohort: 30, count: 20 }, 5)).toEqual({
			kind: 'value',
			value: 66.7,
			display: '66.7%'
		});
	});

	it('shows averages, rates and counts as published', () => {
		expect(cellFigure(SCALED, { cohort: 30, value: 104.45 }, 5)).toMatchObject({
			value: 104.5,
			display: '104.5'
		});
		expect(cellFigure(MTC, { cohort: 28, value: 20 }, 5)).toMatchObject({ display: '20.0' });
		expect(cellFigure(ATTENDANCE, { cohort: 210, value: 95.23 }, 5)).toMatchObject({
			value: 95.2,
			display: '95.2%'
		});
		expect(cellFigure(SUSPENSIONS, { cohort: 210, value: 3 }, 5)).toMatchObject({
			value: 3,
			display: '3'
		});
	});

	it('suppresses a group smaller than the threshold, whatever was entered', () => {
		const small = cellFigure(READING, { cohort: 4, count: 3 }, 5);
		expect(small).toEqual({
			kind: 'suppressed',
			reason: 'Fewer than 5 pupils in the group',
			display: 'Suppressed'
		});
		// Exactly the threshold is shown; a trust threshold of 10 suppresses it.
		expect(cellFigure(READING, { cohort: 5, count: 3 }, 5)).toMatchObject({ value: 60 });
		expect(cellFigure(READING, { cohort: 5, count: 3 }, 10).kind).toBe('suppressed');
		expect(cellFigure(READING, { cohort: 0 }, 5).kind).toBe('suppressed');
		expect(cellFigure(ATTENDANCE, { cohort: 3, value: 91 }, 5).kind).toBe('suppressed');
		expect(cellFigure(READING, { cohort: 3 }, 5).kind).toBe('suppressed');
	});

	it('says missing, never 0, when a figure is not entered', () => {
		expect(cellFigure(READING, undefined, 5)).toEqual({
			kind: 'missing',
			reason: 'No cohort entered',
			display: 'No data'
		});
		expect(cellFigure(READING, { cohort: 30 }, 5)).toMatchObject({
			kind: 'missing',
			reason: 'No number meeting the standard entered'
		});
		// Without a cohort nobody can tell whether a figure should be suppressed.
		expect(cellFigure(READING, { count: 3 }, 5).kind).toBe('missing');
		expect(cellFigure(SCALED, { value: 103 }, 5).kind).toBe('missing');
		expect(cellFigure(SCALED, { cohort: 30 }, 5).kind).toBe('missing');
		expect(cellFigure(READING, { cohort: 30, count: 0 }, 5)).toMatchObject({ value: 0 });
	});

	it('takes a national figure as published, never suppressed', () => {
		expect(nationalFigure(READING, 74)).toMatchObject({ value: 74, display: '74.0%' });
		expect(nationalFigure(READING, undefined).kind).toBe('missing');
	});
});

describe('differences', () => {
	it('subtracts in exact tenths', () => {
		// 70.3 − 70.1 is 0.20000000000000284 in floating point; the difference is 0.2.
		expect(difference(READING, value(70.3), value(70.1))).toEqual({
			kind: 'value',
			value: 0.2,
			display: '+0.2',
			text: '0.2 percentage points above',
			direction: 'better'
		});
		// 2 of 3 (66.7) against a national 72: −5.3.
		const d = difference(READING, cellFigure(READING, { cohort: 3, count: 2 }, 1), value(72));
		expect(d).toMatchObject({ value: -5.3, display: '−5.3', direction: 'worse' });
	});

	it('compares the figures as shown, so the table adds up', () => {
		// 23/80 shows as 28.8 and 1/3 as 33.3: the difference shown is 4.5, not 4.6 from 33.33 − 28.75.
		const a = cellFigure(READING, { cohort: 3, count: 1 }, 1);
		const b = cellFigure(READING, { cohort: 80, count: 23 }, 1);
		expect(difference(READING, a, b)).toMatchObject({ value: 4.5, display: '+4.5' });
	});

	it('knows when lower is better', () => {
		expect(difference(PA, value(15.2), value(17.2))).toMatchObject({
			value: -2,
			display: '−2.0',
			direction: 'better'
		});
		expect(difference(SUSPENSIONS, value(3), value(5))).toMatchObject({
			value: -2,
			display: '−2',
			text: '2 fewer',
			direction: 'better'
		});
		expect(difference(SUSPENSIONS, value(4), value(1))).toMatchObject({
			display: '+3',
			text: '3 more',
			direction: 'worse'
		});
		expect(difference(SCALED, value(104), value(104))).toMatchObject({
			display: '0.0',
			text: 'the same',
			direction: 'same'
		});
		expect(difference(SCALED, value(103.5), value(105))).toMatchObject({
			text: '1.5 points below'
		});
	});

	it('is suppressed when either side is, and missing when either side is', () => {
		const small = cellFigure(READING, { cohort: 4, count: 4 }, 5);
		const none = cellFigure(READING, undefined, 5);
		expect(difference(READING, small, value(70))).toEqual({
			kind: 'suppressed',
			reason: 'Fewer than 5 pupils in the group',
			display: 'Suppressed'
		});
		expect(difference(READING, value(70), small).kind).toBe('suppressed');
		// Suppression wins over missing: saying "no data" would not hide less.
		expect(difference(READING, none, small).kind).toBe('suppressed');
		expect(difference(READING, none, value(70))).toMatchObject({ kind: 'missing' });
		expect(difference(READING, value(70), none)).toMatchObject({ kind: 'missing' });
	});
});

describe('RAG status', () => {
	// KS2 reading: green at or above national, amber up to 5 points below, red beyond.
	const national = value(74);
	const rag = (v: number) => ragStatus(READING, value(v), national, 'national');

	it('rates against national with symbol and words as well as colour', () => {
		expect(rag(74)).toEqual({
			kind: 'rag',
			rag: 'green',
			symbol: '▲',
			label: 'Green: at or above national',
			display: '▲ Green: at or above national'
		});
		expect(rag(80)).toMatchObject({ rag: 'green' });
		expect(rag(73.9)).toMatchObject({
			rag: 'amber',
			display: '● Amber: up to 5 percentage points below national'
		});
		expect(rag(69)).toMatchObject({ rag: 'amber' });
		expect(rag(68.9)).toMatchObject({
			rag: 'red',
			display: '▼ Red: more than 5 percentage points below national'
		});
	});

	it('rates on the figure as shown', () => {
		// 23/80 shows as 28.8, which is green against a national 28.8 even though 28.75 < 28.8.
		const shown = cellFigure(READING, { cohort: 80, count: 23 }, 5);
		expect(ragStatus(READING, shown, value(28.8), 'national')).toMatchObject({ rag: 'green' });
	});

	it('turns round for measures where lower is better', () => {
		// Persistent absence: amber up to 2 points above national 17.2.
		const pa = (v: number) => ragStatus(PA, value(v), value(17.2), 'national');
		expect(pa(10)).toMatchObject({ rag: 'green', label: 'Green: at or below national' });
		expect(pa(17.2)).toMatchObject({ rag: 'green' });
		expect(pa(19.2)).toMatchObject({
			rag: 'amber',
			label: 'Amber: up to 2 percentage points above national'
		});
		expect(pa(19.3)).toMatchObject({ rag: 'red', symbol: '▼' });
	});

	it('is suppressed, missing or not rated rather than guessed', () => {
		const small = cellFigure(READING, { cohort: 2, count: 2 }, 5);
		expect(ragStatus(READING, small, national, 'national').kind).toBe('suppressed');
		expect(ragStatus(READING, value(70), nationalFigure(READING, undefined), 'national').kind).toBe(
			'missing'
		);
		expect(ragStatus(SUSPENSIONS, value(1), value(0), 'target')).toEqual({
			kind: 'not-rated',
			display: ''
		});
	});

	it('uses the unit "points" for scores', () => {
		expect(ragStatus(SCALED, value(104), value(105), 'national')).toMatchObject({
			rag: 'amber',
			label: 'Amber: up to 1 point below national'
		});
		expect(ragStatus(SCALED, value(103.9), value(105), 'national')).toMatchObject({ rag: 'red' });
		expect(ragStatus(ATTENDANCE, value(95), value(95.5), 'national')).toMatchObject({
			label: 'Amber: up to 1 percentage point below national'
		});
	});
});

/** A small school's booklet worked by hand. */
function worked(): AttainmentBooklet {
	const b = booklet();
	const set = (m: string, g: string, p: string, cell: object) => {
		b.cells[cellKey(m, g, p)] = cell;
	};
	// KS2 reading, expected standard. All pupils: target 24/30 (80.0%), end of year 22/30 (73.3%).
	set('ks2-reading-exs', 'all', 'target', { cohort: 30, count: 24 });
	set('ks2-reading-exs', 'all', 'autumn', { cohort: 30, count: 18 });
	set('ks2-reading-exs', 'all', 'end-of-year', { cohort: 30, count: 22 });
	// Disadvantaged: 5 of 8 (62.5%); target 6 of 8 (75.0%).
	set('ks2-reading-exs', 'disadvantaged', 'target', { cohort: 8, count: 6 });
	set('ks2-reading-exs', 'disadvantaged', 'end-of-year', { cohort: 8, count: 5 });
	// SEND: 1 of 4, suppressed at the default threshold.
	set('ks2-reading-exs', 'send', 'end-of-year', { cohort: 4, count: 1 });
	b.nationals[comparatorKey('ks2-reading-exs', 'all')] = 75;
	b.nationals[comparatorKey('ks2-reading-exs', 'disadvantaged')] = 63;
	b.nationals[comparatorKey('ks2-reading-exs', 'non-disadvantaged')] = 80;
	b.nationals[comparatorKey('ks2-reading-exs', 'send')] = 38;
	b.lastYear = {
		[comparatorKey('ks2-reading-exs', 'all')]: { cohort: 29, count: 20 }, // 69.0%
		[comparatorKey('ks2-reading-exs', 'disadvantaged')]: { cohort: 3, count: 1 } // suppressed
	};
	return b;
}

describe('a booklet worked by hand', () => {
	const b = worked();
	const ref = { measureId: 'ks2-reading-exs', pointId: 'end-of-year' };

	it('derives every figure for all pupils at the end of the year', () => {
		const d = deriveCell(b, F, 5, { ...ref, groupId: 'all' });
		expect(d.cohort).toBe(30);
		expect(d.figure).toMatchObject({ value: 73.3, display: '73.3%' });
		expect(d.target).toMatchObject({ value: 80 });
		// 73.3 − 80.0 = −6.7; 73.3 − 75 = −1.7; 73.3 − 69.0 (20/29 = 68.97) = +4.3.
		expect(d.toTarget).toMatchObject({ value: -6.7, display: '−6.7' });
		expect(d.toNational).toMatchObject({ value: -1.7, display: '−1.7' });
		expect(d.lastYear).toMatchObject({ value: 69 });
		expect(d.toLastYear).toMatchObject({ value: 4.3, display: '+4.3' });
		expect(d.gap).toBeNull();
		// 1.7 below national is within the 5 points of amber.
		expect(d.rag).toMatchObject({ rag: 'amber', symbol: '●' });
	});

	it('calculates the disadvantaged gap against non-disadvantaged pupils nationally', () => {
		// 62.5 (5 of 8) − 80 (national non-disadvantaged) = −17.5, not 62.5 − 63 = −0.5.
		expect(disadvantagedGap(b, F, 5, ref.measureId, ref.pointId)).toMatchObject({
			value: -17.5,
			display: '−17.5',
			direction: 'worse'
		});
		const d = deriveCell(b, F, 5, { ...ref, groupId: 'disadvantaged' });
		expect(d.gap).toMatchObject({ value: -17.5 });
		expect(d.toNational).toMatchObject({ value: -0.5 });
		expect(d.toTarget).toMatchObject({ value: -12.5 });
		// Last year's disadvantaged group was 3 pupils: suppressed, and so is the change.
		expect(d.lastYear.kind).toBe('suppressed');
		expect(d.toLastYear.kind).toBe('suppressed');
	});

	it('suppresses the gap when the disadvantaged group is small', () => {
		expect(disadvantagedGap(b, F, 10, ref.measureId, ref.pointId).kind).toBe('suppressed');
	});

	it('says missing where figures are not entered', () => {
		expect(disadvantagedGap(b, F, 5, ref.measureId, 'mid-year').kind).toBe('missing');
		const d = deriveCell(b, F, 5, { ...ref, groupId: 'eal' });
		expect(d.figure.kind).toBe('missing');
		expect(d.toNational.kind).toBe('missing');
		expect(d.rag.kind).toBe('missing');
		const noGap = { ...F, disadvantagedGap: null };
		expect(disadvantagedGap(b, noGap, 5, ref.measureId, ref.pointId).kind).toBe('missing');
	});

	it('suppresses a small group and every difference involving it', () => {
		const d = deriveCell(b, F, 5, { ...ref, groupId: 'send' });
		expect(d.figure.kind).toBe('suppressed');
		expect(d.toNational.kind).toBe('suppressed');
		expect(d.rag.kind).toBe('suppressed');
		expect(d.national).toMatchObject({ value: 38 });
	});

	it('has no difference to target at the target point itself', () => {
		const d = deriveCell(b, F, 5, { ...ref, groupId: 'all', pointId: 'target' });
		expect(d.target).toBeNull();
		expect(d.toTarget).toBeNull();
	});

	it('rates against the target when the trust says so', () => {
		const byTarget = {
			...F,
			measures: F.measures.map((m) =>
				m.id === 'ks2-reading-exs'
					? { ...m, rag: { against: 'target' as const, amberWithin: 5 } }
					: m
			)
		};
		// 73.3 is 6.7 below the target of 80: red.
		expect(deriveCell(b, byTarget, 5, { ...ref, groupId: 'all' }).rag).toMatchObject({
			rag: 'red',
			label: 'Red: more than 5 percentage points below target'
		});
		// At the target point there is nothing to rate against.
		const atTarget = deriveCell(b, byTarget, 5, { ...ref, groupId: 'all', pointId: 'target' });
		expect(atTarget.rag.kind).toBe('not-rated');
	});

	it('gives series for charts across the year and across years', () => {
		const series = pointSeries(b, F, 5, 'ks2-reading-exs', 'all');
		expect(series.map((s) => [s.label, s.figure.display])).toEqual([
			['Target', '80.0%'],
			['Autumn', '60.0%'],
			['Mid-year projection', 'No data'],
			['End of year', '73.3%']
		]);
		const next = booklet('2026-27');
		next.lastYear = lastYearFrom(b, F);
		next.cells[cellKey('ks2-reading-exs', 'all', 'end-of-year')] = { cohort: 31, count: 25 };
		const years = yearSeries([next, b], F, 5, 'ks2-reading-exs', 'all');
		expect(years.map((y) => [y.year, y.figure.display, y.national.display])).toEqual([
			['2025-26', '73.3%', '75.0%'],
			['2026-27', '80.6%', 'No data']
		]);
		// Last year's outcome in the new booklet is this year's end-of-year figure.
		expect(deriveCell(next, F, 5, { ...ref, groupId: 'all' }).toLastYear).toMatchObject({
			value: 7.3
		});
	});

	it('refuses a measure the framework does not have', () => {
		expect(() =>
			bookletFigure(b, F, 5, { measureId: 'ks3-science', groupId: 'all', pointId: 'target' })
		).toThrow(RangeError);
	});
});

describe('outcomes across years', () => {
	it('starts with the outcome a booklet records for last year, then each year’s outcome', () => {
		const b = booklet('2026-27');
		b.lastYear = { [comparatorKey('ks2-reading-exs', 'all')]: { cohort: 30, count: 21 } };
		b.cells[cellKey('ks2-reading-exs', 'all', 'end-of-year')] = { cohort: 28, count: 21 };
		const series = outcomesAcrossYears([b], F, 5, 'ks2-reading-exs', 'all');
		// 21 of 30 = 70.0%; 21 of 28 = 75.0%.
		expect(series.map((p) => [p.year, p.figure.display])).toEqual([
			['2025-26', '70.0%'],
			['2026-27', '75.0%']
		]);
		expect(previousYear('2030-31')).toBe('2029-30');
		expect(previousYear('2000-01')).toBe('1999-00');
	});

	it('leaves out a last year that was never entered, and keeps a missing outcome missing', () => {
		const series = outcomesAcrossYears([booklet('2026-27')], F, 5, 'ks2-reading-exs', 'all');
		expect(series).toHaveLength(1);
		expect(series[0]!.figure.kind).toBe('missing');
	});
});

describe('where the overview opens', () => {
	it('opens on the latest point with figures, at the first section and measure that has them', () => {
		const b = booklet();
		// Phonics in the autumn and a KS2 target: nothing at the end of the year, nothing in EYFS.
		b.cells[cellKey('ks2-reading-exs', 'all', 'target')] = { cohort: 30, count: 24 };
		b.cells[cellKey('phonics-y1', 'disadvantaged', 'autumn')] = { cohort: 9, count: 6 };
		// A cohort alone, later in the year, is not a figure.
		b.cells[cellKey('eyfs-gld', 'all', 'end-of-year')] = { cohort: 30 };
		expect(openingView(b, F)).toEqual({
			sectionId: 'phonics',
			measureId: 'phonics-y1',
			pointId: 'autumn'
		});
	});

	it('opens on the end of the year once it has figures, and says nothing for an empty booklet', () => {
		const b = worked();
		expect(openingView(b, F)).toMatchObject({ pointId: 'end-of-year', sectionId: 'ks2' });
		expect(openingView(booklet(), F)).toBeNull();
	});

	it('opens where the address says while the framework still has it, and as usual otherwise', () => {
		const kept = { section: 'eyfs', measure: 'eyfs-gld', point: 'autumn' };
		expect(keptView(kept, F)).toEqual({
			sectionId: 'eyfs',
			measureId: 'eyfs-gld',
			pointId: 'autumn'
		});
		// A point, section or measure the trust has since removed, or a measure of another section.
		expect(keptView({ ...kept, point: 'spring-2' }, F)).toBeNull();
		expect(keptView({ ...kept, section: 'gone' }, F)).toBeNull();
		expect(keptView({ ...kept, measure: 'gone' }, F)).toBeNull();
		expect(keptView({ ...kept, measure: 'phonics-y1' }, F)).toBeNull();
		expect(keptView({}, F)).toBeNull();
	});
});
