import { describe, expect, it } from 'vitest';
import { year } from '../../../tests/unit/fixtures.ts';
import { School, schoolDocId } from './school.ts';
import { allowanceForYear, allowanceOn, recordSituationChange, situationOn } from './situation.ts';
import type { AcademicYear } from './trust.ts';

const ash: School = {
	_id: schoolDocId('ash'),
	schemaVersion: 1,
	type: 'school',
	id: 'ash',
	name: 'Ash Grove Primary',
	phase: 'primary',
	category: '2a',
	strand: 'preventative'
};

const stamp = (id: string, at: string, today = '2027-06-01') => ({ id, by: 'admin', at, today });

function change(school: School, to: School['category'], on: string, id: string, at: string) {
	const r = recordSituationChange(
		school,
		{
			to:
				to === '3' || to === '4'
					? { category: to, strand: 'corrective', carterStage: 'stabilise' }
					: { category: to, strand: 'preventative' },
			on,
			reason: `Re-categorised to ${to} after the trust's review`
		},
		stamp(id, at)
	);
	if (!r.ok) throw new Error(r.reason);
	return r.school;
}

describe('a school’s situation over time', () => {
	// Ash Grove: 2a (3 days) until 10 Jan 2027, then 3 on the corrective strand (7 days).
	const after = change(ash, '3', '2027-01-10', 'c1', '2027-01-12T09:00:00.000Z');

	it('moves the registry to the new situation and keeps the old one in the history', () => {
		expect(School.parse(after)).toBeTruthy();
		expect(after.category).toBe('3');
		expect(after.strand).toBe('corrective');
		expect(after.carterStage).toBe('stabilise');
		expect(after.history).toHaveLength(1);
		expect(after.history![0]!.from).toEqual({ category: '2a', strand: 'preventative' });
	});

	it('knows the category on each side of the date the change took effect', () => {
		expect(situationOn(after, '2027-01-09').category).toBe('2a');
		expect(situationOn(after, '2027-01-10').category).toBe('3');
		expect(situationOn(after, '2026-09-01').category).toBe('2a');
	});

	it('gives the allowance of the category in force: 3 days before 10 Jan, 7 from it', () => {
		expect(allowanceOn(after, '2026-12-01')).toBe(3);
		expect(allowanceOn(after, '2027-01-10')).toBe(7);
		// 2026-27 seen in December: still 3; in February: 7; after the year: the year's end, 7.
		expect(allowanceForYear(after, year, '2026-12-01')).toBe(3);
		expect(allowanceForYear(after, year, '2027-02-01')).toBe(7);
		expect(allowanceForYear(after, year, '2027-09-30')).toBe(7);
	});

	it('keeps a past year’s allowance as it was then', () => {
		const lastYear: AcademicYear = {
			...year,
			_id: 'year:2025-26',
			year: '2025-26',
			terms: year.terms.map((t) => ({
				...t,
				start: `${Number(t.start.slice(0, 4)) - 1}${t.start.slice(4)}`,
				end: `${Number(t.end.slice(0, 4)) - 1}${t.end.slice(4)}`
			}))
		};
		expect(allowanceForYear(after, lastYear, '2027-02-01')).toBe(3);
	});

	it('slots a change recorded late in where it took effect', () => {
		// Recorded in March, effective 1 Mar: 3 → 4 (10 days); then one recorded later but backdated to
		// 1 Feb: 3 → 2b (5 days). On 15 Feb the school was 2b, from 1 Mar category 4.
		const four = change(after, '4', '2027-03-01', 'c2', '2027-03-02T09:00:00.000Z');
		const late = change(four, '2b', '2027-02-01', 'c3', '2027-03-05T09:00:00.000Z');
		expect(late.history!.at(-1)!.from.category).toBe('3');
		expect(allowanceOn(late, '2027-02-15')).toBe(5);
		expect(allowanceOn(late, '2027-03-01')).toBe(10);
		expect(late.category).toBe('4');
	});

	it('refuses a change with no reason, a future date, or nothing changed', () => {
		const input = {
			to: { category: '2b' as const, strand: 'preventative' as const },
			on: '2027-01-10'
		};
		expect(recordSituationChange(ash, { ...input, reason: '  ' }, stamp('x', 'x'))).toEqual({
			ok: false,
			reason: 'Say why the situation changed.'
		});
		expect(
			recordSituationChange(ash, { ...input, on: '2027-07-01', reason: 'r' }, stamp('x', 'x'))
		).toMatchObject({ ok: false, reason: 'Record a change once it has taken effect, not before.' });
		expect(
			recordSituationChange(
				ash,
				{ to: { category: '2a', strand: 'preventative' }, on: '2027-01-10', reason: 'r' },
				stamp('x', 'x')
			)
		).toMatchObject({ ok: false });
		expect(
			recordSituationChange(
				ash,
				{ to: { category: '3', strand: 'corrective' }, on: '2027-01-10', reason: 'r' },
				stamp('x', 'x')
			)
		).toEqual({ ok: false, reason: 'A school on the corrective strand needs a Carter stage.' });
	});
});
