import { describe, expect, it } from 'vitest';
import { admin, ceo, head, sil } from '../../../tests/unit/fixtures';
import { deriveCell } from './attainment-calc.ts';
import {
	applyFrameworkDraft,
	frameworkDraft,
	groupAlwaysKept,
	groupChoices,
	type FrameworkDraft
} from './attainment-framework-edit.ts';
import {
	AttainmentBooklet,
	bookletIssues,
	DEFAULT_ATTAINMENT_FRAMEWORK as F,
	newAttainmentBooklet,
	type AttainmentCell,
	type AttainmentFramework
} from './attainment-schema.ts';
import { trustTotal } from './attainment-totals.ts';
import { validateDocUpdate } from './rules.ts';

const at = '2026-01-10T09:00:00Z';

/** A school's booklet with these cells, keyed `measure:group:point`. */
function booklet(school: string, cells: Record<string, AttainmentCell>) {
	return { ...newAttainmentBooklet(school, '2025-26', 'sil', at), cells };
}

const rwm = { measureId: 'ks2-rwm-exs', groupId: 'all', pointId: 'end-of-year' };

describe('trust-wide totals', () => {
	it('weights a percentage by cohort: all pupils meeting over all cohorts', () => {
		// Oak 15 of 30 (50.0%), Ash 45 of 60 (75.0%). The plain mean of the two would be 62.5%;
		// by cohort it is (15 + 45) / (30 + 60) = 60 / 90 = 66.666… → 66.7%.
		const total = trustTotal(
			[
				booklet('oak', { 'ks2-rwm-exs:all:end-of-year': { cohort: 30, count: 15 } }),
				booklet('ash', { 'ks2-rwm-exs:all:end-of-year': { cohort: 60, count: 45 } })
			],
			F,
			5,
			rwm
		);
		expect(total).toMatchObject({ kind: 'value', value: 66.7, display: '66.7%', included: 2 });
		expect(total.note).toBe('From 2 schools');
	});

	it('weights a rate by cohort and adds up counts', () => {
		// Attendance 96.0% of 100 pupils and 93.0% of 200: (9600 + 18600) / 300 = 94.0%.
		const books = [
			booklet('oak', {
				'attendance:all:autumn': { cohort: 100, value: 96 },
				'suspensions:all:autumn': { cohort: 100, value: 2 }
			}),
			booklet('ash', {
				'attendance:all:autumn': { cohort: 200, value: 93 },
				'suspensions:all:autumn': { cohort: 200, value: 5 }
			})
		];
		const ref = { groupId: 'all', pointId: 'autumn' };
		expect(trustTotal(books, F, 5, { ...ref, measureId: 'attendance' }).display).toBe('94.0%');
		// Persistent absence 10.5% of 150 and 20.0% of 50: (1575 + 1000) / 200 = 12.875 → 12.9%.
		const pa = [
			booklet('oak', { 'persistent-absence:all:autumn': { cohort: 150, value: 10.5 } }),
			booklet('ash', { 'persistent-absence:all:autumn': { cohort: 50, value: 20 } })
		];
		expect(trustTotal(pa, F, 5, { ...ref, measureId: 'persistent-absence' }).display).toBe('12.9%');
		// Suspensions: 2 + 5 = 7, and per 100 pupils on the two rolls, 7 / 300 → 2.3.
		const suspensions = trustTotal(books, F, 5, { ...ref, measureId: 'suspensions' });
		expect(suspensions.display).toBe('7');
		expect(suspensions.kind === 'value' && suspensions.rate).toBe('2.3 per 100 pupils');
		// A rate has no rate of its own.
		expect(trustTotal(books, F, 5, { ...ref, measureId: 'attendance' })).not.toHaveProperty('rate');
	});

	it('leaves suppressed and missing figures out, and says so', () => {
		// SEND: Oak 3 of 4 (below the threshold of 5, suppressed), Ash 4 of 8, Elm 6 of 12, Birch
		// none. The total is (4 + 6) / (8 + 12) = 50.0%, not (3 + 4 + 6) / 24 = 54.2%.
		const cells = (cohort: number, count: number) => ({
			'ks2-rwm-exs:send:end-of-year': { cohort, count }
		});
		const total = trustTotal(
			[
				booklet('oak', cells(4, 3)),
				booklet('ash', cells(8, 4)),
				booklet('elm', cells(12, 6)),
				null
			],
			F,
			5,
			{ ...rwm, groupId: 'send' }
		);
		expect(total).toMatchObject({
			kind: 'value',
			display: '50.0%',
			included: 2,
			suppressed: 1,
			missing: 1
		});
		expect(total.note).toBe(
			'From 2 schools; 1 suppressed figure left out (fewer pupils than the threshold); 1 school with no figure'
		);
	});

	it('has no figure when every school’s is suppressed', () => {
		const small = (n: number) => ({ 'ks2-rwm-exs:cla:end-of-year': { cohort: n, count: 1 } });
		const none = trustTotal([booklet('oak', small(2)), booklet('ash', small(3))], F, 5, {
			...rwm,
			groupId: 'cla'
		});
		expect(none).toMatchObject({ kind: 'missing', suppressed: 2, display: 'No data' });
		expect(none.note).toContain('2 suppressed figures left out');
		// With a threshold of 1 both count: (1 + 1) / (2 + 3) = 40.0%.
		const tiny = trustTotal([booklet('oak', small(2)), booklet('ash', small(3))], F, 1, {
			...rwm,
			groupId: 'cla'
		});
		expect(tiny.display).toBe('40.0%');
	});
});

/** The draft with one measure's thresholds as typed. */
function withRag(
	framework: AttainmentFramework,
	measureId: string,
	green: string,
	amber: string
): FrameworkDraft {
	const d = frameworkDraft(framework);
	return {
		...d,
		rags: d.rags.map((r) =>
			r.measureId === measureId ? { ...r, greenWithin: green, amberWithin: amber } : r
		)
	};
}

describe('administrators’ thresholds', () => {
	it('saves thresholds in order, and the next calculation uses them', () => {
		const result = applyFrameworkDraft(F, withRag(F, 'ks2-rwm-exs', '1', '2.5'));
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const measure = result.framework.measures.find((m) => m.id === 'ks2-rwm-exs');
		expect(measure?.rag).toEqual({ against: 'national', greenWithin: 1, amberWithin: 2.5 });
		// 17 of 30 = 56.7% against 60.0% nationally: 3.3 points below. Amber under the default
		// (up to 5), red under the new rule (more than 2.5).
		const b = booklet('oak', { 'ks2-rwm-exs:all:end-of-year': { cohort: 30, count: 17 } });
		b.nationals['ks2-rwm-exs:all'] = 60;
		expect(deriveCell(b, F, 5, rwm).rag).toMatchObject({ rag: 'amber' });
		expect(deriveCell(b, result.framework, 5, rwm).rag).toMatchObject({
			rag: 'red',
			label: 'Red: more than 2.5 percentage points below national'
		});
		// 18 of 30 = 60.0% against 60.6%: 0.6 below, green within the 1 point allowed.
		b.nationals['ks2-rwm-exs:all'] = 60.6;
		b.cells['ks2-rwm-exs:all:end-of-year'] = { cohort: 30, count: 18 };
		expect(deriveCell(b, result.framework, 5, rwm).rag).toMatchObject({
			rag: 'green',
			label: 'Green: at or above national, or up to 1 percentage point below'
		});
	});

	it('refuses thresholds out of order or out of range, in plain words, and saves nothing', () => {
		const label = 'KS2 reading, writing and maths: expected standard';
		const bad = (green: string, amber: string) =>
			applyFrameworkDraft(F, withRag(F, 'ks2-rwm-exs', green, amber));
		expect(bad('6', '5')).toEqual({
			ok: false,
			errors: [
				{
					field: 'green-ks2-rwm-exs',
					message: `${label}: green (up to 6) must not reach further than amber (up to 5). Put the thresholds in order: green, then amber.`
				}
			]
		});
		expect(bad('0', '101')).toMatchObject({
			errors: [{ message: `${label}: the amber threshold must be between 0 and 100.` }]
		});
		expect(bad('-1', '5')).toMatchObject({
			errors: [{ message: `${label}: the green threshold must be between 0 and 100.` }]
		});
		expect(bad('0', 'five')).toMatchObject({
			errors: [{ message: `${label}: “five” is not a number.` }]
		});
		expect(bad('0', '')).toMatchObject({
			errors: [{ message: `${label}: give the amber threshold.` }]
		});
		expect(bad('0', '2.25')).toMatchObject({
			errors: [{ message: `${label}: the amber threshold can have one decimal place at most.` }]
		});
		// An average score's threshold is limited by its range: the MTC is out of 25.
		expect(applyFrameworkDraft(F, withRag(F, 'mtc-average', '0', '26'))).toMatchObject({
			errors: [{ field: 'amber-mtc-average' }]
		});
	});

	it('turns a measure’s rating off and on', () => {
		const d = frameworkDraft(F);
		d.rags = d.rags.map((r) =>
			r.measureId === 'suspensions' ? { ...r, rated: true, against: 'target', amberWithin: '2' } : r
		);
		const on = applyFrameworkDraft(F, d);
		expect(on.ok && on.framework.measures.find((m) => m.id === 'suspensions')?.rag).toEqual({
			against: 'target',
			amberWithin: 2
		});
	});
});

describe('pupil groups the trust chooses', () => {
	it('offers SEN support, EHCP and children looked after as groups of their own', () => {
		const ids = groupChoices(F).map((g) => g.id);
		expect(ids).toEqual([
			'all',
			'disadvantaged',
			'non-disadvantaged',
			'send',
			'sen-support',
			'ehcp',
			'cla',
			'eal',
			'boys',
			'girls'
		]);
		// A trust's own group stays on offer.
		const own = { ...F, groups: [...F.groups, { id: 'more-able', label: 'More able' }] };
		expect(groupChoices(own).at(-1)).toEqual({ id: 'more-able', label: 'More able' });
	});

	it('adds the chosen groups in the booklet’s order and keeps older booklets valid', () => {
		const d = frameworkDraft(F);
		const chosen = applyFrameworkDraft(F, {
			...d,
			groups: [...d.groups.filter((g) => g !== 'send'), 'cla', 'ehcp', 'sen-support']
		});
		expect(chosen.ok).toBe(true);
		if (!chosen.ok) return;
		expect(chosen.framework.groups.map((g) => g.label)).toEqual([
			'All pupils',
			'Disadvantaged',
			'Non-disadvantaged',
			'SEN support',
			'EHCP',
			'Children looked after',
			'EAL',
			'Boys',
			'Girls'
		]);
		// A booklet filled in under the old groups, with SEND figures, is still valid and keeps them.
		const old = booklet('oak', { 'ks2-rwm-exs:send:end-of-year': { cohort: 4, count: 1 } });
		expect(AttainmentBooklet.safeParse(old).success).toBe(true);
		expect(bookletIssues(old, chosen.framework)).toEqual([]);
	});

	it('keeps all pupils, and the groups the disadvantaged gap compares', () => {
		const d = frameworkDraft(F);
		expect(
			applyFrameworkDraft(F, { ...d, groups: d.groups.filter((g) => g !== 'all') })
		).toMatchObject({
			ok: false,
			errors: [{ field: 'groups', message: expect.stringContaining('All pupils must stay') }]
		});
		expect(
			applyFrameworkDraft(F, { ...d, groups: d.groups.filter((g) => g !== 'disadvantaged') })
		).toMatchObject({ ok: false, errors: [{ field: 'groups' }] });
	});

	it('says why all pupils and the gap’s two groups are always chosen, and only those', () => {
		const kept = groupChoices(F).filter((g) => groupAlwaysKept(F, g.id) !== null);
		expect(kept.map((g) => g.id)).toEqual(['all', 'disadvantaged', 'non-disadvantaged']);
		expect(groupAlwaysKept(F, 'non-disadvantaged')).toBe(
			'the gap compares disadvantaged pupils with non-disadvantaged pupils'
		);
		// A trust that does not track the gap may leave its groups out.
		expect(groupAlwaysKept({ ...F, disadvantagedGap: null }, 'disadvantaged')).toBeNull();
	});
});

describe('who may change the attainment framework', () => {
	it('is a trust administrator and nobody else', () => {
		const draft = applyFrameworkDraft(F, withRag(F, 'ks2-rwm-exs', '0', '3'));
		if (!draft.ok) throw new Error('the draft should be valid');
		const doc = { ...draft.framework, _rev: '1-a' } as never;
		const old = { ...F, _rev: '1-a' } as never;
		expect(validateDocUpdate(doc, old, admin, 'trust')).toEqual({ ok: true });
		for (const user of [ceo, sil, head]) {
			expect(validateDocUpdate(doc, old, user, 'trust')).toMatchObject({
				ok: false,
				error: 'forbidden'
			});
		}
		// Thresholds out of order are refused by the server too, whoever sends them.
		const unordered = {
			...F,
			measures: F.measures.map((m) =>
				m.id === 'ks2-rwm-exs'
					? { ...m, rag: { against: 'national', greenWithin: 6, amberWithin: 5 } }
					: m
			)
		} as never;
		expect(validateDocUpdate(unordered, old, admin, 'trust')).toMatchObject({
			ok: false,
			reason: expect.stringContaining('green must not reach further than amber')
		});
	});
});
