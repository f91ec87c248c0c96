import { cellFigure, formatTenths, percentageTenths, toTenths } from './attainment-calc.ts';
import {
	cellKey,
	measureById,
	type AttainmentBooklet,
	type AttainmentFramework,
	type AttainmentMeasure
} from './attainment-schema.ts';

// Trust-wide totals (issue 15): the trust's figure for a measure, beside each school's, from every
// school's aggregate figures. How each kind of measure is combined:
// - percentage: the pupils meeting the standard in every school over all their cohorts, which is
//   the schools' percentages weighted by cohort (a school of 60 counts twice one of 30);
// - rate and average (attendance, persistent absence, scaled scores): each school's figure as
//   shown, weighted by its cohort;
// - count (suspensions, exclusions): the schools' numbers added up, and per 100 pupils on roll over
//   the same schools (a school's cohort for a count is its roll), which compares with each school's
//   own rate where the number alone would not.
// A school's figure that is suppressed (a group smaller than the threshold) or not entered is left
// out, and the total says how many were. A total is never smaller than a shown school's group, so
// it cannot give a small group away.

/** How the trust total is worked out, in words for the key beside it. */
export const TRUST_TOTAL_RULE =
	'Trust: every school’s figures together. A percentage is all the pupils meeting the standard out of all the cohorts, so each school counts in proportion to its cohort; attendance, persistent absence and average scores are weighted by each school’s cohort; suspensions and exclusions are added up, and given per 100 pupils on the schools’ rolls to compare with each school’s rate. Suppressed figures are left out.';

export type TrustTotal =
	| {
			kind: 'value';
			value: number;
			display: string;
			/** Schools whose figure is in the total. */
			included: number;
			/** Schools left out because their group is below the threshold. */
			suppressed: number;
			/** Schools with no figure entered. */
			missing: number;
			/** "From 5 schools; 1 suppressed figure left out", for people and screen readers. */
			note: string;
			/** For a number of events (suspensions): "1.2 per 100 pupils" over the schools included. */
			rate?: string;
	  }
	| {
			kind: 'missing';
			reason: string;
			display: string;
			included: number;
			suppressed: number;
			missing: number;
			note: string;
	  };

const schools = (n: number) => `${n} ${n === 1 ? 'school' : 'schools'}`;

function noteFor(included: number, suppressed: number, missing: number): string {
	const parts = [`From ${schools(included)}`];
	if (suppressed > 0) {
		parts.push(
			`${suppressed} suppressed ${suppressed === 1 ? 'figure' : 'figures'} left out (fewer pupils than the threshold)`
		);
	}
	if (missing > 0) parts.push(`${schools(missing)} with no figure`);
	return parts.join('; ');
}

/** A non-negative fraction rounded half up to a whole number, in integers. */
const roundHalfUp = (num: number, den: number) => Math.floor((2 * num + den) / (2 * den));

function display(measure: AttainmentMeasure, tenths: number): string {
	if (measure.kind === 'count') return String(tenths / 10);
	return measure.kind === 'average' ? formatTenths(tenths) : `${formatTenths(tenths)}%`;
}

/**
 * The trust's figure for one measure, group and point, from the booklets of every school (one
 * booklet per school, of the same year; a school without a booklet passes null and counts as
 * having no figure).
 */
export function trustTotal(
	booklets: readonly (AttainmentBooklet | null)[],
	framework: AttainmentFramework,
	threshold: number,
	ref: { measureId: string; groupId: string; pointId: string }
): TrustTotal {
	const measure = measureById(framework, ref.measureId);
	let included = 0;
	let suppressed = 0;
	let missing = 0;
	let cohorts = 0;
	/** Pupils meeting (percentage), Σ cohort × tenths (rate, average) or tenths of events (count). */
	let sum = 0;
	for (const b of booklets) {
		const cell = b?.cells[cellKey(ref.measureId, ref.groupId, ref.pointId)];
		const figure = measure ? cellFigure(measure, cell, threshold) : null;
		if (!measure || !figure || figure.kind === 'missing' || !cell) {
			missing += 1;
			continue;
		}
		if (figure.kind === 'suppressed') {
			suppressed += 1;
			continue;
		}
		const cohort = cell.cohort!;
		included += 1;
		cohorts += cohort;
		if (measure.kind === 'percentage') sum += cell.count!;
		else if (measure.kind === 'count') sum += toTenths(cell.value!);
		else sum += cohort * Math.round(figure.value * 10);
	}
	const note = noteFor(included, suppressed, missing);
	const counts = { included, suppressed, missing, note };
	if (!measure || included === 0) {
		return {
			kind: 'missing',
			reason: suppressed > 0 ? 'Every school’s figure is suppressed' : 'No school has a figure yet',
			display: 'No data',
			...counts
		};
	}
	const tenths =
		measure.kind === 'percentage'
			? percentageTenths(sum, cohorts)
			: measure.kind === 'count'
				? sum
				: roundHalfUp(sum, cohorts);
	const rate =
		measure.kind === 'count'
			? `${formatTenths(percentageTenths(Math.round(sum / 10), cohorts))} per 100 pupils`
			: undefined;
	return {
		kind: 'value',
		value: tenths / 10,
		display: display(measure, tenths),
		...counts,
		...(rate ? { rate } : {})
	};
}
