import { describe, expect, it } from 'vitest';
import { mayChangeRecord } from '$lib/domain/agreement';
import { draftFate, type DraftFacts } from './draft-fate';

// A draft left unsent says whether its form can still be opened (to finish and send it), may be
// waiting, or is gone for good (only worth copying): decided from what the device holds.

const there = (more: Omit<Extract<DraftFacts, { found: 'there' }>, 'found'> = {}): DraftFacts => ({
	found: 'there',
	...more
});

describe('whether a draft’s form is still open', () => {
	it('a head’s reply to a visit record: open while shared, gone once confirmed, waiting while back in draft', () => {
		expect(draftFate('visit', there({ visitStatus: 'shared' }))).toEqual({ fate: 'open' });
		expect(draftFate('visit', there({ visitStatus: 'confirmed' }))).toEqual({
			fate: 'gone',
			why: 'the record was confirmed'
		});
		expect(draftFate('visit', there({ visitStatus: 'draft' })).fate).toBe('waiting');
	});

	it('the visitor’s addendum is open on a confirmed record, and a new next step is gone with it', () => {
		expect(draftFate('visit', there({ visitStatus: 'confirmed', isVisitor: true }))).toEqual({
			fate: 'open'
		});
		expect(draftFate('next-step', there({ visitStatus: 'draft' }))).toEqual({ fate: 'open' });
		expect(draftFate('next-step', there({ visitStatus: 'shared' })).fate).toBe('waiting');
		expect(draftFate('next-step', there({ visitStatus: 'confirmed' }))).toEqual({
			fate: 'gone',
			why: 'the visit record was confirmed'
		});
	});

	it('a merged text is gone once its choice is made elsewhere; a mark’s forms once it is removed', () => {
		expect(draftFate('merge', there({ choiceWaiting: true }))).toEqual({ fate: 'open' });
		expect(draftFate('merge', there({ choiceWaiting: false })).fate).toBe('gone');
		expect(draftFate('vulnerable-remove', there({ markInForce: false }))).toEqual({
			fate: 'gone',
			why: 'the mark was removed'
		});
		expect(draftFate('vulnerable-edit', there({ markInForce: true }))).toEqual({ fate: 'open' });
		// Marking a school already marked (on another device) is no longer on offer.
		expect(draftFate('vulnerable-mark', there({ markInForce: true })).fate).toBe('gone');
		expect(draftFate('vulnerable-mark', there({ markInForce: false })).fate).toBe('open');
		expect(draftFate('concern-action', there({ concernClosed: true }))).toEqual({
			fate: 'gone',
			why: 'the concern was closed'
		});
	});

	it('a record deleted, its school closed, or the same review recorded takes the form with it', () => {
		expect(draftFate('progress', { found: 'deleted' })).toEqual({
			fate: 'gone',
			why: 'its next step was deleted'
		});
		expect(draftFate('review', there({ schoolClosed: true })).fate).toBe('gone');
		// The same review recorded meanwhile (on another device): sending it again would repeat it.
		expect(
			draftFate('review', there({ reviewRecorded: 'Ofsted inspection, Thu 15 Jan 2026' }))
		).toEqual({
			fate: 'gone',
			why: 'a review of the same kind and date is already recorded for this school (Ofsted inspection, Thu 15 Jan 2026)'
		});
		expect(draftFate('review', there())).toEqual({ fate: 'open' });
		expect(draftFate('plan', there({ schoolClosed: false }))).toEqual({ fate: 'open' });
		// Adding a school has no record to lose.
		expect(draftFate('school', there())).toEqual({ fate: 'open' });
		// A school's details may be corrected closed or not (`draftFacts` does not say it is closed).
		expect(draftFate('school-details', there())).toEqual({ fate: 'open' });
	});

	it('the visit calendar’s typing is open while the calendar is on the device', () => {
		expect(draftFate('calendar', there())).toEqual({ fate: 'open' });
	});

	it('where the device cannot tell, the draft may be waiting, never gone', () => {
		for (const form of ['progress', 'visit', 'merge', 'figures', 'something-new']) {
			expect(draftFate(form, { found: 'unknown' }).fate).toBe('waiting');
		}
		expect(draftFate('something-new', there()).fate).toBe('waiting');
		expect(draftFate('next-step', there()).fate).toBe('waiting');
	});
});

describe('a new next step’s draft', () => {
	it('is open exactly when the pages it is typed on (the record’s and its learning walk’s) offer its form', () => {
		const visitor = { name: 'sil1', roles: ['sil', 'school:oakfield'] };
		for (const status of ['planned', 'draft', 'shared', 'confirmed'] as const) {
			const offered = mayChangeRecord(visitor, { visitor: 'sil1', status });
			const fate = draftFate('next-step', there({ visitStatus: status, isVisitor: true })).fate;
			expect(fate === 'open', status).toBe(offered);
		}
	});
});
