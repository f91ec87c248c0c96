import { describe, expect, it } from 'vitest';
import { admin, ceo, head, sil } from '../../../tests/unit/fixtures';
import {
	categoriesFitting,
	categoryNote,
	ExternalReview,
	latestInspection,
	type InspectionOutcome
} from './reviews';
import { validateDocUpdate } from './rules';

const DB = 'school-oakfield';
const date = (iso: string) => iso.split('-').reverse().join('/');

function review(over: Partial<ExternalReview> = {}): ExternalReview {
	return {
		_id: 'review:a',
		schemaVersion: 1,
		type: 'external-review',
		schoolId: 'oakfield',
		kind: 'ofsted',
		on: '2026-03-04',
		reviewer: 'Ofsted',
		headline: 'Pupils read widely and often.',
		inspection: {
			framework: 'ofsted-2025',
			grades: { inclusion: 'expected', achievement: 'strong' },
			safeguarding: 'met'
		},
		recordedBy: 'admin',
		updatedBy: 'admin',
		updatedAt: '2026-03-05T09:00:00Z',
		...over
	};
}
const graded = (overall: string): InspectionOutcome => ({
	framework: 'ofsted-2019',
	grades: { 'overall-effectiveness': overall }
});
const card = (grades: Record<string, string>, safeguarding: 'met' | 'not-met' = 'met') => ({
	framework: 'ofsted-2025' as const,
	grades,
	safeguarding
});

describe('who records an inspection or review', () => {
	it('lets an administrator and the CEO record one, each in their own name', () => {
		expect(validateDocUpdate(review(), null, admin, DB)).toEqual({ ok: true });
		const byCeo = review({ recordedBy: 'ceo', updatedBy: 'ceo' });
		expect(validateDocUpdate(byCeo, null, ceo, DB)).toEqual({ ok: true });
		expect(validateDocUpdate(review(), null, ceo, DB)).toMatchObject({
			ok: false,
			reason: 'An inspection or review must be saved under your own name.'
		});
		expect(validateDocUpdate({ ...byCeo, recordedBy: 'admin' }, null, ceo, DB)).toMatchObject({
			ok: false,
			reason: 'An inspection or review is recorded in your own name.'
		});
	});

	it('refuses a headteacher and a SIL, whether new, changed or removed', () => {
		const reason =
			'Only a trust administrator or the chief executive records inspections and reviews.';
		for (const user of [head, sil]) {
			const mine = review({ recordedBy: user.name, updatedBy: user.name });
			expect(validateDocUpdate(mine, null, user, DB)).toEqual({
				ok: false,
				error: 'forbidden',
				reason
			});
			expect(validateDocUpdate({ ...mine, headline: 'Better' }, mine, user, DB)).toMatchObject({
				ok: false,
				reason
			});
			const gone = { _id: mine._id, _rev: '1-a', _deleted: true };
			expect(validateDocUpdate(gone, { ...mine, _rev: '1-a' }, user, DB)).toMatchObject({
				ok: false,
				reason
			});
		}
	});

	it('lets the CEO correct one but not change who recorded it, and remove one recorded in error', () => {
		const old = { ...review(), _rev: '1-a' };
		const edit = { ...old, headline: 'Reading is strong.', updatedBy: 'ceo' };
		expect(validateDocUpdate(edit, old, ceo, DB)).toEqual({ ok: true });
		expect(validateDocUpdate({ ...edit, recordedBy: 'ceo' }, old, ceo, DB)).toMatchObject({
			ok: false,
			reason: 'Who recorded an inspection or review cannot be changed.'
		});
		const gone = { _id: old._id, _rev: '1-a', _deleted: true };
		expect(validateDocUpdate(gone, old, ceo, DB)).toEqual({ ok: true });
	});

	it('refuses an inspection without its outcome, or grades from the wrong framework', () => {
		expect(validateDocUpdate(review({ inspection: undefined }), null, admin, DB)).toMatchObject({
			ok: false
		});
		const wrong = review({ inspection: card({ 'overall-effectiveness': 'good' }) });
		expect(validateDocUpdate(wrong, null, admin, DB)).toMatchObject({
			ok: false,
			reason: expect.stringContaining('is not an area')
		});
		const noSafeguarding = review({
			inspection: { framework: 'ofsted-2025', grades: { inclusion: 'strong' } }
		});
		expect(validateDocUpdate(noSafeguarding, null, admin, DB).ok).toBe(false);
		const peer = review({ kind: 'peer', inspection: undefined, reviewer: 'Ashcombe' });
		expect(validateDocUpdate(peer, null, admin, DB)).toEqual({ ok: true });
		expect(validateDocUpdate({ ...peer, inspection: graded('good') }, null, admin, DB).ok).toBe(
			false
		);
	});
});

describe('when a category no longer fits the last inspection', () => {
	it('reads the categories each outcome fits, by the category table', () => {
		expect(categoriesFitting(graded('outstanding'))).toEqual(['1', '2a']);
		expect(categoriesFitting(graded('good'))).toEqual(['2a', '2b']);
		expect(categoriesFitting(graded('requires-improvement'))).toEqual(['2b', '3']);
		expect(categoriesFitting(graded('inadequate'))).toEqual(['4']);
		expect(categoriesFitting(card({ inclusion: 'strong', achievement: 'exceptional' }))).toEqual([
			'1',
			'2a'
		]);
		expect(categoriesFitting(card({ inclusion: 'strong', achievement: 'expected' }))).toEqual([
			'2a',
			'2b'
		]);
		expect(categoriesFitting(card({ inclusion: 'needs-attention' }))).toEqual(['2b', '3']);
		expect(categoriesFitting(card({ inclusion: 'urgent-improvement' }))).toEqual(['4']);
		// Safeguarding not met puts a school into a category whatever the areas say.
		expect(categoriesFitting(card({ inclusion: 'exceptional' }, 'not-met'))).toEqual(['4']);
	});

	it('says nothing when the category fits or no inspection is recorded', () => {
		expect(categoryNote('2a', review(), date)).toBeNull();
		expect(categoryNote('2b', review(), date)).toBeNull();
		expect(categoryNote('1', null, date)).toBeNull();
	});

	it('says in words when the inspection was worse than the category implies', () => {
		const bad = review({
			inspection: card({ inclusion: 'urgent-improvement', achievement: 'expected' })
		});
		expect(categoryNote('2a', bad, date)).toBe(
			'Category 2a may no longer fit: the Ofsted inspection on 04/03/2026 found the school weaker than its category implies (urgent improvement in 1 area, expected standard in 1 area; safeguarding met). That outcome fits category 4 (Inadequate).'
		);
	});

	it('says in words when the inspection was better than the category implies', () => {
		const good = review({ inspection: graded('good') });
		expect(categoryNote('4', good, date)).toBe(
			'Category 4 may no longer fit: the Ofsted inspection on 04/03/2026 found the school stronger than its category implies (good overall). That outcome fits category 2a (Securely good) or 2b (Good with weaknesses).'
		);
	});

	it('compares with the latest inspection, not a later peer review or an older inspection', () => {
		const older = review({ _id: 'review:old', on: '2022-01-10', inspection: graded('inadequate') });
		const peer = review({ _id: 'review:p', kind: 'peer', on: '2026-10-01', inspection: undefined });
		const latest = latestInspection([older, peer, review()]);
		expect(latest?._id).toBe('review:a');
		expect(categoryNote('4', latest, date)).toContain('stronger than its category implies');
	});
});
