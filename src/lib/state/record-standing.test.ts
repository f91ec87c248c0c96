import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordStanding, sending, type RecordFacts } from './record-standing';

const clear: RecordFacts = {
	choices: 0,
	othersChoice: false,
	notSaved: null,
	waiting: false,
	justChanged: false,
	reachable: true,
	sentAt: null
};

const facts = fc.record({
	choices: fc.nat(2),
	othersChoice: fc.boolean(),
	notSaved: fc.option(fc.constant('Enter the person’s name'), { nil: null }),
	waiting: fc.boolean(),
	justChanged: fc.boolean(),
	reachable: fc.boolean(),
	sentAt: fc.option(fc.constant('2026-11-29T09:00:00.000Z'), { nil: null })
});

describe('where a record stands with the trust', () => {
	it('is never at the trust while a change of it waits, or was written a moment ago', () => {
		fc.assert(
			fc.property(facts, (f) => {
				if (!f.waiting && !f.justChanged) return;
				expect(sending(f).kind).toBe(f.reachable ? 'waiting' : 'offline');
				expect(recordStanding(f).kind).not.toMatch(/^(sent|up-to-date)$/);
			})
		);
	});

	it('says when the trust had it, once nothing waits', () => {
		expect(sending({ ...clear, sentAt: '2026-11-29T09:00:00.000Z' })).toEqual({
			kind: 'sent',
			at: '2026-11-29T09:00:00.000Z'
		});
		expect(sending(clear)).toEqual({ kind: 'up-to-date' });
	});

	it('puts a choice, then typing not saved, before how far it has gone', () => {
		expect(recordStanding({ ...clear, choices: 1, notSaved: 'x', waiting: true }).kind).toBe(
			'choice'
		);
		expect(recordStanding({ ...clear, othersChoice: true, waiting: true }).kind).toBe(
			'others-choice'
		);
		expect(recordStanding({ ...clear, notSaved: 'Refused', sentAt: 'x' })).toEqual({
			kind: 'not-saved',
			reason: 'Refused'
		});
	});
});
